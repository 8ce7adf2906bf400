using Orleans.Concurrency;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Stock;
using Supply.Grains.Aggregation;
using Supply.Grains.Stock;

namespace Supply.Grains.Tests;

/// <summary>Reports to locations reach the national totals through the regions; aggregates come back after losing their state.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AggregationEndToEndTests(ClusterFixture fixture)
{
    [Fact]
    public async Task National_totals_converge_to_the_sum_of_the_locations_current_stock()
    {
        var s = new AggregationScenario(fixture);
        await s.Register();
        await s.ReportSnapshots();
        var national = await s.Converge();

        // Three regions, Halland split by municipality into two healthcare regions.
        Assert.Equal(AggregationScenario.Regions, national.Regions.Where(r => r.Rows.Count > 0).Select(r => r.RegionCode));
        var halland = national.Regions.Single(r => r.RegionCode == "13");
        Assert.Equal(["Södra", "Västra"], halland.Rows.Select(r => r.HealthcareRegion).Distinct().Order(StringComparer.Ordinal));

        // Hand-checked figures: A in Uppsala is L1 (100 on hand, 15 withheld, lot of 30 expiring in 5 days at 2/day:
        // 20 wasted) and L2 (20, nothing withheld). Had L1 published a day later (the run crossed midnight), 2 more are wasted.
        var a = national.Regions.Single(r => r.RegionCode == "03").Rows.Single(r => r.Subject == CoverageSubject.Item && r.Key == s.A);
        Assert.Equal((120L, 105L, 2.5, 2), (a.OnHand, a.Available, a.DailyConsumption, a.Locations));
        Assert.Equal(85L - 2 * (s.DayOf(national, s.L1).DayNumber - s.Day.DayNumber), a.Usable);
        // The group counts L1 once although it holds both A and B.
        var group = national.Regions.Single(r => r.RegionCode == "03").Rows.Single(r => r.Subject == CoverageSubject.SubstitutionGroup && r.Key == s.Group);
        Assert.Equal((160L, 2), (group.OnHand, group.Locations));

        // Coverage rolled up from the aggregates equals coverage from every location's stock (what the server computes today).
        var cells = await s.Cells(national);
        foreach (var level in new[] { CoverageLevel.Region, CoverageLevel.HealthcareRegion, CoverageLevel.Nation })
        foreach (var subject in new[] { CoverageSubject.Item, CoverageSubject.SubstitutionGroup })
            Assert.Equal(CoverageRollup.Rows(cells, level, subject), AggregateCoverage.Rows(national.Regions, level, subject));

        // Later reports move the totals again, including a discrepancy (counted as zero, and flagged).
        await s.ReportMovements();
        national = await s.Converge();
        var b = national.Regions.Single(r => r.RegionCode == "13").Rows.Single(r => r.Subject == CoverageSubject.Item && r.Key == s.B);
        Assert.Equal((0L, 1), (b.OnHand, b.LocationsWithDiscrepancy));
    }

    [Fact]
    public async Task Stale_locations_are_found_from_the_national_totals_and_their_stock_from_one_call_per_region()
    {
        var s = new AggregationScenario(fixture);
        await s.Register();
        await s.ReportSnapshots();
        var national = await s.Converge();

        // Every location last reported two hours ago: with a one-hour window all are stale, with a day none is.
        var now = DateTimeOffset.UtcNow;
        var staleInADay = AggregateCoverage.StaleLocations(national.Regions, TimeSpan.FromDays(1), now).SelectMany(kv => kv.Value).ToHashSet();
        Assert.False(staleInADay.Overlaps(s.Locations.Keys));
        var stale = AggregateCoverage.StaleLocations(national.Regions, TimeSpan.FromHours(1), now);
        Assert.Superset(s.Locations.Keys.ToHashSet(), stale.SelectMany(kv => kv.Value).ToHashSet());

        var views = await Task.WhenAll(stale.Keys.Select(code => s.Region(code).GetView()));
        var staleCells = AggregateCoverage.StaleCells(views.Select(v => v.Value), stale);
        var rows = AggregateCoverage.Rows(national.Regions, CoverageLevel.Nation, CoverageSubject.SubstitutionGroup, staleCells);
        var expected = CoverageRollup.Rows((await s.Cells(national)).Select(c => c with { Figures = c.Figures with { StaleUsable = c.Figures.Usable } }),
            CoverageLevel.Nation, CoverageSubject.SubstitutionGroup);
        Assert.Equal(expected, rows.Where(r => r.Key == s.Group || r.Key == s.C));
        Assert.All(rows.Where(r => r.Key == s.Group || r.Key == s.C), r => Assert.Equal(1.0, r.Figures.StaleShare));
    }

    [Fact]
    public async Task After_every_aggregate_lost_its_state_a_rebuild_from_the_locations_brings_the_totals_back()
    {
        var s = new AggregationScenario(fixture);
        await s.Register();
        await s.ReportSnapshots();
        await s.ReportMovements();
        await s.Converge();

        await AggregateStorage.Lose<RegionAggregateState>(fixture, RegionAggregateGrain.StateName,
            AggregationScenario.Regions.Select(code => (IAddressable)s.Region(code)).ToArray());
        await AggregateStorage.Lose<NationalAggregateState>(fixture, NationalAggregateGrain.StateName, s.Nation);
        Assert.Empty(FlatRow.Of(await s.National()));
        Assert.Empty((await s.Region("03").GetView()).Value.Locations);

        var result = (await s.Nation.Rebuild((await s.CatalogLocationsByRegion()).AsImmutable())).Value;

        // Back as soon as the rebuild returns: no waiting (usable stock as of the rebuild's day, which may be a later one).
        var national = await s.National();
        var rebuilt = FlatRow.Of(national);
        Assert.Equal(await s.Expected(national), rebuilt);
        Assert.True(result.Locations >= s.Locations.Count);
        Assert.True(result.LocationsReported >= s.Locations.Count);
        // And stored: a fresh activation of the national aggregate has them too.
        await fixture.Cluster.DeactivateAsync(s.Nation);
        Assert.Equal(rebuilt, FlatRow.Of(await s.National()));
    }

    [Fact]
    public async Task A_region_that_lost_its_state_moves_past_the_version_the_nation_holds_and_a_region_rebuild_completes_it()
    {
        var s = new AggregationScenario(fixture);
        await s.Register();
        await s.ReportSnapshots();
        var before = await s.Converge();
        var versionBefore = before.Regions.Single(r => r.RegionCode == "24").Version;

        await AggregateStorage.Lose<RegionAggregateState>(fixture, RegionAggregateGrain.StateName, s.Region("24"));
        // A new report at L3: region 24 starts from nothing, so it knows L3 only, and the nation takes that newer version.
        await s.Submit(AggregationScenario.Movements(s.L3, "m-after-loss", (s.C, MovementType.Received, 1)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        RegionTotals region24;
        do
        {
            await Task.Delay(100);
            region24 = (await s.National()).Regions.Single(r => r.RegionCode == "24");
        } while (region24.Locations.Any(l => l.LocationId == s.L6) && DateTime.UtcNow < deadline);
        Assert.True(region24.Version > versionBefore);
        Assert.Equal([s.L3], region24.Locations.Select(l => l.LocationId).Where(s.Locations.ContainsKey));

        var rebuilt = (await s.Region("24").Rebuild(((IReadOnlyList<string>)[s.L3, s.L6]).AsImmutable())).Value;

        Assert.Equal([s.L3, s.L6], rebuilt.Locations.Select(l => l.LocationId));
        var national = await s.National();
        Assert.Equal(await s.Expected(national), FlatRow.Of(national));
    }

    [Fact]
    public async Task A_burst_of_reports_reaches_the_nation_as_its_newest_version_with_few_region_writes()
    {
        var s = new AggregationScenario(fixture);
        await s.Register();
        await s.ReportSnapshots();
        await s.Converge();
        var regionWritesBefore = await AggregateStorage.Writes(fixture, s.Region("24"), RegionAggregateGrain.StateName);

        // 40 reports to one location, one after the other: each is acknowledged once stored at the location (publishing is
        // never awaited in Submit), and the location publishes at most every AggregationTiming.MinInterval, newest version only.
        var location = fixture.Grains.GetGrain<IStockLocationGrain>(s.L6);
        for (var i = 0; i < 40; i++)
            await location.Submit(AggregationScenario.Movements(s.L6, $"burst-{i}", (s.C, MovementType.Received, 1)).AsImmutable());

        var national = await s.Converge();
        var status = national.Regions.Single(r => r.RegionCode == "24").Locations.Single(l => l.LocationId == s.L6);
        Assert.Equal((await location.GetStatus()).Value.Version, status.Version);
        // Debounced at the location and coalesced at the region: far fewer region writes than reports.
        await s.Region("24").Flush(); // region writes are spaced out; wait for the pending one
        var regionWrites = await AggregateStorage.Writes(fixture, s.Region("24"), RegionAggregateGrain.StateName) - regionWritesBefore;
        Assert.InRange(regionWrites, 1, 20);
    }
}
