using System.Globalization;
using System.Text;

namespace Supply.Exports;

/// <summary>
/// The one export helper: a <see cref="TableData"/> as CSV (<see cref="CsvDialect"/>) or xlsx (<see cref="Workbook"/>, one sheet).
/// Every CSV the project writes goes through <see cref="WriteCsvAsync(TableData, Stream, CsvDialect, CancellationToken)"/>.
/// </summary>
public static class TableExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string Separator(CultureInfo culture) => CsvDialect.For(culture).Separator;

    /// <summary>The dashboard's CSV: in the reader's culture (see <see cref="CsvDialect.For"/>).</summary>
    public static Task WriteCsvAsync(TableData table, Stream stream, CancellationToken cancellationToken) =>
        WriteCsvAsync(table, stream, CsvDialect.For(CultureInfo.CurrentCulture), cancellationToken);

    public static async Task WriteCsvAsync(TableData table, Stream stream, CsvDialect dialect, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(dialect.Separator, table.Columns.Select(c => Quote(c.Header, dialect.Separator))));
        foreach (var row in table.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(dialect.Separator, row.Select((cell, i) => Quote(CsvCell(cell, table.Columns[i].Kind, dialect), dialect.Separator))));
        }
    }

    public static byte[] Csv(TableData table, CsvDialect dialect)
    {
        using var buffer = new MemoryStream();
        WriteCsvAsync(table, buffer, dialect, CancellationToken.None).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    public static Task WriteXlsxAsync(TableData table, Stream stream, CancellationToken cancellationToken) =>
        new Workbook().Add(table).SaveAsync(stream, cancellationToken);

    // Numbers without digit grouping so spreadsheets read them as numbers; percentages as 0-100 with one decimal.
    private static string CsvCell(object? cell, CellKind kind, CsvDialect dialect) => cell switch
    {
        null => "",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d when kind == CellKind.Percent => Math.Round(d * 100, 1).ToString(dialect.Numbers),
        double d => Math.Round(d, 2).ToString(dialect.Numbers),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => TableText.Of(cell, kind),
    };

    // RFC 4180: a field with the separator, a quote or a line break is quoted, its quotes doubled.
    private static string Quote(string text, string separator) =>
        text.Contains(separator, StringComparison.Ordinal) || text.Contains('"') || text.Contains('\n') || text.Contains('\r')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
