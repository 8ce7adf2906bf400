using System.Globalization;

namespace Supply.Exports;

/// <summary>
/// How a CSV file writes fields and numbers. <see cref="Data"/> (the CLI and /v1/exports): RFC 4180, "," between fields,
/// "." decimals, times in ISO 8601 UTC: the same bytes whatever machine reads them, for scripts and imports.
/// <see cref="For"/> a culture (the dashboard's download buttons): Swedish Excel opens sv-SE files with ";" and decimal commas
/// by double-click. Both: UTF-8 with a byte-order mark (Excel reads å, ä, ö then; CSV parsers skip it), CRLF line ends.
/// </summary>
public sealed record CsvDialect(string Separator, CultureInfo Numbers)
{
    public static readonly CsvDialect Data = new(",", CultureInfo.InvariantCulture);

    public static CsvDialect For(CultureInfo culture) =>
        new(culture.NumberFormat.NumberDecimalSeparator == "," ? ";" : ",", culture);
}
