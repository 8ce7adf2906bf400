using System.Globalization;
using Supply.Dashboard.Components;

namespace Supply.Dashboard.Tables;

/// <summary>A cell as text in the current culture (sv-SE: "12,5", "2026-12-07 09:30"): pages and CSV write cells the same way.</summary>
public static class TableText
{
    public static string Of(object? cell, CellKind kind) => cell switch
    {
        null => "",
        long l => l.ToString("N0", CultureInfo.CurrentCulture),
        double d when kind == CellKind.Percent => d.ToString("P0", CultureInfo.CurrentCulture),
        double d => d.ToString("N1", CultureInfo.CurrentCulture),
        DateTimeOffset t => DashboardFormat.Time(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    /// <summary>For filtering: the text a reader sees, without culture-specific grouping surprises for plain strings.</summary>
    public static string Plain(object cell) => cell is string s ? s : Of(cell, CellKind.Text);
}
