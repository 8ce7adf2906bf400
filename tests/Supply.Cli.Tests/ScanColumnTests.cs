using Supply.Cli.Input;
using Supply.Domain.Stock;
using Supply.Gs1;

namespace Supply.Cli.Tests;

/// <summary>The <c>scan</c> column of report files: a GS1 DataMatrix payload fills item, lot and expiry.</summary>
public class ScanColumnTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private const string Gtin14 = "07350001112220";
    private const char GS = Gs1Parser.GroupSeparator;

    private static ReadResult<ParsedReport> Csv(string text) => ReportFileReader.Parse(text, FileFormat.Csv, null, "stock.csv");

    [Fact]
    public void A_scanned_datamatrix_fills_item_lot_and_expiry_of_a_snapshot_row()
    {
        var r = Csv($"scan,on_hand,lot_quantity\n\"]d201{Gtin14}1728053110LOT-9{GS}21SN1\",12,8\n\"(01){Gtin14}(17)271200(10)LOT-3\",,4\n");

        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var line = r.Value!.SnapshotLines.Single();
        Assert.Equal(("gtin:" + Gtin14, 12L), (line.ItemId, line.OnHand)); // the second row is the same item: a further lot
        // The last day of use (31 May; 00 = end of December) becomes Supply's first day not to use.
        Assert.Equal([new LotInput("LOT-9", "2028-06-01", 8), new LotInput("LOT-3", "2028-01-01", 4)], line.Lots);
        Assert.Empty(ReportFileReader.Check(r.Value.ToReport("r1", "se-01-hosp", Now.AddHours(-1)), r.Value.Map, Now));
    }

    [Fact]
    public void Digital_link_uris_fill_movements()
    {
        var r = ReportFileReader.Parse($"type,quantity,scan\nreceived,10,https://id.gs1.org/01/{Gtin14}/10/B%2F7?17=290131\n", FileFormat.Csv, null, "moves.csv");

        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var m = r.Value!.Movements.Single();
        Assert.Equal(("gtin:" + Gtin14, "B/7", "2029-02-01", MovementType.Received), (m.ItemId, m.LotNumber, m.ExpiresOn, m.Type));
    }

    [Fact]
    public void A_bad_check_digit_or_date_is_refused_at_its_line_and_column_with_the_position()
    {
        var r = Csv($"scan,on_hand\n(01)07350001112221,8\n(01){Gtin14}(17)281301,8\n");

        Assert.False(r.Ok);
        Assert.Equal([(2, "scan"), (3, "scan")], r.Errors.Select(e => (e.Line, e.Column!)).ToArray());
        Assert.Contains("position 17", r.Errors[0].Message);
        Assert.Contains("position 24", r.Errors[1].Message);
    }

    [Fact]
    public void Columns_given_beside_the_scan_must_agree_with_it()
    {
        var r = Csv($"item_id,scan,lot_number,on_hand,lot_quantity\ngtin:7350001112220,(01){Gtin14}(17)280101(10)A1,A2,5,5\ngtin:07350001112237,(01){Gtin14},,5,\n");

        Assert.False(r.Ok);
        Assert.Equal([(2, "lot_number"), (3, "item_id")], r.Errors.Select(e => (e.Line, e.Column!)).ToArray());
    }
}
