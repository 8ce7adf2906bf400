using Supply.Domain.Coverage;
using Supply.Domain.Shortages;

namespace Supply.Domain.Forecast;

/// <summary>
/// What a supplier may release of an item on a day while shortage notices are active (docs/projection.md#notices): the same
/// rule the scenario engine applies to a <see cref="ShortageNotice.ToReduction"/>, so a projection and a scenario never
/// disagree about one notice.
/// </summary>
public static class ShortageSupply
{
    /// <summary>Whether <paramref name="notice"/> binds <paramref name="supplierId"/>'s stock of <paramref name="itemId"/> (on some day).</summary>
    public static bool Binds(ShortageNotice notice, string itemId, string supplierId) =>
        string.Equals(notice.ItemId, itemId, StringComparison.Ordinal)
        && (notice.SupplierLocationId.Length == 0 || string.Equals(notice.SupplierLocationId, supplierId, StringComparison.Ordinal));

    /// <summary>Whether the notice is active on any day of a walk of <paramref name="horizonDays"/> days from <paramref name="start"/>.</summary>
    public static bool ActiveWithin(ShortageNotice notice, DateOnly start, int horizonDays) =>
        notice.To >= start && notice.From < start.AddDays(Math.Max(0, horizonDays));

    /// <summary>
    /// The most a supplier releases on <paramref name="date"/>, from <paramref name="stockAtDayStart"/>; null when no notice is
    /// active that day (no cap). The active notices' delivery factors multiply (a notice with neither a factor nor a quantity
    /// is factor 0: nothing), then their delivery quantities are taken off: max(0, ⌊stock × Πfactor⌋ − Σquantity).
    /// Callers pass only the notices that <see cref="Binds"/> this supplier and item.
    /// </summary>
    public static long? Releasable(IReadOnlyList<ShortageNotice> notices, DateOnly date, long stockAtDayStart)
    {
        double factor = 1;
        long less = 0;
        var active = false;
        foreach (var n in notices)
        {
            if (!n.ActiveOn(date)) continue;
            active = true;
            if (n.DeliveryFactor is { } f) factor *= Math.Clamp(f, 0, 1);
            else if (n.DeliveryQuantity is { } q) less += Math.Max(0, q);
            else factor = 0;
        }
        if (!active) return null;
        var stock = Math.Max(0, stockAtDayStart);
        var scaled = factor >= 1 ? stock : (long)Math.Floor(stock * factor + 1e-9);
        return Math.Max(0, scaled - less);
    }
}

/// <summary>
/// One supplier's stock of one item under shortage notices, kept apart in a projection walk because the notices cap what
/// the walk may take from it per day (<see cref="ShortageSupply.Releasable"/>).
/// </summary>
/// <param name="Expiries">Walkable stock per expiry date (<see cref="WalkableStock"/>), usable on the walk's start date.</param>
/// <param name="Unlotted">Walkable stock without an expiry date.</param>
/// <param name="Notices">The notices that bind this supplier and item.</param>
public sealed record SupplierStock(
    string SupplierId, string ItemId, IReadOnlyList<ExpiringQuantity> Expiries, long Unlotted, IReadOnlyList<ShortageNotice> Notices);
