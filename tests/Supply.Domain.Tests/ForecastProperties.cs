using CsCheck;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Domain.Shortages;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>Properties of the consumption history and the projection (docs/projection.md), over fixed seeds.</summary>
public class ForecastProperties
{
    private const int Cases = 150;

    private static void ForAll<T>(Gen<T> gen, Action<T> property, ulong salt, Func<T, string>? print = null)
    {
        for (var i = 0; i < Cases; i++)
        {
            var seed = new PCG((uint)i, salt * 1_000_003UL + (ulong)i * 7919UL + 17UL).ToString();
            gen.Sample(property, seed: seed, iter: 1, threads: 1, print: print);
        }
    }

    // Reports spread over ~two years, so the one-year window slides and drops days while they arrive.
    private static readonly Gen<Func<string, StockReport>> GenReport =
        from daysBack in Gen.Int[0, 760]
        from minute in Gen.Int[0, 3]
        from isSnapshot in Gen.Bool
        from adc in Gen.OneOf(0.0, 1.5, 4.0, 10.0)
        from period in Gen.Int[0, 60]
        from stockout in Gen.Int[0, 60]
        from quantity in Gen.Long[1, 40]
        from item in Gen.OneOf(Vnr, Npl)
        let asOf = Now.AddDays(-daysBack).AddMinutes(-minute)
        select (Func<string, StockReport>)(id => isSnapshot
            ? Snapshot(id, asOf, Line(item, 100, adc: adc) with { ConsumptionPeriodDays = period, StockoutDays = Math.Min(stockout, period) })
            : Movements(id, asOf, Move(item, MovementType.Consumed, quantity), Move(item, MovementType.Received, quantity)));

    private static readonly Gen<(StockReport[] A, StockReport[] B)> GenOrders =
        from makers in GenReport.Array[1, 30]
        let reports = makers.Select((make, i) => make($"r{i}")).ToArray()
        from a in Gen.Shuffle(reports.ToArray())
        from b in Gen.Shuffle(reports.ToArray())
        select (a, b);

    private static LocationLedger Replay(IEnumerable<StockReport> reports)
    {
        var ledger = Ledger();
        var catalog = NewCatalog();
        foreach (var r in reports) ledger.Apply(r, catalog, Now);
        return ledger;
    }

    [Fact]
    public void Any_order_of_the_same_reports_gives_the_same_history()
    {
        ForAll(GenOrders, orders =>
        {
            var a = Replay(orders.A);
            var b = Replay(orders.B);
            foreach (var item in new[] { Vnr, Npl })
            {
                var ha = a.Items.GetValueOrDefault(item)?.History;
                var hb = b.Items.GetValueOrDefault(item)?.History;
                Assert.Equal(ha is null, hb is null);
                if (ha is not null) Assert.True(ha.SameAs(hb!), $"histories of {item} differ");
            }
        }, salt: 1, print: o => string.Join(" ", o.A.Select(r => $"{r.ReportId}@{r.AsOf:yyyy-MM-dd HH:mm}")));
    }

    [Fact]
    public void The_stored_shape_reads_back_the_same_history()
    {
        ForAll(GenOrders, orders =>
        {
            foreach (var h in Replay(orders.A).Items.Values.Select(i => i.History).OfType<ConsumptionHistory>())
            {
                var keys = new int[h.ReportedRun()];
                var rates = new float[keys.Length];
                var consumed = new double[h.ConsumedRun()];
                h.WriteReported(keys, rates);
                h.WriteConsumed(consumed);
                Assert.True(h.SameAs(ConsumptionHistory.Read(h.EndDay, keys, rates, consumed)));
            }
        }, salt: 2);
    }

    private static readonly Gen<double[]> GenSeries =
        Gen.OneOf(Gen.Double[0, 50], Gen.Const(double.NaN), Gen.Const(0.0)).Array[TrendState.FitDays];

    [Fact]
    public void Holt_states_add_up_so_regions_need_not_walk_their_locations()
    {
        // Two locations observed on the same days: the sum of their states is the state of the summed series.
        ForAll(Gen.Select(Gen.Double[0, 50].Array[TrendState.FitDays], Gen.Double[0, 50].Array[TrendState.FitDays], Gen.Int[0, 20]), t =>
        {
            var (x, y, gaps) = t;
            for (var i = 0; i < gaps; i++) x[i * 2] = y[i * 2] = double.NaN;
            var sum = x.Zip(y, (a, b) => a + b).ToArray();
            var (lx, sx, _) = TrendState.Holt(x);
            var (ly, sy, _) = TrendState.Holt(y);
            var (ls, ss, _) = TrendState.Holt(sum);
            Assert.Equal(ls, lx + ly, 6);
            Assert.Equal(ss, sx + sy, 6);
        }, salt: 3);
    }

    [Fact]
    public void A_constant_series_has_no_trend_and_forecasts_itself()
    {
        ForAll(Gen.Double[0, 1000], c =>
        {
            var (level, slope, _) = TrendState.Holt(Enumerable.Repeat(c, TrendState.FitDays).ToArray());
            Assert.Equal(c, level, 6);
            Assert.Equal(0, slope, 9);
        }, salt: 4);
    }

    private static readonly Gen<(ExpiringQuantity[] Lots, long Unlotted, double[] Demand)> GenStock =
        from lots in Gen.Select(Gen.Int[0, 120], Gen.Long[0, 200]).Array[0, 6]
        from unlotted in Gen.Long[0, 300]
        from demand in Gen.Double[0, 30].Array[1, 10]
        select (lots.GroupBy(l => l.Item1).Select(g => new ExpiringQuantity(Date("2025-03-01").AddDays(g.Key), g.Sum(l => l.Item2)))
            .OrderBy(e => e.ExpiresOn).ToArray(), unlotted, demand);

    [Fact]
    public void A_projection_with_expiring_lots_never_runs_out_later_than_one_without()
    {
        ForAll(GenStock, s =>
        {
            var start = Date("2025-03-01");
            double Demand(int h) => s.Demand[h % s.Demand.Length];
            var withExpiry = StockoutProjection.Walk(new ProjectionStock(start, s.Lots, s.Unlotted), Demand, 400);
            var without = StockoutProjection.Walk(new ProjectionStock(start, [], s.Unlotted + s.Lots.Sum(l => l.Quantity)), Demand, 400);
            Assert.True(withExpiry.DaysOfSupply <= without.DaysOfSupply, $"{withExpiry.DaysOfSupply} > {without.DaysOfSupply}");
        }, salt: 5);
    }

    [Fact]
    public void More_demand_never_makes_stock_last_longer()
    {
        ForAll(Gen.Select(GenStock, Gen.Double[1, 3]), t =>
        {
            var (s, factor) = t;
            var start = Date("2025-03-01");
            double Demand(int h) => s.Demand[h % s.Demand.Length];
            var stock = new ProjectionStock(start, s.Lots, s.Unlotted);
            var baseline = StockoutProjection.Walk(stock, Demand, 400);
            var more = StockoutProjection.Walk(stock, h => Demand(h) * factor, 400);
            Assert.True(more.DaysOfSupply <= baseline.DaysOfSupply, $"{more.DaysOfSupply} > {baseline.DaysOfSupply}");
        }, salt: 6);
    }

    // Suppliers' stock with notices: factor or quantity or neither, over some days of the walk, some naming another supplier.
    private static readonly Gen<ShortageNotice> GenNotice =
        from first in Gen.Int[-10, 60]
        from length in Gen.Int[0, 90]
        from kind in Gen.Int[0, 2]
        from factor in Gen.Double[0, 1]
        from quantity in Gen.Long[0, 300]
        from other in Gen.Bool
        select new ShortageNotice("n", Vnr, Date("2025-03-01").AddDays(first), Date("2025-03-01").AddDays(first + length), "lakemedelsverket", "",
            kind == 0 ? factor : null, kind == 1 ? quantity : null, [], other ? "sup-x" : "", At(0));

    private static readonly Gen<(ExpiringQuantity[] Lots, long Unlotted)[]> GenSuppliers =
        (from lots in Gen.Select(Gen.Int[0, 120], Gen.Long[0, 200]).Array[0, 4]
         from unlotted in Gen.Long[0, 300]
         select (lots.GroupBy(l => l.Item1).Select(g => new ExpiringQuantity(Date("2025-03-01").AddDays(g.Key), g.Sum(l => l.Item2)))
             .OrderBy(e => e.ExpiresOn).ToArray(), unlotted)).Array[1, 3];

    [Fact]
    public void An_active_shortage_notice_never_makes_the_stockout_date_later()
    {
        ForAll(Gen.Select(GenStock, GenSuppliers, GenNotice.Array[1, 3]), t =>
        {
            var (s, held, notices) = t;
            var start = Date("2025-03-01");
            double Demand(int h) => s.Demand[h % s.Demand.Length];
            SupplierStock[] Suppliers(bool noticed) => held.Select((x, i) => new SupplierStock($"sup-{i}", Vnr, x.Lots, x.Unlotted,
                noticed ? notices.Where(n => ShortageSupply.Binds(n, Vnr, $"sup-{i}")).ToList() : [])).ToArray();
            var without = StockoutProjection.Walk(new ProjectionStock(start, s.Lots, s.Unlotted, Suppliers(false)), Demand, 400);
            var with = StockoutProjection.Walk(new ProjectionStock(start, s.Lots, s.Unlotted, Suppliers(true)), Demand, 400);
            Assert.True(with.DaysOfSupply <= without.DaysOfSupply, $"{with.DaysOfSupply} > {without.DaysOfSupply}");
            // Without notices, suppliers' stock walked apart is walked as if it were summed into the rest.
            var summed = new ProjectionStock(start, s.Lots.Concat(held.SelectMany(x => x.Lots)).GroupBy(l => l.ExpiresOn)
                .Select(g => new ExpiringQuantity(g.Key, g.Sum(l => l.Quantity))).OrderBy(l => l.ExpiresOn).ToArray(), s.Unlotted + held.Sum(x => x.Unlotted));
            Assert.Equal(StockoutProjection.Walk(summed, Demand, 400), without);
        }, salt: 7);
    }
}
