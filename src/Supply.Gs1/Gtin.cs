namespace Supply.Gs1;

/// <summary>GS1 mod-10 check digits of GTINs (8, 12, 13 or 14 digits).</summary>
public static class Gtin
{
    /// <summary>The check digit for these digits (the GTIN without its last digit): weights 3,1,3,… from the right.</summary>
    public static char CheckDigit(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (int i = body.Length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body[i] - '0') * w;
        return (char)('0' + (10 - sum % 10) % 10);
    }

    public static bool IsValid(ReadOnlySpan<char> gtin) =>
        gtin.Length is 8 or 12 or 13 or 14 && !gtin.ContainsAnyExceptInRange('0', '9') && CheckDigit(gtin[..^1]) == gtin[^1];

    /// <summary>Pads a GTIN-8/12/13 with leading zeros to the 14 digits AI 01 carries.</summary>
    public static string ToGtin14(string gtin) => gtin.PadLeft(14, '0');
}
