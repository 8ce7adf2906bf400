using Supply.Domain.Stock;

namespace Supply.Domain.Coverage;

/// <summary>
/// How the on-hand stock of one item at one location splits up on a given date:
/// <c>OnHand = Withheld + Expired + WastedBeforeUse + Usable</c>.
/// </summary>
/// <remarks>
/// Rules, applied in this order:
/// <list type="number">
/// <item><b>Withheld</b> (reserved + quarantined, at most on hand) is taken off the stock without a lot
/// first, then off the latest-expiring lots. That is the conservative choice: it leaves the
/// earliest-expiring stock as the usable part, so usable is never overstated.</item>
/// <item><b>Expired</b>: what is left of lots with <c>ExpiresOn &lt;= date</c> (ExpiresOn is the first day a lot may not be used).</item>
/// <item><b>Wasted before use</b>: first-expiry-first-out projection at the daily consumption rate r.
/// Walking lots by expiry (then lot number), by the day a lot expires consumption has used
/// <c>floor(r × days until expiry)</c> units of it and the lots before it; the rest of the lot is wasted.
/// Stock without a lot never expires and is used last. With no consumption (r = 0) there is no rate
/// to project with, so nothing is counted as wasted (stockpiles hold stock nobody uses day to day).</item>
/// </list>
/// Lots that add up to more than on hand are trimmed earliest-expiry first, as the ledger does.
/// </remarks>
public sealed record UsableStock(long OnHand, long Withheld, long Expired, long WastedBeforeUse, long Usable)
{
    public static UsableStock Of(ItemStock stock, DateOnly date, double? dailyConsumption = null) =>
        Of(stock.OnHand, stock.Reserved, stock.Quarantined, stock.Lots, dailyConsumption ?? stock.AverageDailyConsumption, date);

    public static UsableStock Of(long onHand, long reserved, long quarantined, IReadOnlyList<Lot> lots, double dailyConsumption, DateOnly date)
    {
        onHand = Math.Max(0, onHand);
        var ordered = lots.Where(l => l.Quantity > 0)
            .OrderBy(l => l.ExpiresOn).ThenBy(l => l.LotNumber, StringComparer.Ordinal)
            .Select(l => new Portion(l.ExpiresOn, l.Quantity)).ToList();

        // Lots are a breakdown of on hand; never let them claim more.
        var excess = ordered.Sum(p => p.Quantity) - onHand;
        for (var i = 0; i < ordered.Count && excess > 0; i++) excess -= ordered[i].Take(excess);
        var unlotted = onHand - ordered.Sum(p => p.Quantity);

        var withheld = Math.Min(onHand, Math.Max(0, reserved) + Math.Max(0, quarantined));
        var left = withheld;
        var fromUnlotted = Math.Min(left, unlotted);
        unlotted -= fromUnlotted;
        left -= fromUnlotted;
        for (var i = ordered.Count - 1; i >= 0 && left > 0; i--) left -= ordered[i].Take(left);

        long expired = 0, wasted = 0, used = 0;
        var project = dailyConsumption > 0 && double.IsFinite(dailyConsumption);
        foreach (var lot in ordered)
        {
            if (lot.ExpiresOn <= date) { expired += lot.Quantity; continue; }
            if (!project) continue;
            var capacity = Units(dailyConsumption * (lot.ExpiresOn.DayNumber - date.DayNumber));
            var usedOfLot = Math.Clamp(capacity - used, 0, lot.Quantity);
            used += usedOfLot;
            wasted += lot.Quantity - usedOfLot;
        }
        return new UsableStock(onHand, withheld, expired, wasted, onHand - withheld - expired - wasted);
    }

    /// <summary>Whole units consumed; the small epsilon keeps 0.7 × 10 at 7, not 6.</summary>
    private static long Units(double x) => x >= 1e15 ? long.MaxValue / 4 : (long)Math.Floor(x + 1e-9);

    private sealed class Portion(DateOnly expiresOn, long quantity)
    {
        public DateOnly ExpiresOn { get; } = expiresOn;
        public long Quantity { get; private set; } = quantity;

        public long Take(long wanted)
        {
            var take = Math.Min(wanted, Quantity);
            Quantity -= take;
            return take;
        }
    }
}
