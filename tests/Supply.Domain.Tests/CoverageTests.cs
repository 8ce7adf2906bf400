using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>Coverage math checked against figures worked out by hand (the comments show the working).</summary>
public class CoverageTests
{
    private static readonly DateOnly Day = new(2025, 3, 1);

    private static Lot L(string number, int daysFromDay, long quantity) => new(number, Day.AddDays(daysFromDay), quantity);

    private static ItemStock Stock(long onHand, long reserved, long quarantined, double adc, params Lot[] lots) =>
        new("vnr:123456", onHand, reserved, quarantined, Math.Max(0, onHand - reserved - quarantined), lots, adc, null, null, null, 0);

    // ---- usable stock -----------------------------------------------------------------------

    [Fact]
    public void Stock_that_expires_before_it_would_be_used_is_not_usable()
    {
        // Rate 2/day. A (5 days) 20: by then 10 used, 10 wasted. B (10 days) 10: capacity 20 - 10 used = 10, all used.
        // C (30 days) 50: capacity 60 - 20 = 40 used, 10 wasted. 15 without a lot never expire.
        var u = UsableStock.Of(Stock(95, 0, 0, 2, L("C", 30, 50), L("A", 5, 20), L("B", 10, 10)), Day);
        Assert.Equal(new UsableStock(95, 0, 0, 20, 75), u);
    }

    [Fact]
    public void Withheld_stock_comes_off_the_unlotted_remainder_then_the_latest_lots_and_expired_lots_are_excluded()
    {
        // Reserved 10 + quarantined 10 = 20 withheld: the 15 without a lot, then 5 of C (latest). X expires today: expired.
        // A: 10 used, 10 wasted; B: 10 used; C (45 left): capacity 60 - 20 = 40 used, 5 wasted.
        var u = UsableStock.Of(Stock(100, 10, 10, 2, L("A", 5, 20), L("B", 10, 10), L("C", 30, 50), L("X", 0, 5)), Day);
        Assert.Equal(new UsableStock(100, 20, 5, 15, 60), u);
        Assert.True(u.Usable <= 80); // available
    }

    [Fact]
    public void Without_consumption_only_expired_and_withheld_stock_is_excluded()
    {
        var u = UsableStock.Of(Stock(100, 3, 0, 0, L("A", 5, 20), L("X", -1, 5)), Day);
        Assert.Equal(new UsableStock(100, 3, 5, 0, 92), u);
    }

    [Fact]
    public void Lots_that_claim_more_than_on_hand_are_trimmed_earliest_first()
    {
        // On hand 10, lots 8 + 8: A trimmed to 2. Rate 1: A (5 days) 2 used, B (10 days) capacity 10 - 2 = 8 used.
        Assert.Equal(new UsableStock(10, 0, 0, 0, 10), UsableStock.Of(Stock(10, 0, 0, 1, L("A", 5, 8), L("B", 10, 8)), Day));
    }

    [Fact]
    public void Fractional_rates_count_whole_units_and_lots_with_the_same_expiry_share_the_capacity()
    {
        // 0.7 × 10 days = 7 (not 6.9999): lot of 10 has 3 wasted.
        Assert.Equal(7, UsableStock.Of(Stock(10, 0, 0, 0.7, L("A", 10, 10)), Day).Usable);
        // P and Q both expire in 4 days; rate 3: capacity 12 shared, 8 of 20 wasted.
        Assert.Equal(new UsableStock(20, 0, 0, 8, 12), UsableStock.Of(Stock(20, 0, 0, 3, L("Q", 4, 10), L("P", 4, 10)), Day));
    }

    [Fact]
    public void Usable_works_on_the_ledgers_own_stock_lines()
    {
        var catalog = NewCatalog();
        var ledger = Ledger();
        ledger.Apply(Snapshot("s", At(0), Line(Vnr, 100, reserved: 10, adc: 2, lots: [LotIn("A", "2025-03-06", 20), LotIn("B", "2026-01-01", 30)])),
            catalog, Now);
        // Withheld 10 of the 50 without a lot. A (5 days from 2025-03-01): 10 used, 10 wasted. B: all used. 40 unlotted.
        var u = UsableStock.Of(ledger.CurrentStock(Vnr)!, Day);
        Assert.Equal(new UsableStock(100, 10, 0, 10, 80), u);
        // A caller may project with another rate (say, one adjusted for stock-outs): 4/day uses all of A.
        Assert.Equal(90, UsableStock.Of(ledger.CurrentStock(Vnr)!, Day, dailyConsumption: 4).Usable);
    }

    // ---- daily consumption ------------------------------------------------------------------

    [Fact]
    public void Consumption_without_stockout_is_taken_as_reported()
    {
        Assert.Equal(new DailyConsumption(10, 300, ConsumptionBasis.Reported), Consumption.Daily(new ConsumptionPeriod(300, 30)));
    }

    [Fact]
    public void Consumption_is_scaled_up_for_stockout_days()
    {
        // 200 × 30 / (30 - 10) = 300 over the period: 10 a day.
        Assert.Equal(new DailyConsumption(10, 300, ConsumptionBasis.AdjustedForStockout), Consumption.Daily(new ConsumptionPeriod(200, 30, 10)));
        // One day in stock out of 7: 3 × 7 / 1 = 21.
        Assert.Equal(new DailyConsumption(3, 21, ConsumptionBasis.AdjustedForStockout), Consumption.Daily(new ConsumptionPeriod(3, 7, 6)));
    }

    [Fact]
    public void A_period_entirely_out_of_stock_uses_the_fallback_or_the_unadjusted_figure()
    {
        Assert.Equal(new DailyConsumption(7, 210, ConsumptionBasis.Fallback), Consumption.Daily(new ConsumptionPeriod(0, 30, 30), fallbackPerDay: 7));
        Assert.Equal(new DailyConsumption(0, 0, ConsumptionBasis.Unadjusted), Consumption.Daily(new ConsumptionPeriod(0, 30, 30)));
        // More stock-out days than the period (sloppy data): the same guard, not a division by a negative number.
        Assert.Equal(new DailyConsumption(0.4, 12, ConsumptionBasis.Unadjusted), Consumption.Daily(new ConsumptionPeriod(12, 30, 35)));
    }

    [Fact]
    public void Bad_consumption_periods_are_refused_naming_each_field()
    {
        var ex = Assert.Throws<DomainValidationException>(() => Consumption.Daily(new ConsumptionPeriod(-1, 0, -2), fallbackPerDay: double.NaN));
        Assert.Equal(["consumed", "period_days", "stockout_days", "fallback_per_day"], ex.Violations.Select(v => v.Field));
    }

    // ---- healthcare regions and staleness -----------------------------------------------------

    [Theory]
    [InlineData("01", "", "Stockholm-Gotland")]
    [InlineData("09", "0980", "Stockholm-Gotland")]
    [InlineData("12", "", "Södra")]
    [InlineData("13", "1380", "Södra")]     // Halmstad
    [InlineData("13", "1315", "Södra")]     // Hylte
    [InlineData("13", "1384", "Västra")]    // Kungsbacka
    [InlineData("13", "1383", "Västra")]    // Varberg
    [InlineData("13", "", "Södra|Västra")]  // unknown municipality: shown, not guessed
    [InlineData("13", "1399", "Södra|Västra")]
    [InlineData("25", "", "Norra")]
    public void Healthcare_region_of_a_location_comes_from_its_region_or_in_Halland_its_municipality(string region, string municipality, string expected)
    {
        Assert.Equal(expected, HealthcareRegions.Of(Location("x", region: region, municipality: municipality)));
    }

    [Fact]
    public void There_are_six_healthcare_regions_and_Halland_belongs_to_two()
    {
        Assert.Equal(["Mellansverige", "Norra", "Stockholm-Gotland", "Sydöstra", "Södra", "Västra"], HealthcareRegions.All);
        Assert.Equal(["Södra", "Västra"], HealthcareRegions.OfRegion("13"));
        Assert.Throws<ArgumentException>(() => HealthcareRegions.OfRegion("02"));
    }

    [Fact]
    public void Locations_that_never_reported_or_reported_before_the_window_are_stale()
    {
        var window = TimeSpan.FromDays(2);
        var stale = Staleness.StaleLocations([
            new LocationReporting("fresh", Now.AddDays(-1)),
            new LocationReporting("edge", Now.AddDays(-2)),       // exactly the window: still fresh
            new LocationReporting("old", Now.AddDays(-2).AddSeconds(-1)),
            new LocationReporting("never", null),
        ], window, Now);
        Assert.Equal(["never", "old"], stale);
    }

    [Fact]
    public void Fresh_data_stays_fresh_until_the_earliest_as_of_plus_the_window()
    {
        var window = TimeSpan.FromDays(2);
        DateTimeOffset?[] asOfs = [Now.AddHours(-1), Now.AddDays(-1), Now.AddDays(-5), null];
        var until = Staleness.FreshUntil(asOfs, window, Now);
        Assert.Equal(Now.AddDays(1), until); // the one reported a day ago turns stale first; the stale ones do not count
        Assert.DoesNotContain(asOfs, a => !Staleness.IsStale(a, window, Now) && Staleness.IsStale(a, window, until!.Value));
        Assert.Contains(asOfs, a => !Staleness.IsStale(a, window, Now) && Staleness.IsStale(a, window, until!.Value.AddTicks(1)));
        Assert.Null(Staleness.FreshUntil([Now.AddDays(-3), null], window, Now));
    }

    [Fact]
    public void Stale_locations_can_be_read_from_location_views()
    {
        var views = new[]
        {
            new LocationStockView("b", 1, Now, Now.AddDays(-10), 1, []),
            new LocationStockView("a", 1, Now, Now.AddHours(-1), 1, []),
        };
        Assert.Equal(["b"], Staleness.StaleLocations(views, TimeSpan.FromDays(3), Now));
    }

    // ---- figures, groups and levels ----------------------------------------------------------

    private static readonly Item X = Item("vnr:100001", group: "G");
    private static readonly Item Y = Item("vnr:100002", group: "G");
    private static readonly Item Z = Item("vnr:100003");
    private static readonly Location Halmstad = Location("h-halmstad", region: "13", municipality: "1380");
    private static readonly Location Varberg = Location("h-varberg", region: "13", municipality: "1383");
    private static readonly Location Lund = Location("h-lund", region: "12");

    private static List<CoverageCell> Cells() =>
    [
        CoverageCell.Of(Halmstad, X, Stock(100, 0, 0, 10), Day, stale: false),
        CoverageCell.Of(Halmstad, Y, Stock(55, 5, 0, 5), Day, stale: false),       // usable 50
        CoverageCell.Of(Varberg, X, Stock(30, 0, 0, 3), Day, stale: true),
        CoverageCell.Of(Lund, Z, Stock(20, 0, 0, 0), Day, stale: false),
        CoverageCell.Of(Lund, X, Stock(0, 0, 0, 2), Day, stale: false),            // consumes but holds nothing
    ];

    private static string Show(IEnumerable<CoverageRow> rows) => string.Join("; ", rows.Select(r =>
        $"{r.Area} {r.Key}: {r.Figures.Usable}/{r.Figures.DailyConsumption} = {(r.Figures.DaysOfSupply is { } d ? d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "-")} d, stale {r.Figures.StaleShare:0.##}, {r.Locations} loc"));

    [Fact]
    public void Group_figures_count_the_stock_and_consumption_of_every_item_of_the_group()
    {
        var rows = CoverageRollup.Rows(Cells(), CoverageLevel.HealthcareRegion, CoverageSubject.SubstitutionGroup);
        // Södra: Halmstad X + Y (150 / 15) and Lund X (0 / 2): 150 / 17. Z has no group: a group of its own, no consumption.
        Assert.Equal("Södra G: 150/17 = 8.82 d, stale 0, 2 loc; Södra vnr:100003: 20/0 = - d, stale 0, 1 loc; Västra G: 30/3 = 10 d, stale 1, 1 loc",
            Show(rows));
    }

    [Fact]
    public void Item_figures_sum_across_locations_at_every_level()
    {
        Assert.Equal("12 vnr:100001: 0/2 = 0 d, stale 0, 1 loc; 12 vnr:100003: 20/0 = - d, stale 0, 1 loc; "
                     + "13 vnr:100001: 130/13 = 10 d, stale 0.23, 2 loc; 13 vnr:100002: 50/5 = 10 d, stale 0, 1 loc",
            Show(CoverageRollup.Rows(Cells(), CoverageLevel.Region, CoverageSubject.Item)));
        Assert.Equal("SE G: 180/20 = 9 d, stale 0.17, 3 loc; SE vnr:100003: 20/0 = - d, stale 0, 1 loc",
            Show(CoverageRollup.Rows(Cells(), CoverageLevel.Nation, CoverageSubject.SubstitutionGroup)));
        Assert.Equal("h-halmstad vnr:100001: 100/10 = 10 d, stale 0, 1 loc",
            Show(CoverageRollup.Rows(Cells(), CoverageLevel.Location, CoverageSubject.Item).Take(1)));
    }

    [Fact]
    public void Figures_add_up_and_say_nothing_about_days_without_consumption()
    {
        var sum = new CoverageFigures(100, 10, 0) + new CoverageFigures(50, 0, 50);
        Assert.Equal(new CoverageFigures(150, 10, 50), sum);
        Assert.Equal(15, sum.DaysOfSupply);
        Assert.Equal(1.0 / 3, sum.StaleShare, 12);
        Assert.Null(new CoverageFigures(10, 0, 0).DaysOfSupply);
        Assert.Equal(0, CoverageFigures.Zero.StaleShare);
        Assert.Equal(CoverageFigures.Zero, CoverageFigures.Sum([]));
    }

    // ---- shortfalls --------------------------------------------------------------------------

    private static CoverageRow Row(string area, string key, long usable, double consumption) =>
        new(CoverageLevel.Region, area, CoverageSubject.Item, key, new CoverageFigures(usable, consumption, 0), 1);

    [Fact]
    public void Shortfalls_list_rows_under_the_threshold_worst_first()
    {
        var rows = new[]
        {
            Row("01", "vnr:100001", 50, 10),   // 5 days, 20 units to 7 days
            Row("03", "vnr:100001", 20, 10),   // 2 days, 50 units
            Row("04", "vnr:100001", 40, 0),    // no consumption: never short
            Row("05", "vnr:100001", 40, 20),   // 2 days, 100 units: worse than 03 on the tie
            Row("06", "vnr:100002", 20, 10),   // 2 days, 50 units: same as 03, after it by area
            Row("07", "vnr:100001", 70, 10),   // 7 days: not under
            Row("08", "vnr:100001", 0, 1),     // 0 days: worst
        };
        var shortfalls = Shortfalls.Under(rows, 7);
        Assert.Equal(["08", "05", "03", "06", "01"], shortfalls.Select(s => s.Row.Area));
        Assert.Equal([7L, 100, 50, 50, 20], shortfalls.Select(s => s.UnitsToThreshold));
        Assert.Equal([0.0, 2, 2, 2, 5], shortfalls.Select(s => s.DaysOfSupply));
        Assert.Throws<DomainValidationException>(() => Shortfalls.Under(rows, -1));
    }
}
