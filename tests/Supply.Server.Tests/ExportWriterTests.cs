using System.Globalization;
using System.Text;
using Supply.Exports;

namespace Supply.Server.Tests;

/// <summary>The writers alone: RFC 4180 CSV in the data dialect whatever the culture, the dashboard's Swedish dialect, workbook sheet names.</summary>
public sealed class ExportWriterTests
{
    /// <summary>A culture writing decimal commas, as sv-SE does (tests run with invariant globalization, so built from the invariant one).</summary>
    private static CultureInfo DecimalComma()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = "\u00a0";
        return culture;
    }

    private static readonly TableData Tricky = new("tricky",
        [new("name", "Namn, fullt"), new("days", "Dagar", CellKind.Number), new("share", "Andel", CellKind.Percent), new("n", "Antal", CellKind.Integer)],
        [["Region \"Skåne\", syd", 12.346, 0.25, 1234L], ["rad\nbryt", null, null, null]]);

    [Fact]
    public void Data_csv_is_rfc4180_utf8_with_bom_and_dot_decimals_even_under_a_decimal_comma_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = DecimalComma();
        try
        {
            var bytes = TableExport.Csv(Tricky, CsvDialect.Data);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            var text = Encoding.UTF8.GetString(bytes[3..]);
            Assert.Equal("\"Namn, fullt\",Dagar,Andel,Antal\r\n\"Region \"\"Skåne\"\", syd\",12.35,25,1234\r\n\"rad\nbryt\",,,\r\n", text);
            var (header, rows) = ExportFiles.Csv(bytes);
            Assert.Equal("Namn, fullt", header[0]);
            Assert.Equal(["Region \"Skåne\", syd", "12.35", "25", "1234"], rows[0]);
            Assert.Equal("rad\nbryt", rows[1][0]);
        }
        finally { CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void The_dashboards_dialect_for_a_decimal_comma_culture_uses_semicolons_and_decimal_commas()
    {
        var text = Encoding.UTF8.GetString(TableExport.Csv(Tricky, CsvDialect.For(DecimalComma()))[3..]);
        Assert.StartsWith("Namn, fullt;Dagar;Andel;Antal\r\n\"Region \"\"Skåne\"\", syd\";12,35;25;1234\r\n", text);
        Assert.Equal(",", CsvDialect.For(CultureInfo.InvariantCulture).Separator);
    }

    [Fact]
    public void Workbook_sheets_are_named_within_excels_rules_and_empty_tables_keep_their_headers()
    {
        var empty = new TableData("empty", [new("a", "A"), new("b", "B", CellKind.Integer)], []);
        var long40 = new string('x', 40);
        var workbook = new Workbook().Add(Tricky, long40).Add(empty, long40).Add(empty, "a/b:c");
        Assert.Equal([new string('x', 31), new string('x', 27) + " (2)", "a-b-c"], workbook.SheetNames);
        var xlsx = workbook.ToArray();
        Assert.Equal(workbook.SheetNames, ExportFiles.Sheets(xlsx));
        var rows = ExportFiles.Sheet(xlsx, "a-b-c");
        Assert.Equal(["A", "B"], rows.Single().Keys);
        var tricky = ExportFiles.Sheet(xlsx, new string('x', 31));
        Assert.Equal(12.346, tricky[0]["Dagar"]);
        Assert.Equal(1234d, tricky[0]["Antal"]);
    }
}
