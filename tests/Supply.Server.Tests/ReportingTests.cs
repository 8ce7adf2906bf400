using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Register, report, query over real gRPC against the real host.</summary>
public sealed class ReportingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;

    [Fact]
    public async Task Snapshot_then_movements_are_reflected_in_location_stock()
    {
        var loc = await RegisterAsync(Server, ("12", LocationKind.Hospital));
        var t0 = Now.AddHours(-3);
        var ack = await Server.Reporting.SubmitReportAsync(Snapshot(loc[0], "s1", t0,
            Line(Paracetamol, 1000, adc: 50, reserved: 100, quarantined: 50, new Lot { LotNumber = "A1", ExpiresOn = "2030-01-31", Quantity = 600 }),
            Line(Ffp2, 300, adc: 30)));
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(2, ack.LinesApplied);
        Assert.Equal(1, ack.LocationVersion);

        ack = await Server.Reporting.SubmitReportAsync(Movements(loc[0], "m1", t0.AddHours(1),
            Move(Paracetamol, MovementType.Consumed, 200),
            Move(Paracetamol, MovementType.Received, 500, lot: "B2", expires: "2031-06-30"),
            Move(Ffp2, MovementType.Adjusted, -20, reason: "damaged")));
        Assert.Equal(3, ack.LinesApplied);

        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc[0] });
        Assert.Equal("12", stock.RegionCode);
        Assert.Equal(2, stock.Version);
        var para = stock.Lines.Single(l => l.ItemId == Paracetamol);
        Assert.Equal(1300, para.OnHand);
        Assert.Equal(1150, para.Available); // 1300 - 100 reserved - 50 quarantined
        Assert.Equal(1150 / 50.0, para.DaysOfSupply, 6);
        Assert.Equal(["A1", "B2"], para.Lots.Select(l => l.LotNumber));
        Assert.Equal(280, stock.Lines.Single(l => l.ItemId == Ffp2).OnHand);
    }

    [Fact]
    public async Task Resending_a_report_id_returns_the_first_acknowledgement_and_changes_nothing()
    {
        var loc = (await RegisterAsync(Server, ("01", LocationKind.RegionalWarehouse)))[0];
        var first = await Server.Reporting.SubmitReportAsync(Movements(loc, "dup-1", Now.AddMinutes(-10), Move(Syringe, MovementType.Received, 40)));
        var again = await Server.Reporting.SubmitReportAsync(Movements(loc, "dup-1", Now.AddMinutes(-10), Move(Syringe, MovementType.Received, 40)));

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.LocationVersion, again.LocationVersion);
        Assert.Equal(first.AcceptedAt, again.AcceptedAt);
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc, ItemId = Syringe });
        Assert.Equal(40, stock.Lines.Single().OnHand);
        Assert.Equal(1, stock.Version);
    }

    [Fact]
    public async Task A_backdated_report_is_kept_in_history_but_changes_nothing_current()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "new", Now.AddHours(-1), Line(Morphine, 70)));
        var late = await Server.Reporting.SubmitReportAsync(Snapshot(loc, "old", Now.AddHours(-5), Line(Morphine, 999)));
        var lateMove = await Server.Reporting.SubmitReportAsync(Movements(loc, "old-move", Now.AddHours(-2), Move(Morphine, MovementType.Consumed, 5)));

        Assert.Equal(ReportOutcome.Historical, late.Outcome);
        Assert.Equal(1, late.LinesHistorical);
        Assert.Equal(ReportOutcome.Historical, lateMove.Outcome);
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
        Assert.Equal(70, stock.Lines.Single().OnHand);
        var history = await Server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = loc });
        Assert.Equal(3, history.Total);
        Assert.Equal(["old-move", "old", "new"], history.Receipts.Select(r => r.ReportId));
    }

    [Fact]
    public async Task Movements_below_zero_show_a_discrepancy_and_count_as_zero_until_a_physical_count()
    {
        var loc = (await RegisterAsync(Server, ("03", LocationKind.MunicipalCare)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "s", Now.AddHours(-4), Line(Ffp2, 10)));
        await Server.Reporting.SubmitReportAsync(Movements(loc, "m", Now.AddHours(-3), Move(Ffp2, MovementType.Consumed, 25)));

        var line = (await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc })).Lines.Single();
        Assert.Equal(0, line.OnHand);
        Assert.Equal(15, line.Discrepancy);

        var count = Snapshot(loc, "count", Now.AddHours(-2), Line(Ffp2, 4));
        count.Snapshot.PhysicalCount = true;
        await Server.Reporting.SubmitReportAsync(count);
        line = (await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc })).Lines.Single();
        Assert.Equal(4, line.OnHand);
        Assert.Equal(0, line.Discrepancy);
        var history = await Server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = loc, Limit = 1 });
        Assert.Equal("physical-count", history.Receipts.Single().Kind);
    }

    [Fact]
    public async Task Item_stock_across_locations_filters_by_region_and_kind_and_totals()
    {
        var locs = await RegisterAsync(Server, ("20", LocationKind.Hospital), ("20", LocationKind.Pharmacy), ("21", LocationKind.Hospital));
        for (var i = 0; i < locs.Length; i++)
            await Server.Reporting.SubmitReportAsync(Snapshot(locs[i], "s", Now.AddHours(-1), Line(Cannula, 100 * (i + 1), adc: 10)));

        var all = await Converge.UntilAsync(async () => await Server.Query.GetItemStockAsync(new GetItemStockRequest { ItemId = Cannula, RegionCodes = { "20", "21" } }),
            r => r.Locations.Count(l => locs.Contains(l.LocationId)) == 3);
        var mine = all.Locations.Where(l => locs.Contains(l.LocationId)).ToList();
        Assert.Equal(3, mine.Count);

        var hospitals20 = await Server.Query.GetItemStockAsync(new GetItemStockRequest
        {
            ItemId = Cannula, RegionCodes = { "20" }, Kinds = { LocationKind.Hospital },
        });
        var ours = hospitals20.Locations.Where(l => locs.Contains(l.LocationId)).ToList();
        Assert.Equal([locs[0]], ours.Select(l => l.LocationId));
        Assert.All(hospitals20.Locations, l => Assert.True(l.RegionCode == "20" && l.Kind == LocationKind.Hospital));
        Assert.Equal(hospitals20.Locations.Sum(l => l.Line.OnHand), hospitals20.Totals.OnHand);
        Assert.Equal(hospitals20.Locations.Count, hospitals20.Totals.Locations);
    }

    [Fact]
    public async Task Reporting_status_tells_when_each_location_last_reported()
    {
        var locs = await RegisterAsync(Server, ("25", LocationKind.NationalStockpile), ("25", LocationKind.Supplier));
        var asOf = Now.AddHours(-6);
        await Server.Reporting.SubmitReportAsync(Snapshot(locs[0], "s", asOf, Line(Ffp2, 1_000_000)));

        var status = await Converge.UntilAsync(async () => await Server.Query.ListReportingStatusAsync(new ListReportingStatusRequest { RegionCode = "25" }),
            r => r.Locations.Any(l => l.LocationId == locs[0] && l.HasReported));
        var reported = status.Locations.Single(l => l.LocationId == locs[0]);
        var silent = status.Locations.Single(l => l.LocationId == locs[1]);
        Assert.True(reported.HasReported);
        Assert.Equal(1, reported.ReportsAccepted);
        Assert.Equal(asOf.ToUnixTimeSeconds(), reported.LastAsOf.Seconds);
        Assert.False(silent.HasReported);
        Assert.Null(silent.LastReceivedAt);
    }

    [Fact]
    public async Task Streamed_reports_are_acknowledged_in_order_and_a_bad_one_does_not_end_the_stream()
    {
        var locs = await RegisterAsync(Server, ("07", LocationKind.Hospital), ("08", LocationKind.Hospital));
        using var call = Server.Reporting.StreamReports();
        var sent = new List<StockReport>();
        for (var i = 0; i < 40; i++)
        {
            var report = i == 17
                ? Snapshot(locs[i % 2], $"r{i}", Now.AddMinutes(-60 + i), Line("npl:00000000", 1))
                : Snapshot(locs[i % 2], $"r{i}", Now.AddMinutes(-60 + i), Line(Paracetamol, i));
            sent.Add(report);
            await call.RequestStream.WriteAsync(report);
        }
        await call.RequestStream.CompleteAsync();
        var acks = new List<ReportAck>();
        await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);

        Assert.Equal(sent.Select(r => r.ReportId), acks.Select(a => a.ReportId));
        Assert.Equal(ReportOutcome.Rejected, acks[17].Outcome);
        Assert.Equal("snapshot.lines[0].item_id", acks[17].Violations.Single().Field);
        // Reports for one location are applied in the order the stream carried them.
        Assert.All(acks.Where((_, i) => i != 17), a => Assert.Equal(ReportOutcome.Applied, a.Outcome));
        Assert.Equal(Enumerable.Range(1, 19), acks.Where(a => a.LocationId == locs[1] && a.Outcome != ReportOutcome.Rejected).Select(a => (int)a.LocationVersion));
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = locs[1] });
        Assert.Equal(39, stock.Lines.Single().OnHand); // newest snapshot of locs[1] is r39
    }

    [Fact]
    public async Task Queries_name_the_bad_argument_or_say_not_found()
    {
        await RegisterAsync(Server, ("10", LocationKind.Hospital));
        var e = await Assert.ThrowsAsync<RpcException>(() => Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = "bad id" }).ResponseAsync);
        Assert.Equal(["location_id"], FieldsAtFault(e));
        e = await Assert.ThrowsAsync<RpcException>(() => Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = "no-such-place" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        e = await Assert.ThrowsAsync<RpcException>(() => Server.Query.GetItemStockAsync(new GetItemStockRequest { ItemId = Paracetamol, RegionCodes = { "02" } }).ResponseAsync);
        Assert.Equal(["region_code"], FieldsAtFault(e));
        e = await Assert.ThrowsAsync<RpcException>(() => Server.Query.GetItemStockAsync(new GetItemStockRequest { ItemId = "npl:99999999" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }
}
