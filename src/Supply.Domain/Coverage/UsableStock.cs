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

    public static UsableStock Of(long onHand, long reserved, long quarantined, IReadOnlyList<Lot> lots, double dailyConsumption, DateOnly date) =>
        Of(onHand, reserved, quarantined, ExpiringQuantity.Of(lots), dailyConsumption, date);

    /// <summary>
    /// The same split from lots as aggregates keep them (<see cref="ExpiringQuantity.Of"/>): lot numbers only
    /// order lots that expire on the same day, and such lots are trimmed, withheld, expired and used as one (the
    /// walk below gives the same figures whether a date's lots come as one entry or several). Aggregates keep this
    /// form to recompute usable stock for any date.
    /// </summary>
    /// <param name="expiries">Ordered by date, quantities above zero (as <see cref="ExpiringQuantity.Of"/> makes them).</param>
    public static UsableStock Of(long onHand, long reserved, long quarantined, IReadOnlyList<ExpiringQuantity> expiries, double dailyConsumption, DateOnly date)
    {
        onHand = Math.Max(0, onHand);
        var n = expiries.Count;
        Span<long> left = n <= 32 ? stackalloc long[n] : new long[n]; // what is left of each expiry date's stock
        long lotted = 0;
        for (var i = 0; i < n; i++) lotted += left[i] = expiries[i].Quantity;

        // Lots are a breakdown of on hand; never let them claim more.
        var excess = lotted - onHand;
        for (var i = 0; i < n && excess > 0; i++) { var take = Math.Min(excess, left[i]); left[i] -= take; excess -= take; lotted -= take; }
        var unlotted = onHand - lotted;

        var withheld = Math.Min(onHand, Math.Max(0, reserved) + Math.Max(0, quarantined));
        var rest = withheld - Math.Min(withheld, unlotted);
        for (var i = n - 1; i >= 0 && rest > 0; i--) { var take = Math.Min(rest, left[i]); left[i] -= take; rest -= take; }

        long expired = 0, wasted = 0, used = 0;
        var project = dailyConsumption > 0 && double.IsFinite(dailyConsumption);
        for (var i = 0; i < n; i++)
        {
            var expiresOn = expiries[i].ExpiresOn;
            if (expiresOn <= date) { expired += left[i]; continue; }
            if (!project) continue;
            var capacity = Units(dailyConsumption * (expiresOn.DayNumber - date.DayNumber));
            var usedOfLot = Math.Clamp(capacity - used, 0, left[i]);
            used += usedOfLot;
            wasted += left[i] - usedOfLot;
        }
        return new UsableStock(onHand, withheld, expired, wasted, onHand - withheld - expired - wasted);
    }

    /// <summary>Whole units consumed; the small epsilon keeps 0.7 × 10 at 7, not 6.</summary>
    private static long Units(double x) => x >= 1e15 ? long.MaxValue / 4 : (long)Math.Floor(x + 1e-9);
}

/// <summary>
/// Units of one lot of an item and the date they expire. Aggregates keep one per lot (<see cref="Of"/>), so the same
/// list answers usable stock for any date, the expiry wave and which locations hold a lot.
/// </summary>
/// <param name="LotNumber">The lot ("" where only the date is known).</param>
public readonly record struct ExpiringQuantity(DateOnly ExpiresOn, long Quantity, string LotNumber = "")
{
    /// <summary>
    /// The lots with quantities above zero, ordered by expiry date then lot number (the ledger's order). Lots that
    /// expire on the same day are used, withheld and expired as one (<see cref="UsableStock.Of(long, long, long, IReadOnlyList{ExpiringQuantity}, double, DateOnly)"/>),
    /// so keeping them apart changes no figure.
    /// </summary>
    public static IReadOnlyList<ExpiringQuantity> Of(IReadOnlyList<Lot> lots)
    {
        // Plain arrays (not the compiler's collection-expression types): every storage serializer can read them back.
        if (lots.Count == 0) return Array.Empty<ExpiringQuantity>();
        // The ledger lists current lots in expiry order already (ItemLedger.Current): sort (by the lots' own rule) only what is not.
        if (!InExpiryOrder(lots))
        {
            var sorted = lots.ToArray();
            Array.Sort(sorted, Lot.ExpiryOrder);
            lots = sorted;
        }
        // By index: this runs for every line of every publication, and a foreach over the list would box its enumerator.
        var kept = 0;
        for (var i = 0; i < lots.Count; i++) if (lots[i].Quantity > 0) kept++;
        if (kept == 0) return Array.Empty<ExpiringQuantity>();
        var list = new ExpiringQuantity[kept];
        var k = 0;
        for (var i = 0; i < lots.Count; i++)
            if (lots[i] is { Quantity: > 0 } lot) list[k++] = new ExpiringQuantity(lot.ExpiresOn, lot.Quantity, lot.LotNumber);
        return list;
    }

    private static bool InExpiryOrder(IReadOnlyList<Lot> lots)
    {
        for (var i = 1; i < lots.Count; i++)
            if (Lot.ExpiryOrder(lots[i - 1], lots[i]) > 0) return false;
        return true;
    }
}
