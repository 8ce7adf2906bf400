using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Shortages;
using Supply.Domain.Stock;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;
using Supply.Grains.Shortages;
using Supply.Grains.Stock;
using Supply.Storage;
using Xunit.Abstractions;

namespace Supply.Grains.Tests;

/// <summary>
/// The stored size of each grain state at the sizes the service is built for, in the binary format the server
/// writes. It decided where cluster mode keeps each state (docs/cluster.md): an Azure table entity holds at most
/// 1 MB (Orleans' table provider refuses more), a blob has no such limit; every state here can pass 1 MB, so all
/// of them are blobs.
/// </summary>
public sealed class StateSizeTests(ITestOutputHelper output)
{
    /// <summary>What an Azure table entity holds.</summary>
    private const int TableEntityBytes = 1024 * 1024;

    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static readonly BinaryGrainStorageSerializer Serializer = new(DomainSerializer.Instance);

    private static int SizeOf<T>(T state) => Serializer.Serialize(state).ToMemory().Length;

    private static string ItemId(int i) => $"npl:{20_000_000_000_000 + i}";

    private static CatalogBook Catalog(int items, IEnumerable<string> locations)
    {
        var book = new CatalogBook();
        for (var i = 0; i < items; i++)
            book.Items[ItemId(i)] = new Item(ItemId(i), $"Item number {i} 10 mg tablet", ItemCategory.Medicine, "tablet", 100,
                i % 10 == 0 ? $"group-{i / 10}" : "", Criticality.Essential);
        foreach (var id in locations)
            book.Locations[id] = new Location(id, $"Location {id}", LocationKind.Hospital, id[3..5], "1280");
        return book;
    }

    /// <summary>A location that reported every item with <paramref name="lots"/> lots each, in one snapshot.</summary>
    private static LocationLedger Ledger(string location, int items, int lots, CatalogBook book)
    {
        var lines = Enumerable.Range(0, items).Select(i => new SnapshotLine(ItemId(i), 100L * lots, 3, 1,
            Enumerable.Range(0, lots).Select(l => new LotInput($"LOT{i:D6}-{l}", $"2027-{l % 12 + 1:D2}-28", 100)).ToList(), 4.5)).ToList();
        var ledger = new LocationLedger { LocationId = location };
        ledger.Apply(new StockReport("snapshot-1", location, Now.AddHours(-1), ReportKind.Snapshot, lines, []), book, Now);
        return ledger;
    }

    [Fact]
    public void Every_grain_state_can_outgrow_a_table_entity()
    {
        const int items = 20_000, lots = 3, locationsPerRegion = 30, itemsPerRegionLocation = 2_000;
        var regionLocations = Enumerable.Range(0, locationsPerRegion).Select(i => $"se-12-hosp-{i:D3}").ToList();
        var book = Catalog(items, regionLocations.Append("se-12-big"));

        var ledger = Ledger("se-12-big", items, lots, book);
        var ledgerBytes = SizeOf(new StockLocationState { Ledger = ledger });

        // A region of 30 locations with 2,000 items each, and the nation holding 21 such regions' totals.
        var small = Catalog(itemsPerRegionLocation, regionLocations);
        var region = new RegionAggregateState { Version = 1 };
        foreach (var id in regionLocations)
            region.Locations[id] = Aggregates.TotalsOf(Ledger(id, itemsPerRegionLocation, lots, small), small, DateOnly.FromDateTime(Now.UtcDateTime))!;
        var regionBytes = SizeOf(region);
        var regionRowBytes = SizeOf(new RegionLocationRow { Totals = region.Locations.Values.First() }); // what a write stores per location
        var regionTotals = Aggregates.RegionTotalsOf("12", 1, region.Locations.Values);
        var nation = new NationalAggregateState { Version = 1, StoredRegions = [] };
        foreach (var code in Regions.All.Select(r => r.Code))
            nation.StoredRegions.Add(new StoredRegionTotals(regionTotals with { RegionCode = code }));
        var nationBytes = SizeOf(nation);

        var catalogBytes = SizeOf(new CatalogState { Book = Catalog(items, Enumerable.Range(0, 2_000).Select(i => $"se-12-hosp-{i:D4}")) });

        // Shortage notices: never removed (a notice is replaced by id), so they only grow; 500 with a long reason here.
        var notices = new ShortageNoticesState();
        for (var i = 0; i < 500; i++)
            notices.Notices[$"notice-{i}"] = new ShortageNotice($"notice-{i}", ItemId(i), new DateOnly(2026, 12, 1), new DateOnly(2027, 3, 1),
                "supplier-feed:apoteket", new string('r', 200), 0.5, null, [ItemId(i + 1), ItemId(i + 2), ItemId(i + 3)], "se-00-supplier-a", Now);
        var noticesBytes = SizeOf(notices);

        output.WriteLine($"location ledger, {items:N0} items x {lots} lots:            {ledgerBytes,12:N0} bytes");
        output.WriteLine($"region aggregate, {locationsPerRegion} locations x {itemsPerRegionLocation:N0} items:     {regionBytes,12:N0} bytes");
        output.WriteLine($"  one location's row of it:                        {regionRowBytes,12:N0} bytes");
        output.WriteLine($"national aggregate, 21 such regions:                {nationBytes,12:N0} bytes");
        output.WriteLine($"catalog, {items:N0} items + 2,000 locations:            {catalogBytes,12:N0} bytes");
        output.WriteLine($"shortage notices, 500:                              {noticesBytes,12:N0} bytes");

        var noticesPerEntity = TableEntityBytes / (noticesBytes / 500);
        output.WriteLine($"shortage notices that fill a table entity:          {noticesPerEntity,12:N0}");

        // At these sizes a table entity could not hold them: blob storage it is.
        Assert.All(new[] { ledgerBytes, regionBytes, nationBytes, catalogBytes }, size => Assert.True(size > TableEntityBytes, $"{size} bytes"));
        // The notices would hit the limit after a few years of publishing (hundreds a year), and then every publication would fail.
        Assert.InRange(noticesPerEntity, 500, 5_000);
    }
}
