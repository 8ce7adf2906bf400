using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Supply.Exports;

/// <summary>
/// Several tables as one xlsx file, a sheet each, through MiniExcel: numbers and times stay typed cells (Excel shows them
/// in the reader's locale, so Swedish Excel shows decimal commas without the file saying so; times are Swedish local time),
/// a bold header row that stays in view (frozen), an auto filter, and column widths from the content.
/// </summary>
public sealed class Workbook
{
    private readonly List<(string Sheet, TableData Table)> _sheets = [];

    public IReadOnlyList<string> SheetNames => _sheets.Select(s => s.Sheet).ToList();

    public IReadOnlyList<TableData> Tables => _sheets.Select(s => s.Table).ToList();

    /// <summary>Adds a sheet named <paramref name="sheet"/> (default: the table's name), cut to Excel's 31 characters and made unique.</summary>
    public Workbook Add(TableData table, string? sheet = null)
    {
        var name = SheetName(sheet ?? table.Name);
        for (var n = 2; _sheets.Any(s => string.Equals(s.Sheet, name, StringComparison.OrdinalIgnoreCase)); n++)
            name = SheetName(sheet ?? table.Name, $" ({n})");
        _sheets.Add((name, table));
        return this;
    }

    public async Task SaveAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_sheets.Count == 0) throw new InvalidOperationException("a workbook needs at least one sheet");
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (sheet, table) in _sheets) sheets[sheet] = Rows(table);
        var configuration = new OpenXmlConfiguration
        {
            FreezeRowCount = 1,
            TableStyles = TableStyles.Default,
            AutoFilter = true,
            EnableAutoWidth = true,
            FastMode = true, // MiniExcel computes widths only in fast mode
        };
        // MiniExcel writes a zip that needs a seekable stream; a response body is not one.
        using var buffer = new MemoryStream();
        await buffer.SaveAsAsync(sheets, configuration: configuration, cancellationToken: cancellationToken);
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        SaveAsync(buffer, CancellationToken.None).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    private static List<Dictionary<string, object?>> Rows(TableData table)
    {
        // Headers are the row keys: unique within a table.
        var rows = table.Rows.Select(row =>
        {
            var d = new Dictionary<string, object?>(table.Columns.Count);
            for (var i = 0; i < table.Columns.Count; i++) d[table.Columns[i].Header] = Cell(row[i]);
            return d;
        }).ToList();
        if (rows.Count == 0) rows.Add(table.Columns.ToDictionary(c => c.Header, _ => (object?)null)); // headers even when empty
        return rows;
    }

    private static object? Cell(object? cell) => cell switch
    {
        DateTimeOffset t => TimeZoneInfo.ConvertTime(t, TableText.Sweden).DateTime,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        double d => Math.Round(d, 4),
        _ => cell,
    };

    // Excel: at most 31 characters, none of : \ / ? * [ ].
    private static string SheetName(string name, string suffix = "")
    {
        var clean = new string(name.Select(c => c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' ? '-' : c).ToArray()).Trim();
        if (clean.Length == 0) clean = "sheet";
        var room = 31 - suffix.Length;
        return (clean.Length > room ? clean[..room] : clean) + suffix;
    }
}
