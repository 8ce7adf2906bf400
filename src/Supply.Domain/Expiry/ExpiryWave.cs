using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;

namespace Supply.Domain.Expiry;

/// <summary>One area's expiry wave for one item or substitution group.</summary>
/// <param name="Expiring">Units whose lot expires in week w: expiry day in (start + 7w, start + 7w + 7].</param>
/// <param name="Expired">Units of lots already expired on the start day (expiry day on or before it), still on hand.</param>
/// <param name="WastedUnlessMoved">Units of the lots expiring within the weeks that today's consumption will not use before they expire.</param>
public sealed record ExpiryWaveRow(
    CoverageLevel Level, string Area, CoverageSubject Subject, string Key, long[] Expiring, long Expired, long WastedUnlessMoved,
    long OnHand, double DailyConsumption, int Locations);

/// <summary>
/// The expiry wave: per week ahead, how many units expire, per item or substitution group and area, from the lots the
/// aggregates keep. An expiry date is the first day a lot may not be used (as in <see cref="UsableStock"/>), so a lot
/// expiring tomorrow is in week 0 and one expiring today is already expired.
/// </summary>
/// <remarks>
/// Wasted unless moved, per location and item: walk the lots that have not expired in expiry order (then lot number)
/// consuming at the location's daily rate; by a lot's expiry day, consumption has used <c>floor(rate × days)</c> units of
/// it and the lots before it, the rest of it is wasted. Counted for lots expiring within the weeks asked. Unlike usable
/// stock (which counts nothing as wasted without a rate, for stockpiles), a lot nobody consumes is wasted here when it
/// expires: that is exactly the stock to move. Reserved and quarantined stock is not set aside (lots carry no such mark).
/// </remarks>
public static class ExpiryWave
{
    public const int DefaultWeeks = 12, MaxWeeks = 104;

    /// <summary>The waves of <paramref name="lines"/> (each a location's item line), one row per area of <paramref name="level"/> and key, ordered by area then key.</summary>
    public static IReadOnlyList<ExpiryWaveRow> Rows(
        IEnumerable<(LocationTotals Location, LocationItemTotals Item)> lines, CoverageLevel level, CoverageSubject subject, DateOnly start, int weeks)
    {
        if (weeks is < 1 or > MaxWeeks) throw new ArgumentOutOfRangeException(nameof(weeks), weeks, $"must be 1..{MaxWeeks}");
        var sums = new Dictionary<(string Area, string Key), Sum>();
        foreach (var (location, item) in lines)
        {
            var area = level switch
            {
                CoverageLevel.Location => location.LocationId,
                CoverageLevel.Region => location.RegionCode,
                CoverageLevel.HealthcareRegion => location.HealthcareRegion,
                _ => CoverageRollup.Nation,
            };
            var key = subject == CoverageSubject.Item ? item.ItemId : item.GroupKey;
            if (!sums.TryGetValue((area, key), out var sum)) sums[(area, key)] = sum = new Sum(weeks);
            sum.Add(location.LocationId, item, start);
        }
        return sums.OrderBy(kv => kv.Key.Area, StringComparer.Ordinal).ThenBy(kv => kv.Key.Key, StringComparer.Ordinal)
            .Select(kv => new ExpiryWaveRow(level, kv.Key.Area, subject, kv.Key.Key, kv.Value.Expiring, kv.Value.Expired, kv.Value.Wasted,
                kv.Value.OnHand, kv.Value.Daily, kv.Value.Locations.Count))
            .ToList();
    }

    /// <summary>
    /// Units of one location's item lots that expire before today's consumption would use them, among the lots expiring
    /// within <paramref name="horizonDays"/> of <paramref name="start"/> (the remarks of <see cref="ExpiryWave"/>).
    /// </summary>
    public static long WastedUnlessMoved(IReadOnlyList<ExpiringQuantity> lots, double dailyConsumption, DateOnly start, int horizonDays)
    {
        var rate = dailyConsumption > 0 && double.IsFinite(dailyConsumption) ? dailyConsumption : 0;
        long used = 0, wasted = 0;
        foreach (var lot in lots) // in expiry order (ExpiringQuantity.Of)
        {
            var days = lot.ExpiresOn.DayNumber - start.DayNumber;
            if (days <= 0) continue; // already expired: counted as expired, not as wasted
            if (days > horizonDays) break;
            var capacity = (long)Math.Floor(rate * days + 1e-9);
            var usedOfLot = Math.Clamp(capacity - used, 0, lot.Quantity);
            used += usedOfLot;
            wasted += lot.Quantity - usedOfLot;
        }
        return wasted;
    }

    private sealed class Sum(int weeks)
    {
        public readonly long[] Expiring = new long[weeks];
        public long Expired, Wasted, OnHand;
        public double Daily;
        public readonly HashSet<string> Locations = new(StringComparer.Ordinal);

        public void Add(string locationId, LocationItemTotals item, DateOnly start)
        {
            Locations.Add(locationId);
            OnHand += item.OnHand;
            Daily += item.DailyConsumption;
            foreach (var lot in item.Expiries)
            {
                var days = lot.ExpiresOn.DayNumber - start.DayNumber;
                if (days <= 0) Expired += lot.Quantity;
                else if ((days - 1) / 7 < Expiring.Length) Expiring[(days - 1) / 7] += lot.Quantity;
            }
            Wasted += WastedUnlessMoved(item.Expiries, item.DailyConsumption, start, 7 * Expiring.Length);
        }
    }
}

/// <summary>One location's holding of a lot.</summary>
public sealed record LotHolding(string LocationId, string RegionCode, long Quantity, DateOnly ExpiresOn, DateTimeOffset? AsOf);

/// <summary>Which locations hold a lot of an item (a recall), from the locations' totals the region aggregates keep.</summary>
public static class LotLookup
{
    /// <summary>Holdings of lot <paramref name="lotNumber"/> of <paramref name="itemId"/> with quantity above zero, location id order.</summary>
    public static IReadOnlyList<LotHolding> Find(IEnumerable<LocationTotals> locations, string itemId, string lotNumber)
    {
        var found = new List<LotHolding>();
        foreach (var location in locations)
        {
            if (PublishedItems.Find(location.Items, itemId) is not { } item) continue;
            foreach (var lot in item.Expiries)
                if (lot.Quantity > 0 && string.Equals(lot.LotNumber, lotNumber, StringComparison.Ordinal))
                    found.Add(new LotHolding(location.LocationId, location.RegionCode, lot.Quantity, lot.ExpiresOn, item.AsOf));
        }
        found.Sort((a, b) => string.CompareOrdinal(a.LocationId, b.LocationId));
        return found;
    }
}
