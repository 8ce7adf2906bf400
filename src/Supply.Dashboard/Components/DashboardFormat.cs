using System.Globalization;

namespace Supply.Dashboard.Components;

/// <summary>Numbers and times as the reader's culture writes them (sv-SE: "12,5", "2026-12-07 09:30"), times in Swedish local time.</summary>
public static class DashboardFormat
{
    private static readonly TimeZoneInfo Sweden = FindSweden();

    public static string Days(double? days) => days is { } d ? d.ToString("N1", CultureInfo.CurrentCulture) : "–";

    /// <summary>A percent with one decimal: "87,5 %" (sv-SE), "87.5 %" (en-GB).</summary>
    public static string Percent(double percent) => percent.ToString("N1", CultureInfo.CurrentCulture) + " %";

    /// <summary>Units a day, two decimals: consumption rates are often below one a day at a single location.</summary>
    public static string Rate(double perDay) => perDay.ToString("N2", CultureInfo.CurrentCulture);

    /// <summary>A calendar date as the culture writes it short (sv-SE: 2026-12-07).</summary>
    public static string Date(DateOnly? date) => date is { } d ? d.ToString("d", CultureInfo.CurrentCulture) : "–";

    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, Sweden).ToString("g", CultureInfo.CurrentCulture) : "–";

    private static TimeZoneInfo FindSweden()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return TimeZoneInfo.Utc; }
    }
}
