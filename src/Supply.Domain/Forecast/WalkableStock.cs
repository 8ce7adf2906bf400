using Supply.Domain.Coverage;

namespace Supply.Domain.Forecast;

/// <summary>
/// The stock a projection walks, from what a location publishes: lots merged per expiry date with withheld stock taken
/// off as <see cref="UsableStock"/> takes it (from stock without a lot first, then from the latest-expiring lots) and
/// lots already expired on the date left out. Expiry dates are kept per week (the Monday on or before the date, so a
/// lot counts as expiring a few days early, never late, but not before the day after the date) and only within the projection horizon (later lots cannot expire
/// before the walk ends, so they count as stock without a lot): an aggregate row then holds at most ~105 entries
/// however many locations and lots it sums.
/// </summary>
public static class WalkableStock
{
    /// <summary>Adds one location × item's walkable stock on <paramref name="date"/> to <paramref name="weeks"/> (Monday day number → units); returns the units without an expiry.</summary>
    public static long AddTo(Dictionary<int, long> weeks, long onHand, long reserved, long quarantined, IReadOnlyList<ExpiringQuantity> expiries, DateOnly date)
    {
        onHand = Math.Max(0, onHand);
        var n = expiries.Count;
        Span<long> left = n <= 32 ? stackalloc long[n] : new long[n];
        long lotted = 0;
        for (var i = 0; i < n; i++) lotted += left[i] = Math.Max(0, expiries[i].Quantity);
        var excess = lotted - onHand;
        for (var i = 0; i < n && excess > 0; i++) { var take = Math.Min(excess, left[i]); left[i] -= take; excess -= take; lotted -= take; }
        var unlotted = onHand - lotted;
        var withheld = Math.Min(onHand, Math.Max(0, reserved) + Math.Max(0, quarantined));
        var fromUnlotted = Math.Min(withheld, unlotted);
        unlotted -= fromUnlotted;
        var rest = withheld - fromUnlotted;
        for (var i = n - 1; i >= 0 && rest > 0; i--) { var take = Math.Min(rest, left[i]); left[i] -= take; rest -= take; }
        var horizonEnd = date.DayNumber + StockoutProjection.DefaultHorizonDays;
        for (var i = 0; i < n; i++)
        {
            if (left[i] == 0 || expiries[i].ExpiresOn <= date) continue;
            if (expiries[i].ExpiresOn.DayNumber > horizonEnd) { unlotted += left[i]; continue; }
            var monday = Math.Max(WeekOf(expiries[i].ExpiresOn), date.DayNumber + 1); // never before it can still be used
            weeks[monday] = weeks.GetValueOrDefault(monday) + left[i];
        }
        return unlotted;
    }

    /// <summary>The Monday on or before the date, as a day number (day number 0, 0001-01-01, was a Monday).</summary>
    public static int WeekOf(DateOnly date) => date.DayNumber - date.DayNumber % 7;

    /// <summary>The buckets as an expiry list, by date.</summary>
    public static ExpiringQuantity[] ToExpiries(Dictionary<int, long> weeks)
    {
        var list = new ExpiringQuantity[weeks.Count];
        var k = 0;
        foreach (var (day, q) in weeks) list[k++] = new ExpiringQuantity(DateOnly.FromDayNumber(day), q);
        Array.Sort(list, (a, b) => a.ExpiresOn.CompareTo(b.ExpiresOn));
        return list;
    }
}
