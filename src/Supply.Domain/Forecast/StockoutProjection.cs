using Supply.Domain.Coverage;

namespace Supply.Domain.Forecast;

/// <summary>
/// Stock to walk forward from <paramref name="Start"/>: lots merged per expiry date and stock without a lot, all of it
/// usable on the start date (withheld and expired stock already taken off), plus stock held by suppliers.
/// </summary>
/// <param name="SupplierHeld">Supplier stock that can be counted on, already lowered by active shortage notices
/// (<see cref="ShortageSupply.Counted"/>).</param>
public sealed record ProjectionStock(DateOnly Start, IReadOnlyList<ExpiringQuantity> Expiries, long Unlotted, long SupplierHeld = 0);

/// <summary>Where the walk ended.</summary>
/// <param name="StockoutOn">The first day demand could not be met in full; null when stock lasts the horizon (or nothing is consumed).</param>
/// <param name="DaysOfSupply">Whole days demand is met from the start (the horizon when it never runs out).</param>
/// <param name="WastedToExpiry">Units that expire before they would be used.</param>
public sealed record ProjectionResult(DateOnly? StockoutOn, int DaysOfSupply, long WastedToExpiry, long Consumed, int HorizonDays);

/// <summary>
/// The projected stock-out date (docs/projection.md#walk): walk day by day from the start; each day first removes what
/// expires that day (ExpiresOn is the first day a lot may not be used), then takes the day's projected consumption
/// first expiry first out, then from stock without a lot (unknown expiry: used last), then from supplier stock that
/// can be counted on. The first day demand is not met in full is the stock-out date.
/// </summary>
public static class StockoutProjection
{
    public const int DefaultHorizonDays = 730;

    /// <param name="demand">Units consumed on day h (h = 0 is the start date).</param>
    public static ProjectionResult Walk(ProjectionStock stock, Func<int, double> demand, int horizonDays = DefaultHorizonDays)
    {
        var n = stock.Expiries.Count;
        var dates = new DateOnly[n];
        var left = new long[n];
        for (var i = 0; i < n; i++) (dates[i], left[i]) = (stock.Expiries[i].ExpiresOn, Math.Max(0, stock.Expiries[i].Quantity));
        var unlotted = Math.Max(0, stock.Unlotted);
        var supplier = Math.Max(0, stock.SupplierHeld);
        long wasted = 0, consumed = 0;
        double cumulative = 0;
        var first = 0; // lots before this one are used up or expired
        for (var h = 0; h < horizonDays; h++)
        {
            var date = stock.Start.AddDays(h);
            for (var i = first; i < n && dates[i] <= date; i++) { wasted += left[i]; left[i] = 0; }
            // Whole units: the day takes what brings the units started (the cumulative demand rounded up) up to date, so
            // fractions carry over and a unit begun counts as needed (conservative: never a later stock-out).
            var rate = demand(h);
            var before = Units(cumulative);
            cumulative += double.IsFinite(rate) && rate > 0 ? rate : 0;
            var need = Units(cumulative) - before;
            for (var i = first; i < n && need > 0; i++)
            {
                var take = Math.Min(need, left[i]);
                left[i] -= take;
                need -= take;
                consumed += take;
            }
            while (first < n && left[first] == 0) first++;
            var fromUnlotted = Math.Min(need, unlotted);
            unlotted -= fromUnlotted;
            need -= fromUnlotted;
            var fromSupplier = Math.Min(need, supplier);
            supplier -= fromSupplier;
            need -= fromSupplier;
            consumed += fromUnlotted + fromSupplier;
            if (need > 0) return new ProjectionResult(date, h, wasted, consumed, horizonDays);
        }
        return new ProjectionResult(null, horizonDays, wasted, consumed, horizonDays);
    }

    private static long Units(double x) => x >= 1e15 ? long.MaxValue / 4 : (long)Math.Ceiling(x - 1e-9);
}
