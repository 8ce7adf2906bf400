using System.Globalization;

namespace Supply.Exports;

/// <summary>A cell as text in the current culture (sv-SE: "12,5", "2026-12-07 09:30"): pages and the table CLI output write cells the same way.</summary>
public static class TableText
{
    /// <summary>Swedish local time: what coordinators read on the wall clock (UTC where the zone is not installed).</summary>
    public static readonly TimeZoneInfo Sweden = FindSweden();

    public static string Of(object? cell, CellKind kind) => cell switch
    {
        null => "",
        long l => l.ToString("N0", CultureInfo.CurrentCulture),
        double d when kind == CellKind.Percent => d.ToString("P0", CultureInfo.CurrentCulture),
        double d => d.ToString("N1", CultureInfo.CurrentCulture),
        DateTimeOffset t => Time(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    /// <summary>For filtering: the text a reader sees, without culture-specific grouping surprises for plain strings.</summary>
    public static string Plain(object cell) => cell is string s ? s : Of(cell, CellKind.Text);

    /// <summary>Swedish local time in the current culture's short pattern; "–" for none.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, Sweden).ToString("g", CultureInfo.CurrentCulture) : "–";

    private static TimeZoneInfo FindSweden()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm"); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return TimeZoneInfo.Utc; }
    }
}
