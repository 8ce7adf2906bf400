using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Stock;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;

namespace Supply.Grains.Tests;

/// <summary>A row of the national (or region) totals, flattened so whole lists compare by value.</summary>
public sealed record FlatRow(
    string Region, string HealthcareRegion, CoverageSubject Subject, string Key, long OnHand, long Reserved, long Quarantined,
    long Available, long Usable, double DailyConsumption, int Locations, int LocationsWithDiscrepancy)
{
    public static IReadOnlyList<FlatRow> Of(NationalTotals national) =>
        Order(national.Regions.SelectMany(r => r.Rows.Select(x => Of(r.RegionCode, x))));

    public static FlatRow Of(string region, AggregateRow x) =>
        new(region, x.HealthcareRegion, x.Subject, x.Key, x.OnHand, x.Reserved, x.Quarantined, x.Available, x.Usable,
            x.DailyConsumption, x.Locations, x.LocationsWithDiscrepancy);

    public static IReadOnlyList<FlatRow> Order(IEnumerable<FlatRow> rows) =>
        rows.OrderBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.HealthcareRegion, StringComparer.Ordinal)
            .ThenBy(r => r.Subject).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
}

/// <summary>
/// Items and locations of one test (unique ids, so tests sharing the cluster never see each other's rows),
/// the reports sent to them, and the totals expected from the locations' own current stock.
/// </summary>
public sealed class AggregationScenario(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>This scenario's day (not the run's): lots are dated from it. Locations publish on their own day, this one or the next.</summary>
    public DateOnly Day { get; } = DateOnly.FromDateTime(DateTime.UtcNow);

    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    public string A => $"ppe:agg-{_s}-a";
    public string B => $"ppe:agg-{_s}-b";
    public string C => $"ppe:agg-{_s}-c";
    public string Group => $"agg-{_s}-group";

    public string L1 => $"se-03-agg-{_s}-1";
    public string L2 => $"se-03-agg-{_s}-2";
    public string L3 => $"se-24-agg-{_s}-1";
    public string L6 => $"se-24-agg-{_s}-2";
    public string L4 => $"se-13-agg-{_s}-1";
    public string L5 => $"se-13-agg-{_s}-2";

    public static readonly string[] Regions = ["03", "13", "24"];

    public IReadOnlyDictionary<string, Location> Locations { get; private set; } = new Dictionary<string, Location>();
    public IReadOnlyDictionary<string, Item> Items { get; private set; } = new Dictionary<string, Item>();

    public AggregateFilter Filter => new([], null, [A, B, C, Group]);

    private IGrainFactory Grains => fixture.Grains;
    public INationalAggregateGrain Nation => Grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
    public IRegionAggregateGrain Region(string code) => Grains.GetGrain<IRegionAggregateGrain>(code);

    public async Task Register()
    {
        var catalog = Grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden);
        IReadOnlyList<Item> items =
        [
            new Item(A, "Andningsskydd A", ItemCategory.Ppe, "piece", 20, Group, Criticality.Essential),
            new Item(B, "Andningsskydd B", ItemCategory.Ppe, "piece", 20, Group, Criticality.Essential),
            new Item(C, "Förkläde", ItemCategory.Ppe, "piece", 100, "", Criticality.Standard),
        ];
        IReadOnlyList<Location> locations =
        [
            new Location(L1, "Akademiska", LocationKind.Hospital, "03", ""),
            new Location(L2, "Hemtjänst Uppsala", LocationKind.MunicipalCare, "03", "0380"),
            new Location(L3, "Norrlands universitetssjukhus", LocationKind.Hospital, "24", ""),
            new Location(L6, "Apotek Umeå", LocationKind.Pharmacy, "24", "2480"),
            new Location(L4, "Hallands sjukhus Halmstad", LocationKind.Hospital, "13", "1380"),
            new Location(L5, "Hallands sjukhus Falkenberg", LocationKind.Hospital, "13", "1382"),
        ];
        Assert.NotNull((await catalog.RegisterItems(items.AsImmutable())).Result);
        Assert.NotNull((await catalog.RegisterLocations(locations.AsImmutable())).Result);
        Items = items.ToDictionary(i => i.Id);
        Locations = locations.ToDictionary(l => l.Id);
    }

    /// <summary>Snapshots at every location: lots (one expiring before it can be used up), reserved and quarantined stock, groups.</summary>
    public Task ReportSnapshots() => Submit(
        Snapshot(L1, "s1", Line(A, 100, 10, 5, 2, ("a-soon", 5, 30), ("a-late", 90, 50)), Line(B, 40, 0, 0, 1), Line(C, 500, 0, 0, 0)),
        Snapshot(L2, "s1", Line(A, 20, 0, 0, 0.5), Line(C, 7, 0, 0, 1)),
        Snapshot(L3, "s1", Line(B, 60, 0, 0, 4, ("b-soon", 3, 60)), Line(C, 100, 0, 0, 10)),
        Snapshot(L6, "s1", Line(C, 12, 0, 0, 0)),
        Snapshot(L4, "s1", Line(A, 30, 0, 0, 3)),
        Snapshot(L5, "s1", Line(A, 10, 0, 0, 3), Line(B, 5, 0, 0, 1)));

    /// <summary>Movements after the snapshots; L5 consumes more B than it had (a discrepancy, counted as zero).</summary>
    public Task ReportMovements() => Submit(
        Movements(L1, "m1", (A, MovementType.Consumed, 25)),
        Movements(L3, "m1", (C, MovementType.Received, 40)),
        Movements(L5, "m1", (B, MovementType.Consumed, 9)),
        Movements(L6, "m1", (C, MovementType.Consumed, 2)));

    public async Task Submit(params StockReport[] reports)
    {
        var acks = await Task.WhenAll(reports.Select(r => Grains.GetGrain<IStockLocationGrain>(r.LocationId).Submit(r.AsImmutable())));
        Assert.All(acks, a => Assert.Equal(ReportOutcome.Applied, a.Value.Outcome));
    }

    public static StockReport Snapshot(string location, string id, params SnapshotLine[] lines) =>
        new(id, location, Now.AddHours(-2), ReportKind.Snapshot, lines, []);

    public static StockReport Movements(string location, string id, params (string Item, MovementType Type, long Quantity)[] lines) =>
        new(id, location, Now.AddHours(-1), ReportKind.Movements, [],
            lines.Select(l => new MovementLine(l.Item, l.Type, l.Quantity, "", "", "", "")).ToList());

    private SnapshotLine Line(string item, long onHand, long reserved, long quarantined, double daily,
        params (string Lot, int ExpiresInDays, long Quantity)[] lots) =>
        new(item, onHand, reserved, quarantined,
            lots.Select(l => new LotInput(l.Lot, Day.AddDays(l.ExpiresInDays).ToString("yyyy-MM-dd"), l.Quantity)).ToList(), daily);

    /// <summary>The locations' current stock, straight from the location grains (the source of truth).</summary>
    public async Task<IReadOnlyList<LocationStockView>> Views() =>
        (await Task.WhenAll(Locations.Keys.Select(id => Grains.GetGrain<IStockLocationGrain>(id).GetStock(null)))).Select(v => v.Value).ToList();

    /// <summary>
    /// The day <paramref name="national"/> says a location computed its usable stock on (the day it published; this
    /// scenario's day while the nation does not hold it yet): the scenario's day, or the next if the run crossed midnight.
    /// </summary>
    public DateOnly DayOf(NationalTotals national, string locationId)
    {
        var day = national.Regions.SelectMany(r => r.Locations).FirstOrDefault(l => l.LocationId == locationId)?.UsableOn ?? Day;
        Assert.InRange(day.DayNumber, Day.DayNumber, Day.DayNumber + 1);
        return day;
    }

    /// <summary>
    /// What the national totals must be: computed here from the locations' stock with the domain's own coverage
    /// rules (UsableStock), independently of the aggregation code, each location's usable stock on the day it published
    /// as <paramref name="national"/> says (<see cref="DayOf"/>).
    /// </summary>
    public async Task<IReadOnlyList<FlatRow>> Expected(NationalTotals national)
    {
        var days = Locations.Keys.ToDictionary(id => id, id => DayOf(national, id));
        var lines = (await Views()).SelectMany(v => v.Items.Select(s => (Location: Locations[v.LocationId], Stock: s))).ToList();
        string GroupKey(string item) => Items[item].SubstitutionGroup is { Length: > 0 } g ? g : item;
        FlatRow Sum(string region, string hcr, CoverageSubject subject, string key, IEnumerable<(Location Location, ItemStock Stock)> g)
        {
            var list = g.ToList();
            return new FlatRow(region, hcr, subject, key, list.Sum(x => x.Stock.OnHand), list.Sum(x => x.Stock.Reserved),
                list.Sum(x => x.Stock.Quarantined), list.Sum(x => x.Stock.Available), list.Sum(x => UsableStock.Of(x.Stock, days[x.Location.Id]).Usable),
                list.Sum(x => Math.Max(0, x.Stock.AverageDailyConsumption)), list.Select(x => x.Location.Id).Distinct().Count(),
                list.Where(x => x.Stock.Discrepancy > 0).Select(x => x.Location.Id).Distinct().Count());
        }
        var items = lines.GroupBy(x => (x.Location.RegionCode, Hcr: HealthcareRegions.Of(x.Location), x.Stock.ItemId))
            .Select(g => Sum(g.Key.RegionCode, g.Key.Hcr, CoverageSubject.Item, g.Key.ItemId, g));
        var groups = lines.GroupBy(x => (x.Location.RegionCode, Hcr: HealthcareRegions.Of(x.Location), Key: GroupKey(x.Stock.ItemId)))
            .Select(g => Sum(g.Key.RegionCode, g.Key.Hcr, CoverageSubject.SubstitutionGroup, g.Key.Key, g));
        return FlatRow.Order(items.Concat(groups));
    }

    /// <summary>
    /// Coverage cells from the locations' stock, as the server builds them today (fan-out), for cross-checks: on the day
    /// each location published as <paramref name="national"/> says (<see cref="DayOf"/>).
    /// </summary>
    public async Task<IReadOnlyList<CoverageCell>> Cells(NationalTotals national) =>
        (await Views()).SelectMany(v => v.Items.Select(s =>
            CoverageCell.Of(Locations[v.LocationId], Items[s.ItemId], s, DayOf(national, v.LocationId), stale: false))).ToList();

    public async Task<NationalTotals> National() => (await Nation.GetTotals(Filter.AsImmutable())).Value;

    /// <summary>
    /// Polls the national totals until they equal what <see cref="Expected"/> makes of the locations' current stock, within
    /// a bounded time (expected anew at each poll: the days the locations published on are known only from the totals).
    /// </summary>
    public async Task<NationalTotals> Converge(TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var national = await National();
            var expected = await Expected(national);
            var actual = FlatRow.Of(national);
            if (actual.SequenceEqual(expected)) return national;
            if (DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, actual); // shows the difference
                return national;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>All catalog locations by region, as the server's admin RPC passes them to a rebuild.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CatalogLocationsByRegion()
    {
        var book = (await Grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden).GetCatalog()).Value;
        return Aggregates.LocationIdsByRegion(book.Locations.Values);
    }
}

public static class AggregateStorage
{
    /// <summary>
    /// Loses a grain's stored state for real: deactivates it, clears its row through the silo's own grain storage,
    /// and deactivates it again (in case something woke it up meanwhile), so its next activation starts empty.
    /// </summary>
    public static async Task Lose<TState>(ClusterFixture fixture, string stateName, params IAddressable[] grains) where TState : new()
    {
        foreach (var grain in grains) await fixture.Cluster.DeactivateAsync(grain);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        foreach (var grain in grains)
        {
            var state = new GrainState<TState>(new TState());
            await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
            await storage.ClearStateAsync(stateName, grain.GetGrainId(), state);
        }
        foreach (var grain in grains) await fixture.Cluster.DeactivateAsync(grain);
    }

    /// <summary>Stores <paramref name="state"/> as the grain's state, as an earlier build would have (the grain deactivated first and after).</summary>
    public static async Task Store<TState>(ClusterFixture fixture, IAddressable grain, string stateName, TState state) where TState : new()
    {
        await fixture.Cluster.DeactivateAsync(grain);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var stored = new GrainState<TState>(new TState());
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        stored.State = state;
        await storage.WriteStateAsync(stateName, grain.GetGrainId(), stored);
        await fixture.Cluster.DeactivateAsync(grain);
    }

    /// <summary>How many times a grain's state row has been written (the SQLite provider counts them in its version column).</summary>
    public static async Task<long> Writes(ClusterFixture fixture, IAddressable grain, string stateName)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fixture.DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE grain_id = $g AND state_name = $n";
        command.Parameters.AddWithValue("$g", grain.GetGrainId().ToString());
        command.Parameters.AddWithValue("$n", stateName);
        return await command.ExecuteScalarAsync() is long version ? version : 0;
    }
}
