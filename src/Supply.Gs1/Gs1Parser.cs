namespace Supply.Gs1;

/// <summary>
/// Reads what a scanner delivers from a GS1 DataMatrix, GS1-128 or GS1 QR code: an element string
/// (<c>]d2</c>/<c>]C1</c>/<c>]Q3</c> symbology prefix and FNC1 optional, variable-length values ended by GS, U+001D),
/// the same in human-readable form with parentheses (<c>(01)…(17)…(10)…</c>), or a GS1 Digital Link URI
/// (<c>https://id.gs1.org/01/…/10/…?17=…</c>). Every refusal names the 0-based position of the character at fault.
/// </summary>
public static class Gs1Parser
{
    public const char GroupSeparator = '\u001d';

    public static Gs1Data Parse(string payload, DateOnly? today = null) =>
        TryParse(payload, out var data, out var error, today) ? data : throw new Gs1FormatException(error!);

    /// <param name="today">Fixes the century of two-digit years (GS1's sliding window); the current UTC date by default.</param>
    public static bool TryParse(string? payload, out Gs1Data data, out Gs1Error? error, DateOnly? today = null)
    {
        data = Gs1Data.Empty;
        if (string.IsNullOrEmpty(payload)) { error = new Gs1Error(0, "the payload is empty"); return false; }
        var fields = new Fields(today ?? DateOnly.FromDateTime(DateTime.UtcNow));
        error = LooksLikeUri(payload) ? DigitalLink.Read(payload, fields)
            : payload[0] == '(' ? ReadParenthesised(payload, fields)
            : ReadElementString(payload, fields);
        error ??= fields.Gtin is null && fields.Batch is null && fields.Expiry is null && fields.Serial is null
            ? new Gs1Error(0, "no GTIN (01), batch (10), expiry (17) or serial (21) in the payload") : null;
        if (error is not null) return false;
        data = new Gs1Data(fields.Gtin, fields.Batch, fields.Expiry, fields.Serial);
        return true;
    }

    /// <summary>Whether this looks like a scanned GS1 payload rather than a plain code (used to decide which reader applies).</summary>
    public static bool LooksLikePayload(string? s) =>
        s is { Length: > 2 } && (LooksLikeUri(s) || s[0] == '(' || s[0] == GroupSeparator || s.StartsWith(']'));

    private static bool LooksLikeUri(string s) =>
        s.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private static Gs1Error? ReadElementString(string s, Fields fields)
    {
        var at = 0;
        if (s.Length >= 3 && s[0] == ']')
        {
            if (s.AsSpan(0, 3) is not ("]d2" or "]C1" or "]Q3" or "]e0" or "]J1"))
                return new Gs1Error(0, $"'{s[..3]}' is not the symbology identifier of a GS1 symbol (]d2, ]C1, ]Q3, ]e0, ]J1)");
            at = 3;
        }
        if (at < s.Length && s[at] == GroupSeparator) at++; // FNC1 in first position, as some scanners transmit it
        while (at < s.Length)
        {
            if (ApplicationIdentifiers.Match(s.AsSpan(at)) is not { } ai)
                return new Gs1Error(at, $"no application identifier that Supply reads starts here ('{Clip(s, at)}')");
            var start = at + ai.Code.Length;
            int end;
            if (ai.Fixed)
            {
                end = start + ai.Length;
                if (end > s.Length) return new Gs1Error(s.Length, $"AI {ai.Code} needs {ai.Length} characters, the payload ends after {s.Length - start}");
            }
            else
            {
                end = s.IndexOf(GroupSeparator, start);
                if (end < 0) end = s.Length;
            }
            if (fields.Set(ai, s.AsSpan(start, end - start), start) is { } error) return error;
            at = end;
            // A GS may follow a fixed-length value too (harmless); after a variable one it is required, unless the payload ends.
            if (at < s.Length && s[at] == GroupSeparator)
            {
                at++;
                if (at == s.Length) return new Gs1Error(at - 1, "the payload ends with a group separator");
            }
        }
        return null;
    }

    private static Gs1Error? ReadParenthesised(string s, Fields fields)
    {
        var at = 0;
        while (at < s.Length)
        {
            if (s[at] != '(') return new Gs1Error(at, "expected '(' and an application identifier");
            var close = s.IndexOf(')', at);
            if (close < 0) return new Gs1Error(at, "'(' without ')'");
            var code = s[(at + 1)..close];
            if (ApplicationIdentifiers.Find(code) is not { } ai) return new Gs1Error(at + 1, $"'{Clip(code, 0)}' is not an application identifier that Supply reads");
            var start = close + 1;
            // A value runs to the next "(" (human-readable text cannot tell a "(" inside a batch number from the next AI).
            var end = s.IndexOf('(', start);
            if (end < 0) end = s.Length;
            if (fields.Set(ai, s.AsSpan(start, end - start), start) is { } error) return error;
            at = end;
        }
        return null;
    }

    private static string Clip(string s, int at) => s.Length - at > 12 ? s.Substring(at, 12) + "…" : s[at..];

    /// <summary>The values read so far; checks each one as it is set.</summary>
    internal sealed class Fields(DateOnly today)
    {
        public string? Gtin, Batch, Serial;
        public DateOnly? Expiry;

        /// <param name="at">Where the value starts in the payload (for the position of an error).</param>
        public Gs1Error? Set(ApplicationIdentifiers.Ai ai, ReadOnlySpan<char> value, int at)
        {
            if (value.Length == 0) return new Gs1Error(at, $"AI {ai.Code} has no value");
            if (value.Length > ai.Length) return new Gs1Error(at + ai.Length, $"AI {ai.Code} takes at most {ai.Length} characters (got {value.Length})");
            if (ai.Fixed && value.Length != ai.Length) return new Gs1Error(at + value.Length, $"AI {ai.Code} needs exactly {ai.Length} characters (got {value.Length})");
            for (var i = 0; i < value.Length; i++)
            {
                var ok = ai.Numeric ? char.IsAsciiDigit(value[i]) : ApplicationIdentifiers.IsCset82(value[i]);
                if (!ok) return new Gs1Error(at + i, ai.Numeric ? $"AI {ai.Code} holds digits only" : $"'{value[i]}' is not allowed in AI {ai.Code} (GS1 character set 82)");
            }
            switch (ai.Code)
            {
                case ApplicationIdentifiers.Gtin:
                    var expected = global::Supply.Gs1.Gtin.CheckDigit(value[..^1]);
                    if (expected != value[^1]) return new Gs1Error(at + 13, $"bad GTIN check digit: {value[^1]}, expected {expected}");
                    return Once(ref Gtin, value.ToString(), ai, at);
                case ApplicationIdentifiers.Expiry:
                    if (!Gs1Date.TryParse(value, today, out var date, out var offset, out var why)) return new Gs1Error(at + offset, $"AI 17: {why}");
                    if (Expiry is { } seen && seen != date) return new Gs1Error(at, "AI 17 appears twice with different values");
                    Expiry = date;
                    return null;
                case ApplicationIdentifiers.Batch: return Once(ref Batch, value.ToString(), ai, at);
                case ApplicationIdentifiers.Serial: return Once(ref Serial, value.ToString(), ai, at);
                default: return null; // known so it can be skipped; Supply has no use for it
            }
        }

        private static Gs1Error? Once(ref string? field, string value, ApplicationIdentifiers.Ai ai, int at)
        {
            if (field is not null && field != value) return new Gs1Error(at, $"AI {ai.Code} appears twice with different values");
            field = value;
            return null;
        }
    }
}
