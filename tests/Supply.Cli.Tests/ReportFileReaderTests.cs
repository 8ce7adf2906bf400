using Supply.Cli.Input;
using Supply.Domain.Stock;

namespace Supply.Cli.Tests;

public class ReportFileReaderTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);
    private const string SnapshotHeader = "item_id,on_hand,reserved,quarantined,lot_number,expires_on,lot_quantity,average_daily_consumption\n";
    private const string MovementHeader = "item_id,type,quantity,lot_number,expires_on,reason_code,counterparty\n";

    private static ReadResult<ParsedReport> Snapshot(string rows) =>
        ReportFileReader.Parse(SnapshotHeader + rows, FileFormat.Csv, null, "stock.csv");

    private static ReadResult<ParsedReport> Movements(string rows) =>
        ReportFileReader.Parse(MovementHeader + rows, FileFormat.Csv, null, "moves.csv");

    /// <summary>File errors, or else the domain rules' errors mapped to lines.</summary>
    private static IReadOnlyList<InputError> AllErrors(ReadResult<ParsedReport> r) =>
        !r.Ok ? r.Errors : ReportFileReader.Check(r.Value!.ToReport("r1", "se-01-hosp-karolinska", Now.AddHours(-1)), r.Value.Map, Now);

    [Fact]
    public void Several_rows_of_an_item_become_one_line_with_lots()
    {
        var r = Snapshot(
            "npl:20010100000001,1000,100,0,AB1234,2026-01-31,600,250.5\n" +
            "npl:20010100000001,,,,AB1299,2026-06-30,400,\n" +
            "ppe:ffp2,5000,0,0,,,,40\n" +
            "npl:20010100000001,1000,100,0,CD0001,2025-02-01,0,250.5\n");
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var p = r.Value!;
        Assert.Equal(ReportKind.Snapshot, p.Kind);
        Assert.Equal(2, p.SnapshotLines.Count);
        var line = p.SnapshotLines[0];
        Assert.Equal(("npl:20010100000001", 1000L, 100L, 0L, 250.5), (line.ItemId, line.OnHand, line.Reserved, line.Quarantined, line.AverageDailyConsumption));
        Assert.Equal([new LotInput("AB1234", "2026-01-31", 600), new LotInput("AB1299", "2026-06-30", 400), new LotInput("CD0001", "2025-02-01", 0)], line.Lots);
        Assert.Empty(p.SnapshotLines[1].Lots);
        Assert.Empty(AllErrors(r));
        Assert.Equal((5, "expires_on"), p.Map.Locate("snapshot.lines[0].lots[2].expires_on"));
        Assert.Equal((4, "on_hand"), p.Map.Locate("snapshot.lines[1].on_hand"));
        Assert.Equal((2, "lot_quantity"), p.Map.Locate("snapshot.lines[0].lots"));
        Assert.Equal((0, "--as-of"), p.Map.Locate("as_of"));
    }

    [Fact]
    public void Physical_count_kind_is_kept()
    {
        var r = ReportFileReader.Parse("item_id,on_hand\nppe:ffp2,10\n", FileFormat.Csv, ReportKind.PhysicalCount);
        Assert.Equal(ReportKind.PhysicalCount, r.Value!.Kind);
        Assert.Equal(ReportKind.PhysicalCount, r.Value.ToReport("r", "l", Now).Kind);
    }

    [Theory]
    // file-level checks
    [InlineData("ppe:ffp2,ten,0,0,,,,1\n", 2, "on_hand", "whole number")]
    [InlineData(",10,0,0,,,,1\n", 2, "item_id", "required")]
    [InlineData("ppe:ffp2,,0,0,,,,1\n", 2, "on_hand", "required")]
    [InlineData("ppe:ffp2,10,0,0,,,,1,5\n", 2, null, "fields")]
    [InlineData("ppe:ffp2,10,0,0,,,,fast\n", 2, "average_daily_consumption", "number")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-13-01,5,1\n", 2, "expires_on", "not a date")]
    [InlineData("ppe:ffp2,10,0,0,L1,,5,1\n", 2, "expires_on", "required")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,,1\n", 2, "lot_quantity", "required")]
    [InlineData("ppe:ffp2,10,0,0,,2026-01-01,5,1\n", 2, "lot_number", "required")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,5,1\nppe:ffp2,12,,,L2,2026-01-01,5,\n", 3, "on_hand", "line 2")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,5,1\nppe:ffp2,,,,L1,2026-02-01,5,\n", 3, "lot_number", "line 2")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,5,1\nppe:ffp2,,,,,,,\n", 3, "lot_number", "another lot")]
    // the domain's rules, mapped back to lines
    [InlineData("ppe:ffp2,10,0,0,,,,1\nppe:bad id,10,0,0,,,,1\n", 3, "item_id", "ppe:")]
    [InlineData("ppe:ffp2,-1,0,0,,,,1\n", 2, "on_hand", "negative")]
    [InlineData("ppe:ffp2,10,6,5,,,,1\n", 2, "reserved", "must not exceed on_hand")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,6,1\nppe:ffp2,,,,L2,2026-01-01,5,\n", 2, "lot_quantity", "more than on_hand")]
    [InlineData("ppe:ffp2,10,0,0,L1,2026-01-01,5,1\nppe:ffp2,,,,L2,2026-01-01,-5,\n", 3, "lot_quantity", "negative")]
    [InlineData("ppe:ffp2,10,0,0,lot 1,2026-01-01,5,1\n", 2, "lot_number", "without spaces")]
    public void A_bad_snapshot_row_names_its_line_and_column(string rows, int line, string? column, string messagePart)
    {
        var errors = AllErrors(Snapshot(rows));
        var error = Assert.Single(errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Reads_movements_and_detects_the_kind_from_the_header()
    {
        var r = Movements(
            "npl:20010100000001,received,500,AB1234,2026-01-31,,se-01-wh-regionlager\n" +
            "npl:20010100000001,consumed,120,,,,\n" +
            "ppe:ffp2,adjusted,-4,,,count-error,\n" +
            "ppe:ffp2,Transferred_Out,10,,,,se-01-hosp-sodersjukhuset\n");
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        var p = r.Value!;
        Assert.Equal(ReportKind.Movements, p.Kind);
        Assert.Equal(
            [MovementType.Received, MovementType.Consumed, MovementType.Adjusted, MovementType.TransferredOut],
            p.Movements.Select(m => m.Type).ToList());
        Assert.Equal("se-01-wh-regionlager", p.Movements[0].CounterpartyLocationId);
        Assert.Equal(-4, p.Movements[2].Quantity);
        Assert.Empty(AllErrors(r));
        Assert.Equal((5, "counterparty"), p.Map.Locate("movements.lines[3].counterparty_location_id"));
    }

    [Fact]
    public void Counterparty_location_id_is_accepted_as_a_column_name()
    {
        var r = ReportFileReader.Parse("item_id,type,quantity,counterparty_location_id\nppe:ffp2,transferred-in,5,se-01-wh-x\n", FileFormat.Csv, null);
        Assert.Equal("se-01-wh-x", r.Value!.Movements[0].CounterpartyLocationId);
    }

    [Theory]
    [InlineData("ppe:ffp2,used,5,,,,\n", 2, "type", "not a movement type")]
    [InlineData("ppe:ffp2,consumed,,,,,\n", 2, "quantity", "required")]
    [InlineData("ppe:ffp2,consumed,5.5,,,,\n", 2, "quantity", "whole number")]
    [InlineData("ppe:ffp2,consumed,5,,,,\nppe:ffp2,consumed,0,,,,\n", 3, "quantity", "greater than zero")]
    [InlineData("ppe:ffp2,adjusted,-5,,,,\n", 2, "reason_code", "reason code")]
    [InlineData("ppe:ffp2,received,5,L1,,,\n", 2, "expires_on", "required")]
    [InlineData("ppe:ffp2,consumed,5,,2026-01-01,,\n", 2, "expires_on", "lot_number")]
    [InlineData("ppe:ffp2,transferred-in,5,,,,-x\n", 2, "counterparty", "must start")]
    public void A_bad_movement_row_names_its_line_and_column(string rows, int line, string column, string messagePart)
    {
        var error = Assert.Single(AllErrors(Movements(rows)));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Header_level_problems_name_the_option()
    {
        var p = Snapshot("ppe:ffp2,10,0,0,,,,1\n").Value!;
        var future = ReportFileReader.Check(p.ToReport("r1", "se-01-x", Now.AddHours(1)), p.Map, Now);
        Assert.Equal("--as-of", Assert.Single(future).Column);
        var badLocation = ReportFileReader.Check(p.ToReport("r1", "bad location", Now), p.Map, Now);
        Assert.Equal("--location", Assert.Single(badLocation).Column);
    }

    [Fact]
    public void Kind_mismatch_reports_the_missing_columns()
    {
        var r = ReportFileReader.Parse(SnapshotHeader + "ppe:ffp2,10,0,0,,,,1\n", FileFormat.Csv, ReportKind.Movements, "stock.csv");
        Assert.False(r.Ok);
        Assert.All(r.Errors, e => Assert.Equal(1, e.Line));
    }

    [Fact]
    public void Json_reports_work_too()
    {
        var json = """
            [
              { "item_id": "ppe:ffp2", "on_hand": 10, "lot_number": "L1", "expires_on": "2026-01-01", "lot_quantity": 10,
                "average_daily_consumption": 1.5 },
              { "item_id": "ppe:ffp3", "on_hand": "x" }
            ]
            """;
        var r = ReportFileReader.Parse(json, FileFormat.Json, null, "stock.json");
        var error = Assert.Single(r.Errors);
        Assert.Equal((4, "on_hand"), (error.Line, error.Column));
        Assert.Equal(ReportKind.Movements, ReportFileReader.DetectKind("[{\"item_id\": \"ppe:ffp2\", \"type\": \"consumed\"}]", FileFormat.Json));
    }
}
