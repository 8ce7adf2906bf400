using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Every kind of bad report gets INVALID_ARGUMENT naming the field, and the stock stays as it was.</summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;

    public static TheoryData<string, string> Cases() => new()
    {
        { "missing report id", "report_id" },
        { "malformed location id", "location_id" },
        { "unknown location", "location_id" },
        { "missing as_of", "as_of" },
        { "as_of in the future", "as_of" },
        { "no body", "body" },
        { "empty snapshot", "snapshot.lines" },
        { "unknown item", "snapshot.lines[0].item_id" },
        { "malformed item id", "snapshot.lines[0].item_id" },
        { "bad gtin check digit", "snapshot.lines[0].item_id" },
        { "negative on hand", "snapshot.lines[0].on_hand" },
        { "negative reserved", "snapshot.lines[0].reserved" },
        { "reserved above on hand", "snapshot.lines[0].reserved" },
        { "duplicate item in snapshot", "snapshot.lines[1].item_id" },
        { "NaN consumption", "snapshot.lines[0].average_daily_consumption" },
        { "lots above on hand", "snapshot.lines[0].lots" },
        { "lot with bad date", "snapshot.lines[0].lots[0].expires_on" },
        { "lot without number", "snapshot.lines[0].lots[0].lot_number" },
        { "duplicate lot", "snapshot.lines[0].lots[1].lot_number" },
        { "negative lot", "snapshot.lines[0].lots[0].quantity" },
        { "negative movement", "movements.lines[0].quantity" },
        { "zero movement", "movements.lines[0].quantity" },
        { "movement without type", "movements.lines[0].type" },
        { "adjustment without reason", "movements.lines[0].reason_code" },
        { "received lot without expiry", "movements.lines[0].expires_on" },
        { "unknown item in movement", "movements.lines[0].item_id" },
    };

    private static StockReport Build(string name, string loc)
    {
        var t = Now.AddMinutes(-30);
        var lot = (string n, string d, long q) => new Lot { LotNumber = n, ExpiresOn = d, Quantity = q };
        return name switch
        {
            "missing report id" => Snapshot(loc, "", t, Line(Paracetamol, 1)),
            "malformed location id" => Snapshot("bad/location id", "r", t, Line(Paracetamol, 1)),
            "unknown location" => Snapshot("se-99-nowhere", "r", t, Line(Paracetamol, 1)),
            "missing as_of" => new StockReport { ReportId = "r", LocationId = loc, Snapshot = new Snapshot { Lines = { Line(Paracetamol, 1) } } },
            "as_of in the future" => Snapshot(loc, "r", DateTimeOffset.UtcNow.AddHours(2), Line(Paracetamol, 1)),
            "no body" => new StockReport { ReportId = "r", LocationId = loc, AsOf = Timestamp.FromDateTimeOffset(t) },
            "empty snapshot" => Snapshot(loc, "r", t),
            "unknown item" => Snapshot(loc, "r", t, Line("npl:11111111", 1)),
            "malformed item id" => Snapshot(loc, "r", t, Line("paracetamol", 1)),
            "bad gtin check digit" => Snapshot(loc, "r", t, Line(Cannula[..^1] + (char)('0' + (Cannula[^1] - '0' + 1) % 10), 1)),
            "negative on hand" => Snapshot(loc, "r", t, Line(Paracetamol, -1)),
            "negative reserved" => Snapshot(loc, "r", t, Line(Paracetamol, 5, reserved: -1)),
            "reserved above on hand" => Snapshot(loc, "r", t, Line(Paracetamol, 5, reserved: 4, quarantined: 2)),
            "duplicate item in snapshot" => Snapshot(loc, "r", t, Line(Paracetamol, 1), Line(Paracetamol, 2)),
            "NaN consumption" => Snapshot(loc, "r", t, Line(Paracetamol, 1, adc: double.NaN)),
            "lots above on hand" => Snapshot(loc, "r", t, Line(Paracetamol, 5, 0, 0, 0, lot("A", "2030-01-01", 6))),
            "lot with bad date" => Snapshot(loc, "r", t, Line(Paracetamol, 5, 0, 0, 0, lot("A", "2030-02-30", 1))),
            "lot without number" => Snapshot(loc, "r", t, Line(Paracetamol, 5, 0, 0, 0, lot("", "2030-01-01", 1))),
            "duplicate lot" => Snapshot(loc, "r", t, Line(Paracetamol, 5, 0, 0, 0, lot("A", "2030-01-01", 1), lot("A", "2031-01-01", 1))),
            "negative lot" => Snapshot(loc, "r", t, Line(Paracetamol, 5, 0, 0, 0, lot("A", "2030-01-01", -1))),
            "negative movement" => Movements(loc, "r", t, Move(Paracetamol, MovementType.Consumed, -3)),
            "zero movement" => Movements(loc, "r", t, Move(Paracetamol, MovementType.Received, 0)),
            "movement without type" => Movements(loc, "r", t, Move(Paracetamol, MovementType.Unspecified, 3)),
            "adjustment without reason" => Movements(loc, "r", t, Move(Paracetamol, MovementType.Adjusted, -3)),
            "received lot without expiry" => Movements(loc, "r", t, Move(Paracetamol, MovementType.Received, 3, lot: "L1")),
            "unknown item in movement" => Movements(loc, "r", t, Move("ppe:unknown-thing", MovementType.Received, 3)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_report_is_refused_naming_the_field_and_stock_is_unchanged(string name, string field)
    {
        var loc = (await RegisterAsync(Server, ("13", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "baseline", Now.AddHours(-2), Line(Paracetamol, 100, adc: 5)));
        var before = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });

        var e = await Assert.ThrowsAsync<RpcException>(() => Server.Reporting.SubmitReportAsync(Build(name, loc)).ResponseAsync);

        Assert.Contains(field, FieldsAtFault(e));
        var after = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_refused_report_id_can_be_sent_again_once_corrected()
    {
        var loc = (await RegisterAsync(Server, ("13", LocationKind.Pharmacy)))[0];
        await Assert.ThrowsAsync<RpcException>(() => Server.Reporting.SubmitReportAsync(Snapshot(loc, "fixme", Now.AddHours(-1), Line(Paracetamol, -5))).ResponseAsync);
        var ack = await Server.Reporting.SubmitReportAsync(Snapshot(loc, "fixme", Now.AddHours(-1), Line(Paracetamol, 5)));
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.False(ack.Duplicate);
    }

    [Fact]
    public async Task Bad_catalog_entries_are_refused_whole_naming_the_entry()
    {
        var request = new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = "se-12-ok-" + Guid.NewGuid().ToString("N")[..8], Name = "OK", Kind = LocationKind.Hospital, RegionCode = "12" },
                new Location { Id = "se-02-bad", Name = "Bad region", Kind = LocationKind.Hospital, RegionCode = "02" },
            },
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => Server.Catalog.RegisterLocationsAsync(request).ResponseAsync);
        Assert.Equal(["locations[1].region_code"], FieldsAtFault(e));
        var listed = await Server.Catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = "12" });
        Assert.DoesNotContain(listed.Locations, l => l.Id == request.Locations[0].Id);

        var items = new RegisterItemsRequest { Items = { new Item { Id = "gtin:12345678", Name = "x", Category = ItemCategory.Equipment, BaseUnit = "piece" } } };
        e = await Assert.ThrowsAsync<RpcException>(() => Server.Catalog.RegisterItemsAsync(items).ResponseAsync);
        Assert.Equal(["items[0].id"], FieldsAtFault(e));
    }
}
