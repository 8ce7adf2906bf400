namespace Supply.Gs1;

/// <summary>GS1 dates (YYMMDD) as AI 17 carries them.</summary>
public static class Gs1Date
{
    /// <summary>
    /// Parses YYMMDD. A day of 00 means the last day of the month. The century follows the GS1 General
    /// Specifications' sliding window: the year lies from 49 years before to 50 years after <paramref name="today"/>'s year.
    /// On failure, <paramref name="offset"/> is the index (within the six characters) of the part at fault.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> yymmdd, DateOnly today, out DateOnly date, out int offset, out string why)
    {
        date = default;
        offset = 0;
        why = "";
        for (var i = 0; i < 6; i++)
            if (i >= yymmdd.Length || !char.IsAsciiDigit(yymmdd[i]))
            {
                (offset, why) = (i, "a date is six digits, YYMMDD");
                return false;
            }
        var yy = Two(yymmdd, 0);
        var mm = Two(yymmdd, 2);
        var dd = Two(yymmdd, 4);
        var year = Year(yy, today.Year);
        if (mm is < 1 or > 12) { (offset, why) = (2, $"month {mm:00} does not exist"); return false; }
        var days = DateTime.DaysInMonth(year, mm);
        if (dd > days) { (offset, why) = (4, $"day {dd:00} does not exist in {year}-{mm:00}"); return false; }
        date = new DateOnly(year, mm, dd == 0 ? days : dd);
        return true;
    }

    public static string Format(DateOnly date) => date.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static int Two(ReadOnlySpan<char> s, int at) => (s[at] - '0') * 10 + (s[at + 1] - '0');

    private static int Year(int yy, int currentYear)
    {
        var century = currentYear / 100 * 100;
        var difference = yy - currentYear % 100;
        if (difference >= 51) return century - 100 + yy;
        if (difference <= -50) return century + 100 + yy;
        return century + yy;
    }
}
