namespace Supply.Exports;

/// <summary>How a column's cells are written (pages format them for the reader's culture; xlsx keeps them typed).</summary>
public enum CellKind { Text, Integer, Number, Percent, Time, Date }

/// <param name="Key">Stable name used in URLs (sort=...) and as the CSV/xlsx header's fallback.</param>
/// <param name="LinkPrefix">When set, the page links each cell to prefix + the escaped cell text.</param>
public sealed record TableColumn(string Key, string Header, CellKind Kind = CellKind.Text, string? LinkPrefix = null);

/// <summary>
/// One table as pages show it and exports write it: the single shape every drill-down, shortfall, reporting and
/// scenario table is built into, so the page, its CSV and its xlsx can never disagree about rows or access.
/// Cells are string, long, double, DateTimeOffset, DateOnly or null.
/// </summary>
public sealed record TableData(string Name, IReadOnlyList<TableColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>Rows whose text (any cell) contains <paramref name="filter"/>, case-insensitive; all when empty.</summary>
    public TableData Filtered(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return this;
        var f = filter.Trim();
        return this with { Rows = Rows.Where(r => r.Any(c => c is not null && TableText.Plain(c).Contains(f, StringComparison.CurrentCultureIgnoreCase))).ToList() };
    }

    /// <summary>Rows sorted by the column named <paramref name="key"/> (nulls last); unchanged for an unknown key.</summary>
    public TableData Sorted(string? key, bool descending)
    {
        var index = Columns.ToList().FindIndex(c => c.Key == key);
        if (index < 0) return this;
        var withValue = Rows.Where(r => r[index] is not null);
        var ordered = descending ? withValue.OrderByDescending(r => r[index], CellComparer.Instance) : withValue.OrderBy(r => r[index], CellComparer.Instance);
        return this with { Rows = ordered.Concat(Rows.Where(r => r[index] is null)).ToList() };
    }

    private sealed class CellComparer : IComparer<object?>
    {
        public static readonly CellComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (long a, long b) => a.CompareTo(b),
            (double a, double b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (DateOnly a, DateOnly b) => a.CompareTo(b),
            _ => string.Compare(x?.ToString(), y?.ToString(), StringComparison.CurrentCulture),
        };
    }
}
