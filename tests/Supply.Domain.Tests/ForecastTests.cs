using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Domain.Shortages;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>The hand-worked examples of docs/projection.md and docs/reports.md#consumption, one test each.</summary>
public class ForecastTests
{
    [Fact]
    public void Worked_example_the_stockout_adjustment_scales_reported_consumption_up()
    {
        // docs/reports.md#consumption: 10 a day on average over 30 days, 6 of them stocked out: 10 × 30 / 24 = 12.5 a day.
        var ledger = Ledger();
        ledger.Apply(Snapshot("s1", At(0), Line(Vnr, 250, adc: 10) with { ConsumptionPeriodDays = 30, StockoutDays = 6 }), NewCatalog(), Now);

        var stock = ledger.CurrentStock(Vnr)!;
        Assert.Equal(12.5, stock.AverageDailyConsumption);
        Assert.Equal(20, stock.DaysOfSupply); // 250 / 12.5, not 250 / 10
        Assert.Equal(new ConsumptionMeasure(10, 30, 6, ConsumptionBasis.AdjustedForStockout), stock.Measure);
    }

    [Theory]
    [InlineData(0, 0, 10.0, ConsumptionBasis.Reported)]      // period not said
    [InlineData(30, 0, 10.0, ConsumptionBasis.Reported)]     // no stock-out
    [InlineData(30, 30, 10.0, ConsumptionBasis.Unadjusted)]  // out the whole period: nothing to scale, a lower bound
    [InlineData(7, 1, 10.0 * 7 / 6, ConsumptionBasis.AdjustedForStockout)]
    public void The_adjustment_for_averages(int period, int stockout, double expected, ConsumptionBasis basis)
    {
        var daily = Consumption.AdjustAverage(10, period, stockout);
        Assert.Equal(expected, daily.PerDay, 12);
        Assert.Equal(basis, daily.Basis);
    }

    [Theory]
    [InlineData(30, 31, "snapshot.lines[0].stockout_days")]
    [InlineData(0, 2, "snapshot.lines[0].stockout_days")]
    [InlineData(30, -1, "snapshot.lines[0].stockout_days")]
    [InlineData(-1, 0, "snapshot.lines[0].consumption_period_days")]
    [InlineData(367, 0, "snapshot.lines[0].consumption_period_days")]
    public void Bad_periods_are_refused_naming_the_field_and_change_nothing(int period, int stockout, string field)
    {
        var ledger = Ledger();
        var before = Dump(ledger);
        var e = Assert.Throws<DomainValidationException>(() => ledger.Apply(
            Snapshot("s1", At(0), Line(Vnr, 250, adc: 10) with { ConsumptionPeriodDays = period, StockoutDays = stockout }), NewCatalog(), Now));
        Assert.Contains(e.Violations, v => v.Field == field);
        Assert.Equal(before, Dump(ledger));
    }

    [Fact]
    public void History_takes_reported_periods_newest_first_and_consumed_movements_where_no_period_covers()
    {
        var ledger = Ledger();
        var catalog = NewCatalog();
        var day = DateOnly.FromDateTime(At(0).UtcDateTime);
        ledger.Apply(Snapshot("old", At(0).AddDays(-3), Line(Vnr, 100, adc: 4) with { ConsumptionPeriodDays = 14 }), catalog, Now);
        ledger.Apply(Snapshot("new", At(0), Line(Vnr, 100, adc: 6) with { ConsumptionPeriodDays = 7, StockoutDays = 1 }), catalog, Now);
        ledger.Apply(Movements("m", At(0).AddDays(-12), Move(Vnr, MovementType.Consumed, 9)), catalog, Now);
        ledger.Apply(Movements("m2", At(0).AddDays(-20), Move(Vnr, MovementType.Consumed, 9), Move(Vnr, MovementType.Consumed, 3)), catalog, Now);

        var h = ledger.Items[Vnr].History!;
        Assert.Equal(7.0, h.On(day)!.Value, 5);                 // newest period: 6 × 7 / 6
        Assert.Equal(7.0, h.On(day.AddDays(-6))!.Value, 5);     // its first day; the older period covered it too
        Assert.Equal(4.0, h.On(day.AddDays(-7))!.Value, 5);     // only the older period covers it
        Assert.Equal(4.0, h.On(day.AddDays(-12))!.Value, 5);    // a period covers the movement's day: the period wins
        Assert.Equal(4.0, h.On(day.AddDays(-16))!.Value, 5);    // the older period's first day
        Assert.Null(h.On(day.AddDays(-17)));                    // nobody said: unknown, not zero
        Assert.Equal(12.0, h.On(day.AddDays(-20))!.Value);      // no period: the consumed sum
        Assert.Equal(day.DayNumber, h.EndDay);
    }

    [Fact]
    public void A_history_holds_only_the_days_it_has_at_most_a_year()
    {
        var h = new ConsumptionHistory();
        h.RecordReported(At(0), 0, 5);
        Assert.Equal(8, h.CellBytes); // one day: one cell
        for (var d = 1; d <= 500; d++) h.RecordReported(At(0).AddDays(-d), 28, 5);
        Assert.Equal(ConsumptionHistory.Days * 8, h.CellBytes); // never more than a year
        var day = DateOnly.FromDateTime(At(0).UtcDateTime);
        Assert.Equal(5.0, h.On(day.AddDays(-364)));
        Assert.Null(h.On(day.AddDays(-365)));                  // out of the window
        h.RecordConsumed(At(0).AddDays(30), 7);                 // a newer day moves the window on
        Assert.Null(h.On(day.AddDays(-335)));
        Assert.Equal(5.0, h.On(day.AddDays(-334)));
        Assert.Equal(7.0, h.On(day.AddDays(30)));
    }

    [Fact]
    public void Worked_example_holt_smoothing()
    {
        // docs/projection.md#trend: 10, 12, 14 → level 11.662, slope 0.1602, tomorrow 11.8222.
        var (level, slope, n) = TrendState.Holt([10, 12, 14]);
        Assert.Equal(11.662, level, 9);
        Assert.Equal(0.1602, slope, 9);
        Assert.Equal(3, n);
        Assert.Equal(11.8222, new TrendState(0, 0, 0, 0, level, slope, n).Forecast(1), 9);
        // A day without an observation carries the forecast on without correcting it.
        var (gapLevel, gapSlope, gapN) = TrendState.Holt([10, 12, double.NaN]);
        Assert.Equal(10.66, gapLevel, 9);
        Assert.Equal(0.06, gapSlope, 9);
        Assert.Equal(2, gapN);
    }

    [Fact]
    public void Worked_example_the_projection_with_expiry()
    {
        // docs/projection.md#walk: 30 units expiring 2025-03-05, 50 expiring 2025-04-01, 20 without a lot, 5 a day from 2025-03-01.
        var start = Date("2025-03-01");
        var stock = new ProjectionStock(start, [new(Date("2025-03-05"), 30), new(Date("2025-04-01"), 50)], 20);

        var result = StockoutProjection.Walk(stock, _ => 5);

        Assert.Equal(Date("2025-03-19"), result.StockoutOn);
        Assert.Equal(18, result.DaysOfSupply);
        Assert.Equal(10, result.WastedToExpiry);
        // The same 100 units without expiry last 20 days.
        var noExpiry = StockoutProjection.Walk(new ProjectionStock(start, [], 100), _ => 5);
        Assert.Equal(Date("2025-03-21"), noExpiry.StockoutOn);
        Assert.Equal(20, noExpiry.DaysOfSupply);
    }

    [Fact]
    public void Worked_example_a_shortage_notice_caps_what_a_supplier_releases()
    {
        // docs/projection.md#notices: from 2025-03-01, 50 at the hospitals (no lot), 100 at supplier "sup-1", 10 a day.
        var start = Date("2025-03-01");
        ShortageNotice Notice(double? factor, long? quantity, string to = "2025-03-31", string supplier = "") =>
            new("n1", Vnr, start, Date(to), "lakemedelsverket", "", factor, quantity, [], supplier, At(0));
        ProjectionResult Walk(params ShortageNotice[] notices) => StockoutProjection.Walk(new ProjectionStock(start, [], 50,
            [new SupplierStock("sup-1", Vnr, [], 100, notices.Where(n => ShortageSupply.Binds(n, Vnr, "sup-1")).ToList())]), _ => 10);

        // No notice: 150 units last 15 days, out on 03-16.
        Assert.Equal((Date("2025-03-16"), 15), (Walk().StockoutOn, Walk().DaysOfSupply));
        // Factor 0.05: day 6 (03-06) the supplier may release ⌊100 × 0.05⌋ = 5 of the 10 needed: out on 03-06, 5 days.
        Assert.Equal((Date("2025-03-06"), 5), (Walk(Notice(0.05, null)).StockoutOn, Walk(Notice(0.05, null)).DaysOfSupply));
        // Quantity 95: 100 − 95 = 5 a day, the same; neither a factor nor a quantity: nothing released.
        Assert.Equal(5, Walk(Notice(null, 95)).DaysOfSupply);
        Assert.Equal(5, Walk(Notice(null, null)).DaysOfSupply);
        // Factor 0.5 and quantity 40 together: day 6 ⌊100 × 0.5⌋ − 40 = 10 (all needed), day 7 ⌊90 × 0.5⌋ − 40 = 5: out on 03-07, 6 days.
        Assert.Equal(6, Walk(Notice(0.5, null), Notice(null, 40)).DaysOfSupply);
        // Over before it binds (ends 03-05), or naming another supplier: no effect.
        Assert.Equal(15, Walk(Notice(0.05, null, to: "2025-03-05")).DaysOfSupply);
        Assert.Equal(15, Walk(Notice(0.05, null, supplier: "sup-2")).DaysOfSupply);
        // Releasable itself: no active notice means no cap.
        Assert.Null(ShortageSupply.Releasable([Notice(0.05, null)], Date("2025-04-01"), 100));
        Assert.Equal(5, ShortageSupply.Releasable([Notice(0.05, null)], start, 100));
    }

    [Fact]
    public void Fractional_demand_carries_over_and_no_demand_never_runs_out()
    {
        var start = Date("2025-03-01");
        Assert.Equal(20, StockoutProjection.Walk(new ProjectionStock(start, [], 10), _ => 0.5).DaysOfSupply);
        var none = StockoutProjection.Walk(new ProjectionStock(start, [], 10), _ => 0, horizonDays: 100);
        Assert.Null(none.StockoutOn);
        Assert.Equal(100, none.DaysOfSupply);
    }
}
