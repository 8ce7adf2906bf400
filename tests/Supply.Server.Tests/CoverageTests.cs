using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Report → aggregation path → national coverage, shortfalls, staleness and alerts, over real gRPC.</summary>
public sealed class CoverageTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private const string Stockholm = "se-01-hosp-coverage", Gotland = "se-09-hosp-coverage", Umea = "se-24-hosp-coverage";

    public async Task InitializeAsync()
    {
        _server = await SupplyServer.StartAsync(null, "--Supply:Coverage:AlertInterval=00:00:00.200", "--Supply:Coverage:StaleAfter=2.00:00:00");
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = Stockholm, Name = "Södersjukhuset", Kind = LocationKind.Hospital, RegionCode = "01" },
                new Location { Id = Gotland, Name = "Visby lasarett", Kind = LocationKind.Hospital, RegionCode = "09" },
                new Location { Id = Umea, Name = "Norrlands universitetssjukhus", Kind = LocationKind.Hospital, RegionCode = "24" },
            },
        });
        // FFP2: Stockholm 1,000 at 100/day, Gotland 300 at 10/day (reported 3 days ago: stale), Umeå never reports.
        await _server.Reporting.SubmitReportAsync(Snapshot(Stockholm, "s", Now.AddHours(-1), Line(Ffp2, 1000, adc: 100)));
        await _server.Reporting.SubmitReportAsync(Snapshot(Gotland, "s", Now.AddDays(-3), Line(Ffp2, 300, adc: 10)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Contracts.V1.Coverage.CoverageClient Client => new(_server.Channel);

    /// <summary>The aggregation path converges within about a second; wait for it, bounded.</summary>
    private async Task<GetCoverageResponse> CoverageWhen(GetCoverageRequest request, Func<GetCoverageResponse, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var reply = await Client.GetCoverageAsync(request);
            if (done(reply) || DateTime.UtcNow > deadline) return reply;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task National_and_healthcare_region_coverage_sum_the_locations_and_show_stale_shares()
    {
        var nation = await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);
        var row = nation.Rows.Single();
        Assert.Equal(("SE", "item", Ffp2), (row.Area, row.Subject, row.Key));
        Assert.Equal((1300L, 110.0), (row.Usable, row.DailyConsumption));
        Assert.Equal(1300 / 110.0, row.DaysOfSupply, 6);
        Assert.Equal(300 / 1300.0, row.StaleShare, 6);

        var healthcare = await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.HealthcareRegion, ItemId = Ffp2 });
        Assert.Equal("Stockholm-Gotland", healthcare.Rows.Single().Area);
        var regions = await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Region, ItemId = Ffp2, RegionCodes = { "09" } });
        Assert.Equal(("09", 30.0), (regions.Rows.Single().Area, regions.Rows.Single().DaysOfSupply));
    }

    [Fact]
    public async Task National_coverage_follows_a_new_report_at_once_however_often_it_is_asked()
    {
        var request = new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Ffp2 };
        await CoverageWhen(request, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);
        Assert.Equal(1300, (await Client.GetCoverageAsync(request)).Rows.Single().Usable); // asked again: the same rows

        await _server.Reporting.SubmitReportAsync(Snapshot(Stockholm, "s2", Now.AddMinutes(-30), Line(Ffp2, 2000, adc: 100)));
        var after = await CoverageWhen(request, r => r.Rows.Count == 1 && r.Rows[0].Usable == 2300);
        Assert.Equal((2300L, 110.0), (after.Rows[0].Usable, after.Rows[0].DailyConsumption));
        Assert.Equal(300 / 2300.0, after.Rows[0].StaleShare, 6);
        var regions = await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Region, ItemId = Ffp2 });
        Assert.Equal(["01 2000", "09 300"], regions.Rows.Select(r => $"{r.Area} {r.Usable}"));
    }

    [Fact]
    public async Task Shortfalls_list_what_is_under_the_threshold_worst_first_and_stale_locations_are_named()
    {
        await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2 }, r => r.Rows.Count == 2);
        var shortfalls = await Client.ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 14, Level = CoverageLevel.Location });
        var only = shortfalls.Shortfalls.Single();
        Assert.Equal((Stockholm, 400L), (only.Row.Area, only.UnitsToThreshold)); // 10 days; 14 × 100 − 1,000

        var stale = await Client.ListStaleLocationsAsync(new ListStaleLocationsRequest());
        Assert.Equal([Gotland, Umea], stale.Locations.Select(l => l.LocationId).Order(StringComparer.Ordinal));
        Assert.Null(stale.Locations.Single(l => l.LocationId == Umea).LastAsOf);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = -1 }).ResponseAsync);
        Assert.Equal(["threshold_days"], FieldsAtFault(e));
    }

    [Fact]
    public async Task Location_coverage_for_one_region_and_item_holds_only_that_regions_locations()
    {
        await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2 }, r => r.Rows.Count == 2);
        var gotland = (await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2, RegionCodes = { "09" } })).Rows.Single();
        Assert.Equal((Gotland, 300L, 30.0, 1.0), (gotland.Area, gotland.Usable, gotland.DaysOfSupply, gotland.StaleShare));
        Assert.Empty((await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Paracetamol, RegionCodes = { "01" } })).Rows);

        var groups = await Client.GetCoverageAsync(new GetCoverageRequest
            { Level = CoverageLevel.Location, ByGroup = true, Category = ItemCategory.Ppe, RegionCodes = { "01", "24" } });
        Assert.Equal([$"{Stockholm} group {Ffp2} 1000"], groups.Rows.Select(r => $"{r.Area} {r.Subject} {r.Key} {r.Usable}"));
    }

    [Fact]
    public async Task A_location_that_moved_region_shows_once_at_location_level_with_its_current_region()
    {
        const string Moving = "se-03-hosp-moving";
        Location At(string region) => new() { Id = Moving, Name = "Akademiska", Kind = LocationKind.Hospital, RegionCode = region };
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest { Locations = { At("03") } });
        await _server.Reporting.SubmitReportAsync(Snapshot(Moving, "before", Now.AddHours(-2), Line(Ffp2, 500, adc: 10)));
        var request = new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2 };
        await CoverageWhen(request, r => r.Rows.Any(x => x.Area == Moving && x.Usable == 500));

        // Region 03's aggregate keeps the old figures until it is rebuilt; the location now reports to region 01.
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest { Locations = { At("01") } });
        await _server.Reporting.SubmitReportAsync(Snapshot(Moving, "after", Now.AddHours(-1), Line(Ffp2, 700, adc: 10)));
        var moved = await CoverageWhen(request, r => r.Rows.Any(x => x.Area == Moving && x.Usable == 700));
        Assert.Equal([700L], moved.Rows.Where(x => x.Area == Moving).Select(x => x.Usable));
        Assert.Contains((await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2, RegionCodes = { "01" } })).Rows,
            x => x.Area == Moving);
        Assert.DoesNotContain((await Client.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2, RegionCodes = { "03" } })).Rows,
            x => x.Area == Moving);
        var nation = await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 2000);
        Assert.Equal(2000L, nation.Rows.Single().Usable); // Stockholm 1,000 + Gotland 300 + the moved location's 700, once
    }

    [Fact]
    public async Task Shortfalls_above_location_level_come_from_the_aggregated_sums_worst_first_with_stale_shares()
    {
        await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);

        // Nation: 1,300 at 110/day is 11.8 days; 14 × 110 − 1,300 = 240 short; Gotland's 300 are stale.
        var nation = (await Client.ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 14, Level = CoverageLevel.Nation })).Shortfalls.Single();
        Assert.Equal(("SE", Ffp2, 1300L, 240L), (nation.Row.Area, nation.Row.Key, nation.Row.Usable, nation.UnitsToThreshold));
        Assert.Equal(300 / 1300.0, nation.Row.StaleShare, 6);

        // Regions: Stockholm 10 days, Gotland 30 days. Under 40 days both, worst first.
        var regions = await Client.ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 40, Level = CoverageLevel.Region });
        Assert.Equal(["01 3000", "09 100"], regions.Shortfalls.Select(s => $"{s.Row.Area} {s.UnitsToThreshold}"));
        Assert.Equal((0.0, 1.0), (regions.Shortfalls[0].Row.StaleShare, regions.Shortfalls[1].Row.StaleShare));

        // 11.8 days is not under 11.
        Assert.Empty((await Client.ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 11, Level = CoverageLevel.Nation })).Shortfalls);
        var groups = await Client.ListShortfallsAsync(new ListShortfallsRequest
            { ThresholdDays = 14, Level = CoverageLevel.Nation, ByGroup = true, Category = ItemCategory.Ppe });
        Assert.Equal(240L, groups.Shortfalls.Single().UnitsToThreshold); // a group within one category: rolled up from the cells
    }

    /// <summary>
    /// Follows alerts at <paramref name="level"/> under 14 days until a recovery: once the first "below" and both stale
    /// locations have been told, Stockholm restocks (2,000 at 100/day: 20 days; the nation 2,300 at 110/day: 20.9 days).
    /// </summary>
    private async Task<List<CoverageAlert>> AlertsUntilStockholmRestocks(CoverageLevel level)
    {
        using var call = Client.WatchAlerts(new WatchAlertsRequest { ThresholdDays = 14, Level = level, Follow = true });
        var seen = new List<CoverageAlert>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reported = false;
        await foreach (var alert in call.ResponseStream.ReadAllAsync(deadline.Token))
        {
            seen.Add(alert);
            if (!reported && seen.Any(a => a.Kind == "below") && seen.Count(a => a.Kind == "stale") == 2)
            {
                await _server.Reporting.SubmitReportAsync(Snapshot(Stockholm, "restock", Now.AddMinutes(-1), Line(Ffp2, 2000, adc: 100)));
                reported = true;
            }
            if (alert.Kind == "recovered") break;
        }
        return seen;
    }

    [Fact]
    public async Task National_alerts_come_from_the_aggregated_sums_and_tell_a_recovery_as_it_happens()
    {
        await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);
        var seen = await AlertsUntilStockholmRestocks(CoverageLevel.Nation);
        Assert.Equal(("below", "SE", 1300L), (seen[0].Kind, seen[0].Row.Area, seen[0].Row.Usable));
        Assert.Equal([Gotland, Umea], seen.Where(a => a.Kind == "stale").Select(a => a.LocationId));
        Assert.Equal(("recovered", "SE", 2300L), (seen[^1].Kind, seen[^1].Row.Area, seen[^1].Row.Usable));
    }

    [Fact]
    public async Task Alerts_tell_the_current_state_and_then_a_recovery_as_it_happens()
    {
        await CoverageWhen(new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = Ffp2 }, r => r.Rows.Count == 2);
        var seen = await AlertsUntilStockholmRestocks(CoverageLevel.Location);
        Assert.Equal(("below", Stockholm), (seen[0].Kind, seen[0].Row.Area));
        Assert.Equal([Gotland, Umea], seen.Where(a => a.Kind == "stale").Select(a => a.LocationId));
        Assert.Equal(("recovered", Stockholm), (seen[^1].Kind, seen[^1].Row.Area));
    }

    [Fact]
    public async Task A_report_reaches_national_coverage_and_a_scenario_on_live_stock()
    {
        await _server.Reporting.SubmitReportAsync(Snapshot(Umea, "s", Now.AddMinutes(-5), Line(Morphine, 500, adc: 5)));
        var nation = await CoverageWhen(new GetCoverageRequest { ItemId = Morphine }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 500);
        Assert.Equal(100, nation.Rows.Single().DaysOfSupply, 6);

        var scenario = $$"""
            id: norrland-trauma
            name: Trauma in Västerbotten
            start: {{DateOnly.FromDateTime(DateTime.UtcNow):yyyy-MM-dd}}
            horizon_days: 3
            reserve_days: 10
            profiles:
              - id: morphine
                name: Morphine per T1
                categories:
                  T1:
                    - {item: "{{Morphine}}", per_casualty_per_day: 10}
            regions:
              - region: "24"
                casualties: {T1: 20}
            """;
        var result = await new Scenarios.ScenariosClient(_server.Channel).RunScenarioAsync(new RunScenarioRequest { Document = scenario });
        // 600 needed; 500 on hand less a reserve of 10 days × 5 = 50 and 3 days of ordinary use: 435 can go to casualties.
        Assert.Equal(600, result.Totals.Demand);
        Assert.True(result.Totals.Shortfall > 0);
        Assert.Equal(result.Totals.Demand, result.Totals.Met + result.Totals.Shortfall);
    }

    [Fact]
    public async Task Rebuilding_the_aggregates_gives_the_same_national_figures()
    {
        var before = await CoverageWhen(new GetCoverageRequest { ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);
        var rebuilt = await Client.RebuildAggregatesAsync(new RebuildAggregatesRequest());
        Assert.Equal(3, rebuilt.Locations);
        var after = await CoverageWhen(new GetCoverageRequest { ItemId = Ffp2 }, r => r.Rows.Count == 1 && r.Rows[0].Usable == 1300);
        Assert.Equal(before.Rows.Single().Usable, after.Rows.Single().Usable);
    }
}
