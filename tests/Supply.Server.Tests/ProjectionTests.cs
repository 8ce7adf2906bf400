using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Consumption with its stock-out adjustment on the wire, and projections over real gRPC (docs/projection.md).</summary>
public sealed class ProjectionTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private const string Stockholm = "se-01-hosp-projection", Gotland = "se-09-hosp-projection";

    private DateOnly _setupDay;

    public async Task InitializeAsync()
    {
        _setupDay = DateOnly.FromDateTime(DateTime.UtcNow);
        _server = await SupplyServer.StartAsync(null, "--Supply:Coverage:AlertInterval=00:00:00.200");
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = Stockholm, Name = "Södersjukhuset", Kind = LocationKind.Hospital, RegionCode = "01" },
                new Location { Id = Gotland, Name = "Visby lasarett", Kind = LocationKind.Hospital, RegionCode = "09" },
            },
        });
        // Stockholm: 100 a day over 28 days, 7 of them stocked out (133.33 a day adjusted); 600 of 1,000 in a lot expiring in 3 days.
        var line = Line(Ffp2, 1000, adc: 100, lots: new Lot { LotNumber = "L1", ExpiresOn = Day(3), Quantity = 600 });
        line.ConsumptionPeriodDays = 28;
        line.StockoutDays = 7;
        await _server.Reporting.SubmitReportAsync(Snapshot(Stockholm, "s", Now.AddMinutes(-10), line));
        // Gotland: 300 at 10 a day, no lots; and consumed movements on the two days before the snapshot's (counted from
        // the snapshot's time, so that the three reports fall on three days even just after midnight).
        var snapshotAt = Now.AddMinutes(-10);
        await _server.Reporting.SubmitReportAsync(Snapshot(Gotland, "s", snapshotAt, Line(Ffp2, 300, adc: 10)));
        await _server.Reporting.SubmitReportAsync(Movements(Gotland, "m1", snapshotAt.AddDays(-1), Move(Ffp2, MovementType.Consumed, 8)));
        await _server.Reporting.SubmitReportAsync(Movements(Gotland, "m2", snapshotAt.AddDays(-2), Move(Ffp2, MovementType.Consumed, 6)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    private Contracts.V1.Coverage.CoverageClient Client => new(_server.Channel);

    /// <summary>The aggregation path converges within about a second; wait for it, bounded.</summary>
    private async Task<ProjectionsResponse> ProjectionWhen(GetProjectionRequest request, Func<ProjectionsResponse, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var reply = await Client.GetProjectionAsync(request);
            if (done(reply) || DateTime.UtcNow > deadline) return reply;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_snapshot_line_carries_its_period_and_stockout_days_and_the_stock_line_says_how_consumption_was_measured()
    {
        var stock = await new StockQuery.StockQueryClient(_server.Channel).GetLocationStockAsync(new GetLocationStockRequest { LocationId = Stockholm });

        var line = stock.Lines.Single();
        Assert.Equal(100.0 * 28 / 21, line.AverageDailyConsumption, 9);
        Assert.Equal((ConsumptionBasis.AdjustedForStockout, 100.0, 28, 7),
            (line.ConsumptionBasis, line.ReportedDailyConsumption, line.ConsumptionPeriodDays, line.StockoutDays));
    }

    [Theory]
    [InlineData(10, 11, "snapshot.lines[0].stockout_days")]
    [InlineData(0, 1, "snapshot.lines[0].stockout_days")]
    [InlineData(400, 0, "snapshot.lines[0].consumption_period_days")]
    public async Task Bad_consumption_periods_are_refused_naming_the_field_and_change_nothing(int period, int stockout, string field)
    {
        var query = new StockQuery.StockQueryClient(_server.Channel);
        var before = await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = Gotland });
        var line = Line(Ffp2, 5, adc: 1);
        line.ConsumptionPeriodDays = period;
        line.StockoutDays = stockout;

        var e = await Assert.ThrowsAsync<RpcException>(async () => await _server.Reporting.SubmitReportAsync(Snapshot(Gotland, "bad", Now, line)));

        Assert.Contains(field, FieldsAtFault(e));
        Assert.Equal(before.Version, (await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = Gotland })).Version);
    }

    [Fact]
    public async Task The_projection_gives_burn_rates_trend_and_stockout_dates_with_their_basis_per_region_and_nation()
    {
        // Each accepted report republishes the location's totals; wait until the last one (m2) has reached the nation.
        var regions = await ProjectionWhen(new GetProjectionRequest { Level = CoverageLevel.Region, Key = Ffp2 },
            r => r.Projections.Count == 2 && r.Projections.Sum(p => p.Usable) > 0 && r.Projections.Any(p => p.BurnRate7D.Observations == 3));

        var gotland = regions.Projections.Single(p => p.Area == "09");
        var start = DateOnly.ParseExact(gotland.Start, "yyyy-MM-dd");
        // 300 at 10 a day, no lot: 30 days at current consumption; out on the 31st day.
        Assert.Equal((true, 30, start.AddDays(30).ToString("yyyy-MM-dd")),
            (gotland.AtCurrent.RunsOut, gotland.AtCurrent.DaysOfSupply, gotland.AtCurrent.StockoutOn));
        Assert.Equal(10, gotland.Current.PerDay, 9);
        // Observed: 6 and 8 (movements) and 10 (the snapshot's day): three days, in both windows.
        Assert.Equal((8.0, 7, 3), (gotland.BurnRate7D.PerDay, gotland.BurnRate7D.WindowDays, gotland.BurnRate7D.Observations));
        Assert.Equal((28, 3), (gotland.BurnRate28D.WindowDays, gotland.BurnRate28D.Observations));
        // Each figure names its method (an enum: the formula's text on every row was half of a national reply).
        Assert.Equal((ConsumptionMethod.ReportedAverages, ConsumptionMethod.MeanOfObservedDays, ConsumptionMethod.MeanOfObservedDays, ConsumptionMethod.HoltLinear),
            (gotland.Current.Method, gotland.BurnRate7D.Method, gotland.BurnRate28D.Method, gotland.Trending.Method));
        Assert.True(gotland.TrendPerDay > 0, "6, 8, 10: rising");
        Assert.Equal(3, gotland.Trending.Observations);

        var stockholm = regions.Projections.Single(p => p.Area == "01");
        Assert.Equal(100.0 * 28 / 21, stockholm.Current.PerDay, 6);
        // The whole reported period is history: 28 days ending on the snapshot's day, of which the 28-day window ending on
        // the day the totals were published holds all, or one fewer when midnight fell between the snapshot (ten minutes
        // before the setup) and the publication; the publication's day lies between the setup's and the projection's.
        var snapshotDay = DateOnly.FromDateTime(Now.AddMinutes(-10).UtcDateTime);
        Assert.InRange(stockholm.BurnRate28D.Observations, 28 - (start.DayNumber - snapshotDay.DayNumber), 28 - (_setupDay.DayNumber - snapshotDay.DayNumber));
        // The lot expires before 133 a day can use it all: some is wasted, and stock runs out sooner than 1,000 / 133.
        Assert.True(stockholm.AtCurrent.WastedToExpiry > 0);
        Assert.True(stockholm.AtCurrent.DaysOfSupply < 1000 / (100.0 * 28 / 21));

        var nation = await Client.GetProjectionAsync(new GetProjectionRequest { Level = CoverageLevel.Nation, Key = Ffp2 });
        var se = nation.Projections.Single();
        Assert.Equal(("SE", 2), (se.Area, se.Locations));
        Assert.Equal(stockholm.Current.PerDay + gotland.Current.PerDay, se.Current.PerDay, 6);
        Assert.Equal(stockholm.Trending.PerDay + gotland.Trending.PerDay, se.Trending.PerDay, 6);
    }

    [Fact]
    public async Task A_repeated_projection_is_the_same_answer_until_a_report_changes_it()
    {
        // The server builds a cached answer's message once and hands it out again: it must never outlive the answer.
        var all = new ListProjectionsRequest { Level = CoverageLevel.Nation };
        async Task<Projection> NationalFfp2When(Func<Projection, bool> done)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                // Nothing until the reports have reached the nation.
                var ffp2 = (await Client.ListProjectionsAsync(all)).Projections.SingleOrDefault(p => p.Key == Ffp2);
                if (ffp2 is not null && done(ffp2)) return ffp2;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no national FFP2 projection as expected within 30 s; last: {ffp2}");
                await Task.Delay(100);
            }
        }
        // Every report in: Gotland's region shows its three observed days, and the nation the regions' observations together.
        var regions = await ProjectionWhen(new GetProjectionRequest { Level = CoverageLevel.Region, Key = Ffp2 },
            r => r.Projections.Count == 2 && r.Projections.Any(p => p.Area == "09" && p.BurnRate7D.Observations == 3));
        var observed = regions.Projections.Sum(p => p.BurnRate7D.Observations);
        var settled = await NationalFfp2When(p => p.Locations == 2 && p.BurnRate7D.Observations == observed);
        var first = await Client.ListProjectionsAsync(all);
        var again = await Client.ListProjectionsAsync(all);
        Assert.Equal(first, again);
        Assert.Equal(settled, first.Projections.Single(p => p.Key == Ffp2));

        // Gotland now holds 900 instead of 300 (no lots, so all of it usable).
        await _server.Reporting.SubmitReportAsync(Snapshot(Gotland, "more", Now.AddMinutes(-5), Line(Ffp2, 900, adc: 10)));

        var after = await NationalFfp2When(p => p.Usable != settled.Usable);
        Assert.Equal(settled.Usable + 600, after.Usable);
    }

    [Fact]
    public async Task Shortfalls_and_alerts_can_be_judged_by_the_projection()
    {
        await ProjectionWhen(new GetProjectionRequest { Level = CoverageLevel.Region, Key = Ffp2 }, r => r.Projections.Count == 2);

        var within20 = await Client.ListShortfallsAsync(new ListShortfallsRequest { Level = CoverageLevel.Region, ThresholdDays = 20, Projected = true });
        Assert.Equal(["01"], within20.Shortfalls.Select(s => s.Row.Area));
        Assert.True(within20.Shortfalls[0].Projection.AtCurrent.RunsOut);
        var within40 = await Client.ListShortfallsAsync(new ListShortfallsRequest { Level = CoverageLevel.Region, ThresholdDays = 40, Projected = true });
        Assert.Equal(["01", "09"], within40.Shortfalls.Select(s => s.Row.Area)); // earliest stock-out first

        using var call = Client.WatchAlerts(new WatchAlertsRequest { Level = CoverageLevel.Region, ThresholdDays = 20, Projected = true });
        var alerts = new List<CoverageAlert>();
        await foreach (var alert in call.ResponseStream.ReadAllAsync()) alerts.Add(alert);
        var below = Assert.Single(alerts);
        Assert.Equal(("below", "01", Ffp2), (below.Kind, below.Row.Area, below.Projection.Key));

        var list = await Client.ListProjectionsAsync(new ListProjectionsRequest { Level = CoverageLevel.Region, RunsOutWithinDays = 20 });
        Assert.Equal(["01"], list.Projections.Select(p => p.Area));
    }

    [Fact]
    public async Task Bad_projection_requests_are_refused_naming_the_field()
    {
        Assert.Equal(["key"], FieldsAtFault(await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetProjectionAsync(new GetProjectionRequest { Level = CoverageLevel.Nation }))));
        Assert.Equal(["key"], FieldsAtFault(await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetProjectionAsync(new GetProjectionRequest { Key = "ppe:no-such-item" }))));
        Assert.Contains("horizon_days", FieldsAtFault(await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ListProjectionsAsync(new ListProjectionsRequest { HorizonDays = -1 }))));
        Assert.Contains("region_codes[0]", FieldsAtFault(await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ListProjectionsAsync(new ListProjectionsRequest { RegionCodes = { "99" } }))));
        Assert.Contains("threshold_days", FieldsAtFault(await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ListShortfallsAsync(new ListShortfallsRequest { Projected = true }))));
    }
}
