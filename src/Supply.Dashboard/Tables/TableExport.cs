using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace Supply.Dashboard.Tables;

/// <summary>
/// The one export helper every page uses: a <see cref="TableData"/> as CSV or xlsx. CSV follows the reader's culture
/// (Swedish: ";" between fields and decimal commas, as Swedish Excel expects; UTF-8 with a byte-order mark so Excel
/// reads å, ä, ö); xlsx keeps numbers and dates typed.
/// </summary>
public static class TableExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string Separator(CultureInfo culture) => culture.NumberFormat.NumberDecimalSeparator == "," ? ";" : ",";

    public static async Task WriteCsvAsync(TableData table, Stream stream, CancellationToken cancellationToken)
    {
        var separator = Separator(CultureInfo.CurrentCulture);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteLineAsync(string.Join(separator, table.Columns.Select(c => Quote(c.Header, separator))));
        foreach (var row in table.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Numbers without digit grouping so spreadsheets read them as numbers.
            await writer.WriteLineAsync(string.Join(separator, row.Select((cell, i) => Quote(CsvCell(cell, table.Columns[i].Kind), separator))));
        }
    }

    public static async Task WriteXlsxAsync(TableData table, Stream stream, CancellationToken cancellationToken)
    {
        // Headers must be unique keys for MiniExcel; the table's headers are.
        var rows = table.Rows.Select(row =>
        {
            var d = new Dictionary<string, object?>(table.Columns.Count);
            for (var i = 0; i < table.Columns.Count; i++) d[table.Columns[i].Header] = XlsxCell(row[i]);
            return d;
        }).ToList();
        if (rows.Count == 0) rows.Add(table.Columns.ToDictionary(c => c.Header, _ => (object?)null)); // headers even when empty
        using var buffer = new MemoryStream();
        await buffer.SaveAsAsync(rows, sheetName: SheetName(table.Name), cancellationToken: cancellationToken);
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    private static string CsvCell(object? cell, CellKind kind) => cell switch
    {
        null => "",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d when kind == CellKind.Percent => Math.Round(d * 100, 1).ToString(CultureInfo.CurrentCulture),
        double d => Math.Round(d, 2).ToString(CultureInfo.CurrentCulture),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => TableText.Of(cell, kind),
    };

    private static object? XlsxCell(object? cell) => cell switch
    {
        DateTimeOffset t => t.UtcDateTime,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        double d => Math.Round(d, 4),
        _ => cell,
    };

    private static string Quote(string text, string separator) =>
        text.Contains(separator, StringComparison.Ordinal) || text.Contains('"') || text.Contains('\n') || text.Contains('\r')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string SheetName(string name) => name.Length > 31 ? name[..31] : name;
}
