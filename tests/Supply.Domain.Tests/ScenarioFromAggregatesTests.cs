using CsCheck;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Demo;
using Supply.Domain.Scenarios;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.PropertyRunner;
using static Supply.Domain.Tests.ScenarioTestData;
using JsonText = System.Text.Json.JsonSerializer;

namespace Supply.Domain.Tests;

/// <summary>
/// A live scenario reads its stock from the region aggregates (what locations publish), not from every location:
/// the result must be the one computed from the locations' own stock.
/// </summary>
public class ScenarioFromAggregatesTests
{
    private static readonly DateTimeOffset DemoNow = new(2025, 3, 14, 8, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<(DemoData Demo, CatalogBook Catalog, List<LocationLedger> Ledgers)> Demo = new(() =>
    {
        var demo = DemoDataset.Create(DemoNow);
        var catalog = new CatalogBook();
        catalog.RegisterItems(demo.Items);
        catalog.RegisterLocations(demo.Locations);
        var ledgers = demo.Locations.ToDictionary(l => l.Id, l => new LocationLedger { LocationId = l.Id });
        foreach (var report in demo.Reports) ledgers[report.LocationId].Apply(report, catalog, demo.Now);
        return (demo, catalog, ledgers.Values.ToList());
    });

    private static string J<T>(T value) => JsonText.Serialize(value);

    private static string Docs(string relative) => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scenarios", relative));

    public static TheoryData<string, int> ExamplesAndPublicationOffsets()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "docs", "scenarios", "examples"), "*.yaml").Order(StringComparer.Ordinal))
            foreach (var offset in new[] { 0, -20, 40 }) // published on the start date, before it (lots expire meanwhile), after it
                data.Add(Path.GetFileName(file), offset);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplesAndPublicationOffsets))]
    public void Every_example_gives_the_same_result_from_the_region_aggregates_as_from_the_locations(string file, int publishedDaysFromStart)
    {
        var doc = ScenarioFile.Parse(Docs(Path.Combine("examples", file)));
        var (demo, catalog, ledgers) = Demo.Value;
        var scenario = doc.Scenario;

        var fromLocations = ScenarioEngine.Run(ScenarioInput.FromStock(scenario, demo.Locations, demo.Items, ledgers.Select(l => l.View()), doc.Reductions));

        // What each region aggregate holds: the published totals of its locations, usable computed on the publication date.
        var publishedOn = scenario.Start.AddDays(publishedDaysFromStart);
        var needed = ScenarioInput.ItemsNeeded(scenario, demo.Items);
        var query = new ScenarioStockQuery(scenario.Start, needed);
        var byRegion = ledgers.Select(l => Aggregates.TotalsOf(l, catalog, publishedOn)!).GroupBy(t => t.RegionCode);
        var stock = byRegion.SelectMany(region => Aggregates.ScenarioStockOf(region, query));
        var fromAggregates = ScenarioEngine.Run(ScenarioInput.FromUsable(scenario, demo.Locations, demo.Items, stock, doc.Reductions));
        // What the server does: one table per region aggregate, straight into columns.
        var tables = byRegion.Select(region => Aggregates.ScenarioStockTableOf(region.Key, region, query)).ToList();
        var tablesInput = ScenarioInput.FromTables(scenario, demo.Locations, demo.Items, tables, doc.Reductions);
        Assert.IsType<StockColumns>(tablesInput.Stock);
        var fromTables = ScenarioEngine.Run(tablesInput);

        Assert.True(fromLocations.Transfers.Count > 0, "the example should move stock");
        Assert.Equal(J(fromLocations.Totals), J(fromAggregates.Totals));
        Assert.Equal(J(fromLocations.Lines), J(fromAggregates.Lines));
        Assert.Equal(J(fromLocations.Transfers), J(fromAggregates.Transfers));
        // Only the items the scenario can touch are asked for; their ordinary-care lines are the same.
        Assert.Equal(J(fromLocations.Ordinary.Where(o => needed.Contains(o.ItemId)).ToList()), J(fromAggregates.Ordinary));
        Assert.Equal(J(fromAggregates), J(fromTables));
    }

    [Fact]
    public void Usable_stock_recomputed_from_published_expiries_equals_usable_stock_from_the_lots()
    {
        var (_, catalog, ledgers) = Demo.Value;
        var published = ledgers.Select(l => Aggregates.TotalsOf(l, catalog, DateOnly.FromDateTime(DemoNow.UtcDateTime))!).ToList();
        var lotted = 0;
        foreach (var days in new[] { -30, 0, 1, 45, 200, 800 })
        {
            var date = DateOnly.FromDateTime(DemoNow.UtcDateTime).AddDays(days);
            var expected = ledgers.Select(l => ScenarioStock.Of(l.View(), date)).OrderBy(s => s.LocationId, StringComparer.Ordinal).ToList();
            var actual = Aggregates.ScenarioStockOf(published, new ScenarioStockQuery(date, null));
            Assert.Equal(J(expected), J(actual));
            lotted = ledgers.Sum(l => l.CurrentStock().Count(s => s.Lots.Count > 0));
        }
        Assert.True(lotted > 0, "the demo data should hold lots");
    }

    [Fact]
    public void Stock_tables_give_the_same_input_as_per_location_stock_whatever_the_table_order()
    {
        var (demo, catalog, ledgers) = Demo.Value;
        var scenario = ScenarioFile.Parse(Docs(Path.Combine("examples", "major-trauma-stockholm.yaml"))).Scenario;
        var published = ledgers.Select(l => Aggregates.TotalsOf(l, catalog, scenario.Start)!).ToList();
        var query = new ScenarioStockQuery(scenario.Start, null);
        var expected = ScenarioInput.FromUsable(scenario, demo.Locations, demo.Items, Aggregates.ScenarioStockOf(published, query));
        var tables = published.GroupBy(t => t.RegionCode).Select(g => Aggregates.ScenarioStockTableOf(g.Key, g, query)).ToList();
        foreach (var order in new[] { tables, Enumerable.Reverse(tables).ToList() })
        {
            var actual = ScenarioInput.FromTables(scenario, demo.Locations, demo.Items, order);
            Assert.Empty(actual.Validate());
            Assert.Equal(Sorted(expected.Stock), Sorted(actual.Stock));
            Assert.Equal(expected.Ordinary.OrderBy(o => (o.RegionCode, o.ItemId)).ToList(), actual.Ordinary.OrderBy(o => (o.RegionCode, o.ItemId)).ToList());
            // As a list, columns read like any stock: the indexer and the enumeration agree.
            Assert.Equal(actual.Stock.ToList(), Enumerable.Range(0, actual.Stock.Count).Select(i => actual.Stock[i]).ToList());
        }

        static List<StockAvailable> Sorted(IEnumerable<StockAvailable> stock) =>
            stock.OrderBy(s => s.LocationId, StringComparer.Ordinal).ThenBy(s => s.ItemId, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void A_region_table_reads_each_location_by_its_own_item_ids_whatever_the_previous_location_held()
    {
        var day = new DateOnly(2025, 3, 14);
        LocationItemTotals I(string id, long usable, double daily) => new(id, "", usable, 0, 0, usable, usable, daily, 0, null, []);
        LocationTotals L(string id, params LocationItemTotals[] items) => new(id, "01", "Stockholm-Gotland", 1, null, null, day, items);
        // b repeats a's ids (its columns are a's), c holds them in the other order, d fewer, e the same count but other ids.
        var locations = new[]
        {
            L("a", I("npl:1", 1, 0.5), I("npl:2", 2, 1)), L("b", I("npl:1", 3, 0), I("npl:2", 4, 2)), L("c", I("npl:2", 5, 0), I("npl:1", 6, 3)),
            L("d", I("npl:2", 7, 1)), L("e", I("npl:3", 8, 1), I("npl:2", 9, 0)),
        };
        var query = new ScenarioStockQuery(day, ["npl:1", "npl:2"]);
        var table = Aggregates.ScenarioStockTableOf("01", locations, query);
        var expected = Aggregates.ScenarioStockOf(locations, query);
        Assert.Equal(["npl:1", "npl:2"], table.ItemIds);
        Assert.Equal(expected.Select(s => s.LocationId), table.LocationIds);
        for (var r = 0; r < expected.Count; r++)
            for (var c = 0; c < table.ItemIds.Length; c++)
            {
                var line = expected[r].Lines.SingleOrDefault(l => l.ItemId == table.ItemIds[c]);
                Assert.Equal((line.Usable, line.DailyConsumption), (table.Usable[r * 2 + c], table.DailyConsumption[r * 2 + c]));
            }
        Assert.Equal([1L, 2, 3, 4, 6, 5, 0, 7, 0, 9], table.Usable);
    }

    [Fact]
    public void A_location_in_two_tables_counts_once_from_its_current_region_and_unknown_locations_are_left_out()
    {
        var scenario = Scenario(3, 0, Profile(Use("npl:1", 1)), Hit("01", 1));
        Item item = new("npl:1", "x", ItemCategory.Medicine, "piece", 1, "", Criticality.Standard);
        Location L(string id, string region) => new(id, id, LocationKind.Hospital, region, "");
        var locations = new[] { L("a", "01"), L("b", "03") };
        // "a" moved from 03 to 01: region 03's aggregate still lists it with old figures; "gone" is no longer in the catalog.
        var tables = new List<ScenarioStockTable>
        {
            new("03", ["npl:1"], ["a", "b", "gone"], [99, 5, 7], [9, 1, 1]),
            new("01", ["npl:1"], ["a"], [10], [2]),
        };
        var input = ScenarioInput.FromTables(scenario, locations, [item], tables);
        Assert.Equal([new StockAvailable("a", "npl:1", 10), new StockAvailable("b", "npl:1", 5)], input.Stock.ToList());
        Assert.Equal([new OrdinaryConsumption("01", "npl:1", 2), new OrdinaryConsumption("03", "npl:1", 1)], input.Ordinary);
        Assert.Throws<ArgumentException>(() => ScenarioInput.FromTables(scenario, locations, [item], [new ScenarioStockTable("01", ["npl:1"], ["a"], [1, 2], [0])]));
    }

    [Fact]
    public void Stock_columns_refuse_what_would_break_the_engine_and_validation_names_unknown_ids()
    {
        Assert.Throws<ArgumentException>(() => new StockColumns(["b", "a"], ["npl:1"], [[0]], [[1]]));          // ids out of order
        Assert.Throws<ArgumentException>(() => new StockColumns(["a", "b"], ["npl:1"], [[1, 0]], [[1, 1]]));    // holders out of order
        Assert.Throws<ArgumentException>(() => new StockColumns(["a", "b"], ["npl:1"], [[0, 2]], [[1, 1]]));    // holder out of range
        Assert.Throws<ArgumentException>(() => new StockColumns(["a"], ["npl:1"], [[0]], [[0]]));               // not positive
        var scenario = Scenario(3, 0, Profile(Use("npl:1", 1)), Hit("01", 1));
        var input = new ScenarioInput(scenario, [new SourceLocation("a", "01", "Stockholm", LocationKind.Hospital)],
            new StockColumns(["a", "z"], ["bad id", "npl:1"], [[0], [0, 1]], [[1], [1, Limits.MaxQuantity + 1]]), [], [], []);
        var fields = input.Validate().Select(v => v.Field).ToList();
        Assert.Contains("stock.location", fields);
        Assert.Contains("stock.item", fields);
        Assert.Contains("stock.quantity", fields);
    }

    [Fact]
    public void Items_needed_are_the_named_items_and_every_item_of_the_named_groups()
    {
        Item I(string id, string group) => new(id, id, ItemCategory.Medicine, "piece", 1, group, Criticality.Standard);
        var items = new[] { I("npl:1", "g"), I("npl:2", "g"), I("npl:3", ""), I("npl:4", "h"), I("npl:5", "") };
        var scenario = Scenario(3, 0, Profile(Use("g", 1), Use("npl:5", 1)), Hit("01", 1));
        Assert.Equal(["npl:1", "npl:2", "npl:5"], ScenarioInput.ItemsNeeded(scenario, items).Order(StringComparer.Ordinal));
    }

    private static readonly Gen<Lot[]> GenLots =
        from count in Gen.Int[0, 6]
        from offsets in Gen.Int[-5, 30].Array[count]
        from quantities in Gen.Long[0, 40].Array[count]
        select offsets.Select((o, i) => new Lot($"L{(i * 7) % 10}{i}", new DateOnly(2025, 3, 1).AddDays(o), quantities[i])).ToArray();

    [Fact]
    public void Lots_expiring_the_same_day_count_as_one_whatever_their_numbers() =>
        ForAll(Gen.Select(GenLots, Gen.Long[0, 200], Gen.Long[0, 80], Gen.OneOf(0.0, 0.4, 3.0)), x =>
        {
            var (lots, onHand, reserved, rate) = x;
            var day = new DateOnly(2025, 3, 1);
            // Renumber in reverse and split every lot in two with the same expiry: nothing may change.
            var split = lots.Reverse().SelectMany((l, i) => new[] { new Lot($"Z{i}a", l.ExpiresOn, l.Quantity / 2), new Lot($"A{i}b", l.ExpiresOn, l.Quantity - l.Quantity / 2) })
                .ToArray();
            Assert.Equal(UsableStock.Of(onHand, reserved, 0, lots, rate, day), UsableStock.Of(onHand, reserved, 0, split, rate, day));
            Assert.Equal(UsableStock.Of(onHand, reserved, 0, lots, rate, day),
                UsableStock.Of(onHand, reserved, 0, ExpiringQuantity.Of(lots), rate, day));
            // Aggregates keep one entry per lot (with its number); merged per date they give the same split.
            var merged = lots.Where(l => l.Quantity > 0).GroupBy(l => l.ExpiresOn).OrderBy(g => g.Key)
                .Select(g => new ExpiringQuantity(g.Key, g.Sum(l => l.Quantity))).ToArray();
            Assert.Equal(UsableStock.Of(onHand, reserved, 0, merged, rate, day), UsableStock.Of(onHand, reserved, 0, ExpiringQuantity.Of(lots), rate, day));
            Assert.Equal(lots.Where(l => l.Quantity > 0).Select(l => l.LotNumber).Order(StringComparer.Ordinal),
                ExpiringQuantity.Of(lots).Select(e => e.LotNumber).Order(StringComparer.Ordinal));
        }, salt: 4711);
}
