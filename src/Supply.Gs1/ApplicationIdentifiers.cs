namespace Supply.Gs1;

/// <summary>
/// The application identifiers the parser knows. Supply reads 01, 10, 17 and 21; the others are ones found on
/// medicine and device packs beside them, known only so a payload carrying them can be read past.
/// </summary>
internal static class ApplicationIdentifiers
{
    /// <param name="Fixed">Whether the value always has <paramref name="Length"/> characters (else it has 1 to Length, ended by GS).</param>
    internal sealed record Ai(string Code, int Length, bool Fixed, bool Numeric);

    internal const string Gtin = "01", Batch = "10", Expiry = "17", Serial = "21";

    private static readonly Ai[] Known =
    [
        new("00", 18, true, true), new(Gtin, 14, true, true), new("02", 14, true, true),
        new(Batch, 20, false, false), new("11", 6, true, true), new("13", 6, true, true), new("15", 6, true, true),
        new("16", 6, true, true), new(Expiry, 6, true, true), new(Serial, 20, false, false), new("22", 20, false, false),
        new("30", 8, false, true), new("240", 30, false, false), new("241", 30, false, false),
        new("710", 20, false, false), new("711", 20, false, false), new("712", 20, false, false),
        new("713", 20, false, false), new("714", 20, false, false), new("715", 20, false, false),
    ];

    /// <summary>The known AI that <paramref name="s"/> starts with (AIs are prefix-free, so at most one matches).</summary>
    public static Ai? Match(ReadOnlySpan<char> s)
    {
        foreach (var ai in Known)
            if (s.StartsWith(ai.Code, StringComparison.Ordinal)) return ai;
        return null;
    }

    public static Ai? Find(string code) => Array.Find(Known, a => a.Code == code);

    /// <summary>GS1 character set 82: the printable ASCII that element strings may carry.</summary>
    public static bool IsCset82(char c) => c is >= '!' and <= 'z' and not ('#' or '$' or '@' or '[' or '\\' or ']' or '^' or '`');
}
