using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>
/// Shortage notices lower what projections count on from suppliers (docs/projection.md#notices), end to end over gRPC:
/// publish a notice, see the projection change; expire it, see it return.
/// </summary>
public sealed class ShortageProjectionTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private const string Hospital = "se-13-hosp-notice", Supplier = "se-13-supplier-notice", OtherSupplier = "se-13-supplier-other";

    public async Task InitializeAsync()
    {
        _server = await SupplyServer.StartAsync();
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = Hospital, Name = "Hallands sjukhus", Kind = LocationKind.Hospital, RegionCode = "13" },
                new Location { Id = Supplier, Name = "Grossist Halmstad", Kind = LocationKind.Supplier, RegionCode = "13", Owner = "test-supplier" },
                new Location { Id = OtherSupplier, Name = "Grossist Varberg", Kind = LocationKind.Supplier, RegionCode = "13", Owner = "test-supplier" },
            },
        });
        // The worked example of docs/projection.md#notices: 50 at the hospital at 10 a day, 100 at the supplier.
        await _server.Reporting.SubmitReportAsync(Snapshot(Hospital, "h", Now.AddMinutes(-10), Line(Ffp2, 50, adc: 10)));
        await _server.Reporting.SubmitReportAsync(Snapshot(Supplier, "s", Now.AddMinutes(-10), Line(Ffp2, 100)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Contracts.V1.Coverage.CoverageClient Client => new(_server.Channel);
    private ShortageNotices.ShortageNoticesClient Notices => new(_server.Channel);

    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    // Stock-out dates count from the projection's own start (the server's day), which may be a day after the test's.
    private static DateOnly Start(Projection p) => DateOnly.ParseExact(p.Start, "yyyy-MM-dd");
    private static string On(Projection p, int days) => Start(p).AddDays(days).ToString("yyyy-MM-dd");
    private static int DaysUntil(Projection p, string day) => DateOnly.ParseExact(day, "yyyy-MM-dd").DayNumber - Start(p).DayNumber;

    private Task Publish(string from, string to, string supplier = "") => Notices.PublishShortageNoticeAsync(new ShortageNotice
    {
        Id = "restnotering-ffp2", ItemId = Ffp2, From = from, To = to, Source = "lakemedelsverket", Reason = "production stop",
        DeliveryFactor = 0.05, SupplierLocationId = supplier,
    }).ResponseAsync;

    /// <summary>The region's projection once both reports have reached the nation (bounded wait: the aggregation path is asynchronous).</summary>
    private Task<Projection> Region13(int expectedDays) => Region13(_ => expectedDays);

    private async Task<Projection> Region13(Func<Projection, int> expectedDays)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var reply = await Client.GetProjectionAsync(new GetProjectionRequest { Level = CoverageLevel.Region, Key = Ffp2 });
            var row = reply.Projections.SingleOrDefault(p => p.Area == "13");
            if ((row is not null && row.Usable == 150 && row.AtCurrent.DaysOfSupply == expectedDays(row)) || DateTime.UtcNow > deadline)
                return row ?? throw new InvalidOperationException("no row for region 13");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_notice_lowers_the_projection_while_it_is_active_and_it_returns_when_the_notice_is_over()
    {
        var before = await Region13(15);
        Assert.Equal((150L, 15, On(before, 15)), (before.Usable, before.AtCurrent.DaysOfSupply, before.AtCurrent.StockoutOn));

        await Publish(Day(0), Day(30));
        var during = await Region13(5);
        // The supplier may release ⌊100 × 0.05⌋ = 5 of the 10 needed on day 5: out then, the same units held.
        Assert.Equal((150L, 5, On(during, 5)), (during.Usable, during.AtCurrent.DaysOfSupply, during.AtCurrent.StockoutOn));
        var nation = (await Client.GetProjectionAsync(new GetProjectionRequest { Level = CoverageLevel.Nation, Key = Ffp2 })).Projections.Single();
        Assert.Equal(5, nation.AtCurrent.DaysOfSupply);
        var shortfalls = await Client.ListShortfallsAsync(new ListShortfallsRequest { Level = CoverageLevel.Region, ThresholdDays = 10, Projected = true });
        Assert.Equal(["13"], shortfalls.Shortfalls.Select(s => s.Row.Area));
        var listed = await Client.ListProjectionsAsync(new ListProjectionsRequest { Level = CoverageLevel.Region, RunsOutWithinDays = 10 });
        Assert.Equal(["13"], listed.Projections.Select(p => p.Area));

        // The same notice id again, with a period that ended yesterday: expired, so the projection is back.
        await Publish(Day(-10), Day(-1));
        var after = await Region13(15);
        Assert.Equal((15, On(after, 15)), (after.AtCurrent.DaysOfSupply, after.AtCurrent.StockoutOn));
        Assert.Empty((await Client.ListShortfallsAsync(new ListShortfallsRequest { Level = CoverageLevel.Region, ThresholdDays = 10, Projected = true })).Shortfalls);
    }

    [Fact]
    public async Task A_notice_naming_another_supplier_or_starting_after_the_stock_is_used_changes_nothing()
    {
        await Region13(15);

        await Publish(Day(0), Day(30), supplier: OtherSupplier);
        Assert.Equal(15, (await Region13(15)).AtCurrent.DaysOfSupply);

        await Publish(Day(20), Day(30));
        Assert.Equal(15, (await Region13(15)).AtCurrent.DaysOfSupply);

        // Starting on day 10, while the supplier's stock is still being drawn (days 5-14): out on day 10 (day 9 of a
        // projection that starts a day later, past midnight).
        var from = Day(10);
        await Publish(from, Day(30), supplier: Supplier);
        var late = await Region13(p => DaysUntil(p, from));
        Assert.InRange(DaysUntil(late, from), 9, 10);
        Assert.Equal((DaysUntil(late, from), from), (late.AtCurrent.DaysOfSupply, late.AtCurrent.StockoutOn));
    }
}
