using Supply.Domain.Coverage;

namespace Supply.Domain.Forecast;

/// <summary>
/// Stock to walk forward from <paramref name="Start"/>: lots merged per expiry date and stock without a lot, all of it
/// usable on the start date (withheld and expired stock already taken off), plus suppliers' stock under shortage notices,
/// kept apart because the notices cap what may be taken from it per day.
/// </summary>
public sealed record ProjectionStock(DateOnly Start, IReadOnlyList<ExpiringQuantity> Expiries, long Unlotted, IReadOnlyList<SupplierStock>? Suppliers = null);

/// <summary>Where the walk ended.</summary>
/// <param name="StockoutOn">The first day demand could not be met in full; null when stock lasts the horizon (or nothing is consumed).</param>
/// <param name="DaysOfSupply">Whole days demand is met from the start (the horizon when it never runs out).</param>
/// <param name="WastedToExpiry">Units that expire before they would be used.</param>
public sealed record ProjectionResult(DateOnly? StockoutOn, int DaysOfSupply, long WastedToExpiry, long Consumed, int HorizonDays);

/// <summary>
/// The projected stock-out date (docs/projection.md#walk): walk day by day from the start; each day first removes what
/// expires that day (ExpiresOn is the first day a lot may not be used), then takes the day's projected consumption
/// first expiry first out, then from stock without a lot (unknown expiry: used last; suppliers' under notices last of
/// all). A supplier's stock under a shortage notice gives at most what the notice releases that day
/// (<see cref="ShortageSupply.Releasable"/>). The first day demand is not met in full is the stock-out date.
/// </summary>
public static class StockoutProjection
{
    public const int DefaultHorizonDays = 730;

    /// <param name="demand">Units consumed on day h (h = 0 is the start date).</param>
    public static ProjectionResult Walk(ProjectionStock stock, Func<int, double> demand, int horizonDays = DefaultHorizonDays)
    {
        var suppliers = stock.Suppliers ?? [];
        var pools = suppliers.Count;
        // One FEFO list of every lot; Pool -1 is free stock, else the supplier it belongs to (ties: free stock first).
        var lots = new List<(DateOnly Date, long Left, int Pool)>(stock.Expiries.Count);
        foreach (var e in stock.Expiries) lots.Add((e.ExpiresOn, Math.Max(0, e.Quantity), -1));
        var held = new long[pools];     // each supplier's walkable stock now
        var unlottedOf = new long[pools];
        for (var p = 0; p < pools; p++)
        {
            foreach (var e in suppliers[p].Expiries) { lots.Add((e.ExpiresOn, Math.Max(0, e.Quantity), p)); held[p] += Math.Max(0, e.Quantity); }
            unlottedOf[p] = Math.Max(0, suppliers[p].Unlotted);
            held[p] += unlottedOf[p];
        }
        if (pools > 0) lots.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Pool.CompareTo(b.Pool));
        var n = lots.Count;
        var dates = new DateOnly[n];
        var left = new long[n];
        var pool = new int[n];
        for (var i = 0; i < n; i++) (dates[i], left[i], pool[i]) = lots[i];
        var unlotted = Math.Max(0, stock.Unlotted);
        var cap = new long[pools]; // what each supplier may still give today
        long wasted = 0, consumed = 0;
        double cumulative = 0;
        var first = 0; // lots before this one are used up or expired
        for (var h = 0; h < horizonDays; h++)
        {
            var date = stock.Start.AddDays(h);
            for (var i = first; i < n && dates[i] <= date; i++)
            {
                wasted += left[i];
                if (pool[i] >= 0) held[pool[i]] -= left[i];
                left[i] = 0;
            }
            for (var p = 0; p < pools; p++) cap[p] = ShortageSupply.Releasable(suppliers[p].Notices, date, held[p]) ?? long.MaxValue;
            // Whole units: the day takes what brings the units started (the cumulative demand rounded up) up to date, so
            // fractions carry over and a unit begun counts as needed (conservative: never a later stock-out).
            var rate = demand(h);
            var before = Units(cumulative);
            cumulative += double.IsFinite(rate) && rate > 0 ? rate : 0;
            var need = Units(cumulative) - before;
            for (var i = first; i < n && need > 0; i++)
            {
                var take = Math.Min(need, left[i]);
                if (pool[i] >= 0) take = Take(pool[i], take);
                left[i] -= take;
                need -= take;
                consumed += take;
            }
            while (first < n && left[first] == 0) first++;
            var fromUnlotted = Math.Min(need, unlotted);
            unlotted -= fromUnlotted;
            need -= fromUnlotted;
            consumed += fromUnlotted;
            for (var p = 0; p < pools && need > 0; p++)
            {
                var take = Take(p, Math.Min(need, unlottedOf[p]));
                unlottedOf[p] -= take;
                need -= take;
                consumed += take;
            }
            if (need > 0) return new ProjectionResult(date, h, wasted, consumed, horizonDays);
        }
        return new ProjectionResult(null, horizonDays, wasted, consumed, horizonDays);

        long Take(int p, long wanted)
        {
            var take = Math.Min(wanted, cap[p]);
            cap[p] -= take;
            held[p] -= take;
            return take;
        }
    }

    private static long Units(double x) => x >= 1e15 ? long.MaxValue / 4 : (long)Math.Ceiling(x - 1e-9);
}
