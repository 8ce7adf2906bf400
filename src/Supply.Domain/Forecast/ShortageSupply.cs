using Supply.Domain.Shortages;

namespace Supply.Domain.Forecast;

/// <summary>How much supplier-held stock a projection may count on while shortage notices are active (docs/projection.md#walk).</summary>
public static class ShortageSupply
{
    /// <summary>
    /// Supplier stock of an item after the notices active on <paramref name="date"/>: a notice with a delivery factor
    /// leaves that share, one with a delivery quantity takes that many units off, one with neither leaves nothing.
    /// With several, the lowest counts. Notices for other items are ignored.
    /// </summary>
    public static long Counted(long held, string itemId, IEnumerable<ShortageNotice> notices, DateOnly date)
    {
        var counted = Math.Max(0, held);
        foreach (var n in notices)
        {
            if (!string.Equals(n.ItemId, itemId, StringComparison.Ordinal) || !n.ActiveOn(date)) continue;
            var left = n.DeliveryFactor is { } f ? (long)Math.Floor(Math.Max(0, held) * Math.Clamp(f, 0, 1))
                : n.DeliveryQuantity is { } q ? Math.Max(0, held - q)
                : 0;
            counted = Math.Min(counted, left);
        }
        return counted;
    }
}
