using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Domain.Shortages;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>Projections through the aggregation path location → region → nation (docs/projection.md#rollup).</summary>
public class ProjectionAggregateTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime); // 2025-03-01, a Saturday

    private static (LocationLedger Halland, LocationLedger Stockholm) Ledgers()
    {
        var catalog = NewCatalog();
        var halland = Ledger();
        // 120 on hand, 100 of them in a lot that may not be used from Monday 2025-03-10; 5 a day over four weeks.
        halland.Apply(Snapshot("h1", Now.AddHours(-1), Line(Vnr, 120, adc: 5, lots: LotIn("L1", "2025-03-10", 100)) with { ConsumptionPeriodDays = 28 }),
            catalog, Now);
        var stockholm = Ledger(OtherLoc);
        stockholm.Apply(new StockReport("s1", OtherLoc, Now.AddHours(-1), ReportKind.Snapshot, [Line(Vnr, 50, adc: 5)], []), catalog, Now);
        // Consumed 4, 5, 6 on the three days before (movements), then 5 on the snapshot's day (no period: that day alone).
        for (var k = 1; k <= 3; k++)
            stockholm.Apply(new StockReport($"m{k}", OtherLoc, Now.AddDays(-k).AddHours(-2), ReportKind.Movements, [],
                [Move(Vnr, MovementType.Consumed, 7 - k)]), catalog, Now);
        return (halland, stockholm);
    }

    private static IReadOnlyList<RegionTotals> National(params LocationLedger[] ledgers)
    {
        var catalog = NewCatalog();
        return ledgers.Select(l => Aggregates.TotalsOf(l, catalog, Today)!)
            .GroupBy(t => t.RegionCode)
            .Select(g => Aggregates.RegionTotalsOf(g.Key, 1, g))
            .ToList();
    }

    [Fact]
    public void Worked_example_the_national_projection_walks_the_summed_stock_with_expiry()
    {
        var (halland, stockholm) = Ledgers();

        var row = Assert.Single(AggregateProjection.Rows(National(halland, stockholm), CoverageLevel.Nation, CoverageSubject.Item,
            ProjectionFilter.All, Today));

        // docs/projection.md#rollup: 10 a day; days 0-8 take 90 of the lot, 10 expire on 2025-03-10, then 20 + 50 without a lot last 7 days.
        Assert.Equal(("SE", Vnr, 10.0), (row.Area, row.Key, row.DailyConsumption));
        Assert.Equal(new DateOnly(2025, 3, 17), row.AtCurrent.StockoutOn);
        Assert.Equal(16, row.AtCurrent.DaysOfSupply);
        Assert.Equal(10, row.AtCurrent.WastedToExpiry);
        Assert.Equal(2, row.Locations);
    }

    [Fact]
    public void The_national_trend_is_the_sum_of_the_locations_trends()
    {
        var (halland, stockholm) = Ledgers();
        var expected = TrendState.Of(halland.Items[Vnr].History, Today) + TrendState.Of(stockholm.Items[Vnr].History, Today);

        var row = Assert.Single(AggregateProjection.Rows(National(halland, stockholm), CoverageLevel.Nation, CoverageSubject.Item,
            ProjectionFilter.All, Today));

        Assert.Equal(expected.Level, row.Trend.Level, 9);
        Assert.Equal(expected.Slope, row.Trend.Slope, 9);
        Assert.Equal(expected.Observations, row.Trend.Observations);
        Assert.True(row.Trend.Slope > 0, "consumption at Stockholm rises");
        Assert.Equal(28 + 4, row.Trend.Observations28); // four weeks reported at Halland, four days at Stockholm
        Assert.Equal(expected.Forecast(1), row.Trending.PerDay, 9);
        Assert.NotNull(row.AtTrend.StockoutOn);
    }

    [Fact]
    public void Location_rows_come_from_the_published_totals()
    {
        var (halland, stockholm) = Ledgers();
        var catalog = NewCatalog();
        var rows = AggregateProjection.FromLocations([Aggregates.TotalsOf(halland, catalog, Today)!, Aggregates.TotalsOf(stockholm, catalog, Today)!],
            CoverageSubject.Item, ProjectionFilter.All, Today);

        Assert.Equal([OtherLoc, Loc], rows.Select(r => r.Area));
        // Stockholm alone: 50 units at 5 a day.
        Assert.Equal(10, rows[0].AtCurrent.DaysOfSupply);
        // Halland alone: 5 a day; 45 of the lot used by 2025-03-10, 55 wasted, then 20 without a lot: 9 + 4 = 13 days.
        Assert.Equal((13, 55L), (rows[1].AtCurrent.DaysOfSupply, rows[1].AtCurrent.WastedToExpiry));
        Assert.Equal(5.0, rows[1].Trend.Level, 5);
        Assert.Equal(28, rows[1].Trend.Observations28);
    }

    private const string Supplier = "se-13.grossist";

    /// <summary>
    /// Halland: a hospital with 50 of Vnr in a lot expiring 2025-03-20 at 10 a day, a supplier (same region) with 100, 60 of them in a
    /// lot expiring 2025-04-20 (first expiry first out: the hospital's lot goes first).
    /// </summary>
    private static (CatalogBook Catalog, LocationLedger Hospital, LocationLedger Supplier) WithSupplier()
    {
        var catalog = NewCatalog();
        catalog.RegisterLocations([Location(Supplier, "Grossist", LocationKind.Supplier)]);
        var hospital = Ledger();
        hospital.Apply(Snapshot("h1", Now.AddHours(-1), Line(Vnr, 50, adc: 10, lots: LotIn("H1", "2025-03-20", 50))), catalog, Now);
        var supplier = Ledger(Supplier);
        supplier.Apply(new StockReport("s1", Supplier, Now.AddHours(-1), ReportKind.Snapshot, [Line(Vnr, 100, lots: LotIn("G1", "2025-04-20", 60))], []),
            catalog, Now);
        return (catalog, hospital, supplier);
    }

    private static ShortageNotice Notice(double? factor, string to = "2025-03-31") =>
        new("n1", Vnr, Today, Date(to), "lakemedelsverket", "", factor, null, [], "", Now);

    [Fact]
    public void A_suppliers_line_under_a_notice_is_split_off_the_summed_row_and_capped()
    {
        var (catalog, hospital, supplier) = WithSupplier();
        var totals = new[] { Aggregates.TotalsOf(hospital, catalog, Today)!, Aggregates.TotalsOf(supplier, catalog, Today)! };
        var regions = new[] { Aggregates.RegionTotalsOf("13", 1, totals) };
        ProjectionRow Region(params ShortageNotice[] notices) => Assert.Single(AggregateProjection.Rows(regions, CoverageLevel.Region,
            CoverageSubject.Item, ProjectionFilter.All, Today, AggregateProjection.NoticedLines([totals[1]], notices)));

        // The worked example of docs/projection.md#notices, through the aggregates: 15 days without, 5 with factor 0.05.
        Assert.Equal(15, Region().AtCurrent.DaysOfSupply);
        var capped = Region(Notice(0.05));
        Assert.Equal((new DateOnly(2025, 3, 6), 5), (capped.AtCurrent.StockoutOn, capped.AtCurrent.DaysOfSupply));
        Assert.Equal(150, capped.Usable); // usable stock is what is held; the notice changes when it can be used
        // A factor of 1 caps nothing: the stock walked apart lasts exactly as the summed stock did.
        Assert.Equal(Region().AtCurrent, Region(Notice(1)).AtCurrent);
        // Group rows and the nation are split the same way.
        var nation = Assert.Single(AggregateProjection.Rows(regions, CoverageLevel.Nation, CoverageSubject.SubstitutionGroup,
            ProjectionFilter.All, Today, AggregateProjection.NoticedLines([totals[1]], [Notice(0.05)])));
        Assert.Equal(5, nation.AtCurrent.DaysOfSupply);
        // Location rows: the supplier's own row walks its stock under the notice (it consumes nothing: never runs out).
        var locations = AggregateProjection.FromLocations(totals, CoverageSubject.Item, ProjectionFilter.All, Today,
            AggregateProjection.NoticedLines([totals[1]], [Notice(0.05)]));
        Assert.Equal([Supplier, Loc], locations.Select(r => r.Area));
        Assert.Null(locations[0].AtCurrent.StockoutOn);
        Assert.Equal(5, locations[1].AtCurrent.DaysOfSupply); // the hospital alone: 50 at 10 a day
    }

    [Fact]
    public void Notices_bind_only_their_item_and_the_supplier_they_name()
    {
        var (catalog, _, supplier) = WithSupplier();
        var totals = Aggregates.TotalsOf(supplier, catalog, Today)!;
        var other = Notice(0.05) with { ItemId = Npl };
        var named = Notice(0.05) with { Id = "n2", SupplierLocationId = "se-13.another" };

        Assert.Empty(AggregateProjection.NoticedLines([totals], [other, named]));
        var line = Assert.Single(AggregateProjection.NoticedLines([totals], [Notice(0.05), other, named with { SupplierLocationId = Supplier }]));
        Assert.Equal((Supplier, Vnr, 2), (line.Supplier.LocationId, line.Item.ItemId, line.Notices.Count));
    }
}
