using System.Globalization;

namespace Supply.Dashboard.Components;

/// <summary>Numbers and times as the reader's culture writes them (sv-SE: "12,5", "2026-12-07 09:30"), times in Swedish local time.</summary>
public static class DashboardFormat
{
    private static readonly TimeZoneInfo Sweden = FindSweden();

    public static string Days(double? days) => days is { } d ? d.ToString("N1", CultureInfo.CurrentCulture) : "–";

    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, Sweden).ToString("g", CultureInfo.CurrentCulture) : "–";

    private static TimeZoneInfo FindSweden()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return TimeZoneInfo.Utc; }
    }
}
