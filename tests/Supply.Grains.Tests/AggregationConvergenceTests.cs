using CsCheck;
using Orleans.Concurrency;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests;

/// <summary>
/// Publications delivered to a region grain directly, duplicated, reordered and with intermediate versions
/// dropped: the region's totals are always those of each location's newest version, and the region's state
/// writes are coalesced. Each test uses its own region key (not a real region code), so it sees only its own locations.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AggregationConvergenceTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 8, 0, 0, TimeSpan.Zero);
    private const int GrainCases = 12;
    private const int DomainCases = 300;

    private IRegionAggregateGrain NewRegion(out string code)
    {
        code = "t-" + Guid.NewGuid().ToString("N")[..10];
        return fixture.Grains.GetGrain<IRegionAggregateGrain>(code);
    }

    private static LocationTotals Totals(string region, string location, long version, params (string Item, string Group, long OnHand, long Usable, double Daily)[] items) =>
        new(location, region, "Test", version, T0.AddMinutes(version), T0.AddMinutes(version), new DateOnly(2025, 3, 14),
            items.Select(i => new LocationItemTotals(i.Item, i.Group, i.OnHand, 0, 0, i.OnHand, i.Usable, i.Daily, 0, T0.AddMinutes(version), [])).ToList());

    private static IReadOnlyList<FlatRow> Flat(string region, IEnumerable<AggregateRow> rows) => FlatRow.Order(rows.Select(r => FlatRow.Of(region, r)));

    [Fact]
    public async Task Duplicated_reordered_and_dropped_publications_give_the_totals_of_the_newest_versions()
    {
        var region = NewRegion(out var code);
        // Three locations, each publishing versions 1..3 of its whole totals; x is in group g, y has none.
        LocationTotals V(string loc, long v, long x, long y) => Totals(code, loc, v, ("ppe:x", "g", x, x / 2, 2), ("ppe:y", "", y, y, 1));
        var l1 = new[] { V("l1", 1, 10, 1), V("l1", 2, 20, 2), V("l1", 3, 30, 3) };
        var l2 = new[] { V("l2", 1, 100, 0), V("l2", 2, 200, 0), V("l2", 3, 300, 0) };
        var l3 = new[] { V("l3", 1, 7, 7), V("l3", 2, 8, 8), V("l3", 3, 9, 9) };

        // Newest first, then older versions after it, duplicates; l3's intermediate versions are lost altogether.
        LocationTotals[] deliveries = [l1[2], l2[0], l1[0], l3[2], l2[2], l1[1], l2[1], l1[2], l3[2], l2[0], l1[0]];
        foreach (var d in deliveries) await region.Publish(d.AsImmutable());

        var view = (await region.GetView()).Value;
        Assert.Equal([("l1", 3L), ("l2", 3L), ("l3", 3L)], view.Locations.Select(l => (l.LocationId, l.Version)));
        var x = view.Rows.Single(r => r.Subject == CoverageSubject.Item && r.Key == "ppe:x");
        Assert.Equal((339L, 169L, 6.0, 3), (x.OnHand, x.Usable, x.DailyConsumption, x.Locations));
        var y = view.Rows.Single(r => r.Subject == CoverageSubject.SubstitutionGroup && r.Key == "ppe:y"); // a group of one
        Assert.Equal((12L, 3), (y.OnHand, y.Locations));
        Assert.Equal(Flat(code, Aggregates.Rows([l1[2], l2[2], l3[2]])), Flat(code, view.Rows));

        // The same totals reach the nation (Flush: push now, no waiting for the debounce).
        await region.Flush();
        var national = (await fixture.Grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden)
            .GetTotals(new AggregateFilter([code], null, []).AsImmutable())).Value;
        Assert.Equal(Flat(code, view.Rows), FlatRow.Of(national));
        Assert.Equal(view.Version, national.Regions.Single().Version);
    }

    [Fact]
    public async Task Stale_and_repeated_publications_cost_no_write_and_concurrent_ones_share_a_few()
    {
        var region = NewRegion(out var code);
        // 60 locations publish at once: every call completes only once its change is stored, yet the writes are shared.
        var first = Enumerable.Range(0, 60).Select(i => Totals(code, $"{code}-loc-{i:D2}", 5, ("ppe:x", "", i, i, 1))).ToList();
        await Task.WhenAll(first.Select(t => region.Publish(t.AsImmutable())));
        var writes = await AggregateStorage.Writes(fixture, region, RegionAggregateGrain.StateName);
        Assert.InRange(writes, 1, 5);

        // Older and equal versions again, in any order: ignored, so not written.
        var stale = first.SelectMany(t => new[] { t, t with { Version = 4 }, t with { Version = 1 } }).Reverse().ToList();
        foreach (var t in stale.Take(30)) await region.Publish(t.AsImmutable());
        await Task.WhenAll(stale.Skip(30).Select(t => region.Publish(t.AsImmutable())));
        Assert.Equal(writes, await AggregateStorage.Writes(fixture, region, RegionAggregateGrain.StateName));

        // Acknowledged means stored: a fresh activation has every location.
        await fixture.Cluster.DeactivateAsync(region);
        var view = (await region.GetView()).Value;
        Assert.Equal(60, view.Locations.Count);
        Assert.Equal(Enumerable.Range(0, 60).Sum(i => (long)i), view.Rows.Single(r => r.Subject == CoverageSubject.Item).OnHand);
    }

    [Fact]
    public async Task A_fresh_activation_reads_every_location_as_last_stored_when_writes_reused_earlier_encodings()
    {
        var region = NewRegion(out var code);
        // 20 locations at once, then new versions of a few while the others stay: later writes copy the others' bytes.
        var first = Enumerable.Range(0, 20).Select(i => Totals(code, $"{code}-loc-{i:D2}", 1, ("ppe:x", "g", i, i, 1))).ToList();
        await Task.WhenAll(first.Select(t => region.Publish(t.AsImmutable())));
        var second = first.Where((_, i) => i % 5 == 0).Select(t => t with { Version = 2, Items = [t.Items[0] with { OnHand = 1_000 }] }).ToList();
        await Task.WhenAll(second.Select(t => region.Publish(t.AsImmutable())));
        await region.Publish(first[3].AsImmutable()); // an older version again: nothing changes
        var before = (await region.GetView()).Value;

        await fixture.Cluster.DeactivateAsync(region);
        var after = (await region.GetView()).Value;

        Assert.Equal(20, after.Locations.Count);
        Assert.Equal(before.Locations.Select(l => (l.LocationId, l.Version, l.Items.Single().OnHand)),
            after.Locations.Select(l => (l.LocationId, l.Version, l.Items.Single().OnHand)));
        Assert.Equal(Flat(code, before.Rows), Flat(code, after.Rows));
        Assert.Equal(4 * 1_000 + Enumerable.Range(0, 20).Where(i => i % 5 != 0).Sum(i => (long)i),
            after.Rows.Single(r => r.Subject == CoverageSubject.Item).OnHand);
    }

    [Fact]
    public async Task A_region_state_stored_before_locations_were_encoded_is_still_read()
    {
        var region = NewRegion(out var code);
        var old = new RegionAggregateState { Version = 9 };
        foreach (var t in new[] { Totals(code, "a", 3, ("ppe:x", "", 5, 5, 1)), Totals(code, "b", 4, ("ppe:x", "", 7, 7, 1)) })
            old.Locations[t.LocationId] = t;
        await AggregateStorage.Store(fixture, region, RegionAggregateGrain.StateName, old);

        var view = (await region.GetView()).Value;

        Assert.Equal([("a", 3L), ("b", 4L)], view.Locations.Select(l => (l.LocationId, l.Version)));
        Assert.Equal(12, view.Rows.Single(r => r.Subject == CoverageSubject.Item).OnHand);
        // Its next write stores the new form, which reads back the same.
        await region.Publish(Totals(code, "c", 1, ("ppe:x", "", 1, 1, 1)).AsImmutable());
        await fixture.Cluster.DeactivateAsync(region);
        Assert.Equal(["a", "b", "c"], (await region.GetView()).Value.Locations.Select(l => l.LocationId));
    }

    [Fact]
    public async Task A_location_row_left_over_from_an_unfinished_write_is_written_over_and_a_forgotten_location_stays_gone()
    {
        var region = NewRegion(out var code);
        // A row stored for "a" whose region state never named it (a crash between the two writes).
        await AggregateStorage.Store(fixture, region, $"{RegionAggregateGrain.StateName}/a",
            new RegionLocationRow { Totals = Totals(code, "a", 1, ("ppe:x", "", 99, 99, 1)) });
        Assert.Empty((await region.GetView()).Value.Locations); // not named, not read

        await region.Publish(Totals(code, "a", 2, ("ppe:x", "", 5, 5, 1)).AsImmutable());
        await region.Publish(Totals(code, "b", 1, ("ppe:x", "", 7, 7, 1)).AsImmutable());
        await region.Forget("b", 1, new DateOnly(2025, 3, 14));
        await region.Flush();

        await fixture.Cluster.DeactivateAsync(region);
        var view = (await region.GetView()).Value;
        Assert.Equal([("a", 2L)], view.Locations.Select(l => (l.LocationId, l.Version)));
        Assert.Equal(5, view.Rows.Single(r => r.Subject == CoverageSubject.Item).OnHand);
    }

    [Fact]
    public void The_same_version_computed_for_a_later_date_refreshes_usable_stock_but_an_earlier_date_does_not()
    {
        var held = new Dictionary<string, LocationTotals>();
        var today = Totals("r", "l", 7, ("ppe:x", "", 10, 10, 1));
        var tomorrow = today with { UsableOn = today.UsableOn.AddDays(1), Items = [today.Items[0] with { Usable = 4 }] };

        Assert.True(Aggregates.Accept(held, today));
        Assert.False(Aggregates.Accept(held, today));
        Assert.True(Aggregates.Accept(held, tomorrow));
        Assert.False(Aggregates.Accept(held, today));
        Assert.False(Aggregates.Accept(held, Totals("r", "l", 6, ("ppe:x", "", 99, 99, 1)) with { UsableOn = tomorrow.UsableOn.AddDays(5) }));
        Assert.Equal(4, held["l"].Items.Single().Usable);
    }

    // ---- properties ------------------------------------------------------------------------

    /// <summary>Locations with several versions each; deliveries drop, repeat and shuffle them, but always deliver each newest one.</summary>
    public sealed record Case(LocationTotals[] Newest, LocationTotals[] Deliveries);

    private static Gen<Case> GenCase(string region) =>
        from locations in Gen.Int[1, 5]
        from versions in Gen.Int[1, 5].Array[locations]
        from figures in Gen.Long[0, 1000].Array[locations * 5 * 2]
        from copies in Gen.Int[0, 3].Array[locations * 5]
        let all = Enumerable.Range(0, locations).Select(l => Enumerable.Range(1, versions[l]).Select(v =>
            Totals(region, $"{region}-loc-{l}", v,
                ("ppe:p", "grp", figures[(l * 5 + v - 1) * 2], figures[(l * 5 + v - 1) * 2] / 3, v),
                ("ppe:q", "grp", figures[(l * 5 + v - 1) * 2 + 1], figures[(l * 5 + v - 1) * 2 + 1], 0.5))).ToArray()).ToArray()
        let newest = all.Select(vs => vs[^1]).ToArray()
        let delivered = all.SelectMany((vs, l) => vs.SelectMany((t, i) =>
            Enumerable.Repeat(t, i == vs.Length - 1 ? Math.Max(1, copies[l * 5 + i]) : copies[l * 5 + i]))).ToArray()
        from order in Gen.Shuffle(delivered)
        select new Case(newest, order);

    private static string Describe(Case c) =>
        "newest: " + string.Join(" ", c.Newest.Select(t => $"{t.LocationId}@{t.Version}")) +
        "\n  delivered: " + string.Join(" ", c.Deliveries.Select(t => $"{t.LocationId}@{t.Version}"));

    [Fact]
    public void Property_any_delivery_of_the_publications_keeps_exactly_the_newest_version_of_each_location()
    {
        for (var i = 0; i < DomainCases; i++)
        {
            GenCase("r").Sample(c =>
            {
                var held = new Dictionary<string, LocationTotals>();
                foreach (var d in c.Deliveries) Aggregates.Accept(held, d);
                Assert.Equal(c.Newest.Select(t => (t.LocationId, t.Version)), held.Values.OrderBy(t => t.LocationId, StringComparer.Ordinal).Select(t => (t.LocationId, t.Version)));
                Assert.Equal(Aggregates.Rows(c.Newest), Aggregates.Rows(held.Values));
            }, seed: Seed(i, 11), iter: 1, threads: 1, print: Describe);
        }
    }

    [Fact]
    public async Task Property_a_region_grain_converges_to_the_newest_versions_whatever_the_delivery()
    {
        for (var i = 0; i < GrainCases; i++)
        {
            var region = NewRegion(out var code);
            await GenCase(code).SampleAsync(async c =>
            {
                // Sent all at once in the shuffled order: they arrive interleaved, as messages from many locations do.
                await Task.WhenAll(c.Deliveries.Select(d => region.Publish(d.AsImmutable())));
                var view = (await region.GetView()).Value;
                Assert.Equal(c.Newest.Select(t => (t.LocationId, t.Version)), view.Locations.Select(t => (t.LocationId, t.Version)));
                Assert.Equal(Flat(code, Aggregates.Rows(c.Newest)), Flat(code, view.Rows));
                // Hand-summed, not through the code under test: item p's on hand is the sum of the newest versions'.
                Assert.Equal(c.Newest.Sum(t => t.Items[0].OnHand), view.Rows.Single(r => r.Subject == CoverageSubject.Item && r.Key == "ppe:p").OnHand);
            }, seed: Seed(i, 23), iter: 1, threads: 1, print: Describe);
        }
    }

    private static string Seed(int i, ulong salt) => new PCG((uint)i, salt * 1_000_003UL + (ulong)i * 7919UL + 17UL).ToString();
}
