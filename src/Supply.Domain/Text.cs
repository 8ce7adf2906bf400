namespace Supply.Domain;

/// <summary>Limits on input sizes; hostile or broken senders get a clear refusal, not a slow server.</summary>
public static class Limits
{
    public const int MaxNameLength = 200;
    public const int MaxReportIdLength = 128;
    public const int MaxLinesPerReport = 20_000;
    /// <summary>Enough to fix a file in one go, few enough to keep an error reply small.</summary>
    public const int MaxViolations = 50;
    public const int MaxLotsPerLine = 200;
    /// <summary>The longest period a reported consumption average may cover (a year and a day).</summary>
    public const int MaxConsumptionPeriodDays = 366;
    public const int MaxLotNumberLength = 64;
    public const int MaxReasonCodeLength = 64;
    /// <summary>Clocks differ between regional systems; an as-of a little in the future is tolerated.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    public static readonly DateTimeOffset EarliestAsOf = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Larger than any real stock; keeps sums far from overflow.</summary>
    public const long MaxQuantity = 1_000_000_000_000;
}

internal static class Text
{
    /// <summary>Short, printable, no white space: units (also Swedish ones such as "förp"), groups, reason codes.</summary>
    public static bool IsToken(string? s, int maxLength)
    {
        if (string.IsNullOrEmpty(s) || s.Length > maxLength) return false;
        // A plain loop: this runs for every lot of every report, and LINQ over a string allocates.
        foreach (var c in s)
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c)) return false;
        return true;
    }

    public static bool IsPrintable(string s)
    {
        foreach (var c in s)
            if (char.IsControl(c)) return false;
        return true;
    }

    /// <summary>Echo user input in messages without letting it flood them.</summary>
    public static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
