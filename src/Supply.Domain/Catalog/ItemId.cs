namespace Supply.Domain.Catalog;

/// <summary>
/// Item ids carry their numbering scheme: <c>npl:</c> (Läkemedelsverket's NPL pack id, digits),
/// <c>vnr:</c> (Nordic varunummer, six digits), <c>gtin:</c> (GS1, 8/12/13/14 digits with a valid
/// check digit) and <c>ppe:</c> (a PPE class such as <c>ppe:ffp2</c>).
/// </summary>
public static class ItemId
{
    public static readonly string[] Schemes = ["npl", "vnr", "gtin", "ppe"];

    public static bool IsValid(string? id, out string why)
    {
        why = "";
        if (string.IsNullOrEmpty(id)) { why = "is required"; return false; }
        if (id.Length > 64) { why = "is longer than 64 characters"; return false; }
        var colon = id.IndexOf(':');
        if (colon < 0) { why = $"'{Text.Clip(id)}' has no scheme prefix (npl:, vnr:, gtin:, ppe:)"; return false; }
        // Spans, not substrings: this runs for every line of every report.
        var scheme = id.AsSpan(0, colon);
        var value = id.AsSpan(colon + 1);
        var ok = scheme switch
        {
            "npl" => value.Length is >= 8 and <= 20 && !value.ContainsAnyExceptInRange('0', '9'),
            "vnr" => value.Length == 6 && !value.ContainsAnyExceptInRange('0', '9'),
            "gtin" => value.Length is 8 or 12 or 13 or 14 && !value.ContainsAnyExceptInRange('0', '9') && GtinCheckDigitOk(value.ToString()),
            "ppe" => value.Length is >= 1 and <= 40 && IsPpeClass(value),
            _ => false,
        };
        if (ok) return true;
        why = scheme.ToString() switch
        {
            "npl" => "npl: must be followed by 8-20 digits (NPL pack id)",
            "vnr" => "vnr: must be followed by exactly 6 digits (varunummer)",
            "gtin" => "gtin: must be followed by 8, 12, 13 or 14 digits with a valid GS1 check digit",
            "ppe" => "ppe: must be followed by a lower-case class name (letters, digits, '-')",
            _ => $"unknown scheme '{Text.Clip(scheme.ToString())}' (expected npl, vnr, gtin or ppe)",
        };
        return false;
    }

    private static bool IsPpeClass(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        return true;
    }

    /// <summary>GS1 mod-10: weights 3,1,3,... from the digit left of the check digit.</summary>
    public static bool GtinCheckDigitOk(string digits)
    {
        var sum = 0;
        for (int i = digits.Length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits[i] - '0') * w;
        return (10 - sum % 10) % 10 == digits[^1] - '0';
    }

    /// <summary>Appends a valid check digit to a GTIN body (used by demo data and tests).</summary>
    public static string WithCheckDigit(string body)
    {
        var sum = 0;
        for (int i = body.Length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body[i] - '0') * w;
        return body + (char)('0' + (10 - sum % 10) % 10);
    }
}

/// <summary>Location ids are chosen by the sector: letters, digits and . _ : - (1-100 characters).</summary>
public static class LocationId
{
    public static bool IsValid(string? id, out string why)
    {
        why = "";
        if (string.IsNullOrEmpty(id)) { why = "is required"; return false; }
        if (id.Length > 100) { why = "is longer than 100 characters"; return false; }
        if (!char.IsAsciiLetterOrDigit(id[0]) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
        {
            why = $"'{Text.Clip(id)}' must start with a letter or digit and hold only letters, digits and . _ : -";
            return false;
        }
        return true;
    }
}
