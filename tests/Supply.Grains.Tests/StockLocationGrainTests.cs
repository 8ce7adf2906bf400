using Orleans.Concurrency;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;

namespace Supply.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StockLocationGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private const string Insulin = "npl:20050101000017";
    private const string Gloves = "ppe:nitrile-gloves";

    private ICatalogGrain Catalog => fixture.Grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden);

    private async Task<string> NewLocation(string region = "12")
    {
        var id = $"se-{region}-test-{Guid.NewGuid():N}";
        await Catalog.RegisterItems(((IReadOnlyList<Item>)
        [
            new Item(Insulin, "Insulin 100 E/ml", ItemCategory.Medicine, "ml", 10, "A10AB-100", Criticality.LifeSaving),
            new Item(Gloves, "Nitrilhandskar", ItemCategory.Ppe, "piece", 200, "", Criticality.Standard),
        ]).AsImmutable());
        var change = await Catalog.RegisterLocations(((IReadOnlyList<Location>)[new Location(id, "Testsjukhus", LocationKind.Hospital, region, "")]).AsImmutable());
        Assert.NotNull(change.Result);
        return id;
    }

    private static StockReport Snapshot(string loc, string id, DateTimeOffset asOf, string item, long onHand) =>
        new(id, loc, asOf, ReportKind.Snapshot, [new SnapshotLine(item, onHand, 0, 0, [], 3)], []);

    private static StockReport Consumed(string loc, string id, DateTimeOffset asOf, string item, long quantity) =>
        new(id, loc, asOf, ReportKind.Movements, [], [new MovementLine(item, MovementType.Consumed, quantity, "", "", "", "")]);

    [Fact]
    public async Task Stock_survives_deactivation_because_it_is_stored_before_the_ack()
    {
        var loc = await NewLocation();
        var grain = fixture.Grains.GetGrain<IStockLocationGrain>(loc);
        var ack = (await grain.Submit(Snapshot(loc, "s1", Now.AddHours(-2), Insulin, 400).AsImmutable())).Value;
        await grain.Submit(Consumed(loc, "m1", Now.AddHours(-1), Insulin, 40).AsImmutable());
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);

        await fixture.Cluster.DeactivateAsync(grain);

        var view = (await grain.GetStock(null)).Value;
        Assert.Equal(2, view.Version);
        Assert.Equal(360, view.Items.Single().OnHand);
        var resent = (await grain.Submit(Consumed(loc, "m1", Now.AddHours(-1), Insulin, 40).AsImmutable())).Value;
        Assert.True(resent.Duplicate);
        Assert.Equal(360, (await grain.GetStock(Insulin)).Value.Items.Single().OnHand);
    }

    [Fact]
    public async Task A_refused_report_changes_nothing_and_names_the_field()
    {
        var loc = await NewLocation();
        var grain = fixture.Grains.GetGrain<IStockLocationGrain>(loc);
        await grain.Submit(Snapshot(loc, "s1", Now.AddHours(-2), Gloves, 5000).AsImmutable());

        var ack = (await grain.Submit(Snapshot(loc, "s2", Now.AddHours(-1), Gloves, -1).AsImmutable())).Value;

        Assert.Equal(ReportOutcome.Rejected, ack.Outcome);
        Assert.Equal("snapshot.lines[0].on_hand", ack.Violations.Single().Field);
        var view = (await grain.GetStock(null)).Value;
        Assert.Equal((1L, 5000L), (view.Version, view.Items.Single().OnHand));
    }

    [Fact]
    public async Task An_item_registered_after_the_silo_cached_the_catalog_is_accepted_at_once()
    {
        var loc = await NewLocation();
        var grain = fixture.Grains.GetGrain<IStockLocationGrain>(loc);
        await grain.Submit(Snapshot(loc, "warm-up", Now.AddHours(-3), Gloves, 1).AsImmutable()); // the silo's cache is loaded now

        var fresh = "vnr:" + Random.Shared.Next(100000, 999999).ToString();
        await Catalog.RegisterItems(((IReadOnlyList<Item>)[new Item(fresh, "Ny artikel", ItemCategory.Equipment, "piece", 1, "", Criticality.Important)]).AsImmutable());
        var ack = (await grain.Submit(Snapshot(loc, "new-item", Now.AddHours(-1), fresh, 12).AsImmutable())).Value;

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
    }

    [Fact]
    public async Task Reports_to_many_locations_in_parallel_are_all_kept()
    {
        var locs = new List<string>();
        for (var i = 0; i < 20; i++) locs.Add(await NewLocation(i % 2 == 0 ? "01" : "14"));
        var submissions = locs.SelectMany(loc => Enumerable.Range(0, 10).Select(r =>
            fixture.Grains.GetGrain<IStockLocationGrain>(loc).Submit(Consumed(loc, $"m{r}", Now.AddMinutes(-30 + r), Gloves, 1 + r).AsImmutable())));
        var acks = await Task.WhenAll(submissions);
        Assert.All(acks, a => Assert.Equal(ReportOutcome.Applied, a.Value.Outcome));

        foreach (var loc in locs)
        {
            var grain = fixture.Grains.GetGrain<IStockLocationGrain>(loc);
            await fixture.Cluster.DeactivateAsync(grain);
            var line = (await grain.GetStock(Gloves)).Value.Items.Single();
            // No snapshot: 55 consumed from nothing is a discrepancy of 55 and zero on hand.
            Assert.Equal((0L, 55L), (line.OnHand, line.Discrepancy));
            Assert.Equal(10, (await grain.GetHistory(100)).Value.Count);
        }
    }

    [Fact]
    public async Task The_catalog_keeps_its_entries_across_deactivation_and_refuses_bad_ones_whole()
    {
        var loc = await NewLocation("25");
        await fixture.Cluster.DeactivateAsync(Catalog);
        var book = (await Catalog.GetCatalog()).Value;
        Assert.True(book.TryGetLocation(loc, out var location));
        Assert.Equal("25", location.RegionCode);

        var version = await Catalog.GetVersion();
        var change = await Catalog.RegisterItems(((IReadOnlyList<Item>)
        [
            new Item("ppe:visir", "Visir", ItemCategory.Ppe, "piece", 1, "", Criticality.Standard),
            new Item("ppe:Bad Id", "Trasig", ItemCategory.Ppe, "piece", 1, "", Criticality.Standard),
        ]).AsImmutable());
        Assert.Null(change.Result);
        Assert.Equal("items[1].id", change.Violations.Single().Field);
        Assert.Equal(version, await Catalog.GetVersion());
    }
}
