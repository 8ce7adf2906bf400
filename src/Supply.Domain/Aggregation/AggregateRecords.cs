using Supply.Domain.Stock;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;

namespace Supply.Domain.Aggregation;

/// <summary>One item at one location, as the aggregates need it (all figures already final: discrepant stock counts as zero).</summary>
/// <remarks>
/// A struct, kept in one array per location: region aggregates hold one of these per location and item (millions at
/// national scale), so there is no object header or reference per line, and times are stored as ticks (a nullable
/// <see cref="DateTimeOffset"/> takes 24 bytes; aggregates only need the instant, kept with its offset).
/// </remarks>
/// <param name="Usable">Usable stock on <see cref="LocationTotals.UsableOn"/> (<see cref="UsableStock"/>), at the reported daily consumption.</param>
/// <param name="DailyConsumption">The reported average daily consumption, never negative.</param>
/// <param name="AsOf">When this item's figures were last true (its newest snapshot or movement).</param>
/// <param name="Expiries">The lots with their numbers and expiry dates (<see cref="ExpiringQuantity.Of"/>), so usable stock can be
/// recomputed for another date (a scenario's start), the expiry wave summed and a lot found, from the aggregate alone.</param>
/// <param name="SnapshotAsOf">As-of of the item's newest snapshot (what the stock line shows).</param>
/// <param name="Trend">Burn rates and Holt state from the location's consumption history on UsableOn (docs/projection.md).</param>
public readonly struct LocationItemTotals(
    string ItemId,
    string SubstitutionGroup,
    long OnHand,
    long Reserved,
    long Quarantined,
    long Available,
    long Usable,
    double DailyConsumption,
    long Discrepancy,
    DateTimeOffset? AsOf,
    IReadOnlyList<ExpiringQuantity> Expiries,
    DateTimeOffset? SnapshotAsOf = null,
    TrendState Trend = default) : IEquatable<LocationItemTotals>
{
    // Four fields, not two (long, short) tuples: a tuple pads to 16 bytes, and this struct is held once per stock line.
    private readonly long _asOfTicks = StoredTime.Split(AsOf).UtcTicks, _snapshotAsOfTicks = StoredTime.Split(SnapshotAsOf).UtcTicks;
    private readonly short _asOfOffset = StoredTime.Split(AsOf).OffsetMinutes, _snapshotAsOfOffset = StoredTime.Split(SnapshotAsOf).OffsetMinutes;

    public string ItemId { get; init; } = ItemId;
    public string SubstitutionGroup { get; init; } = SubstitutionGroup;
    public long OnHand { get; init; } = OnHand;
    public long Reserved { get; init; } = Reserved;
    public long Quarantined { get; init; } = Quarantined;
    public long Available { get; init; } = Available;
    public long Usable { get; init; } = Usable;
    public double DailyConsumption { get; init; } = DailyConsumption;
    public long Discrepancy { get; init; } = Discrepancy;
    public DateTimeOffset? AsOf
    {
        get => StoredTime.JoinOrNone(_asOfTicks, _asOfOffset);
        init => (_asOfTicks, _asOfOffset) = StoredTime.Split(value);
    }
    public IReadOnlyList<ExpiringQuantity> Expiries { get; init; } = Expiries ?? Array.Empty<ExpiringQuantity>();
    public DateTimeOffset? SnapshotAsOf
    {
        get => StoredTime.JoinOrNone(_snapshotAsOfTicks, _snapshotAsOfOffset);
        init => (_snapshotAsOfTicks, _snapshotAsOfOffset) = StoredTime.Split(value);
    }
    public TrendState Trend { get; init; } = Trend;

    /// <summary>The group key: the substitution group, or the item itself when it has none (a group of one).</summary>
    public string GroupKey => SubstitutionGroup.Length > 0 ? SubstitutionGroup : ItemId;

    /// <summary>The stock line as the location's own view shows it (<see cref="ItemStock"/>), rebuilt from these totals.</summary>
    public ItemStock ToItemStock() =>
        new(ItemId, OnHand, Reserved, Quarantined, Available,
            Expiries.Select(e => new Lot(e.LotNumber, e.ExpiresOn, e.Quantity)).ToList(), DailyConsumption,
            DailyConsumption > 0 ? Available / DailyConsumption : null, SnapshotAsOf, AsOf, Discrepancy);

    /// <summary>By value, expiries included.</summary>
    public bool Equals(LocationItemTotals other) =>
        (ItemId, SubstitutionGroup, OnHand, Reserved, Quarantined, Available, Usable, DailyConsumption, Discrepancy)
            == (other.ItemId, other.SubstitutionGroup, other.OnHand, other.Reserved, other.Quarantined, other.Available, other.Usable,
                other.DailyConsumption, other.Discrepancy)
        && (AsOf, SnapshotAsOf, Trend) == (other.AsOf, other.SnapshotAsOf, other.Trend)
        && Expiries.SequenceEqual(other.Expiries);

    public override bool Equals(object? obj) => obj is LocationItemTotals other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(ItemId, OnHand, Usable, DailyConsumption);
    public static bool operator ==(LocationItemTotals a, LocationItemTotals b) => a.Equals(b);
    public static bool operator !=(LocationItemTotals a, LocationItemTotals b) => !a.Equals(b);
}

/// <summary>
/// The whole per-item totals of one location at one ledger version: what a location publishes to its
/// region. Whole, not a delta, so a publication can be repeated, reordered or lost and the newest
/// version alone still gives the right figures.
/// </summary>
/// <param name="Version">The location ledger's version (grows by one per accepted report).</param>
/// <param name="LastAsOf">The location's newest as-of (what staleness is judged on); null if it never reported.</param>
/// <param name="UsableOn">The date usable stock was computed for (UTC date of the publication).</param>
public sealed record LocationTotals(
    string LocationId,
    string RegionCode,
    string HealthcareRegion,
    long Version,
    DateTimeOffset? LastAsOf,
    DateTimeOffset? LastReceivedAt,
    DateOnly UsableOn,
    IReadOnlyList<LocationItemTotals> Items);

/// <summary>When a location last reported, as the region and nation know it (no stock lines).</summary>
public sealed record LocationStatus(
    string LocationId,
    string HealthcareRegion,
    long Version,
    DateTimeOffset? LastAsOf,
    DateTimeOffset? LastReceivedAt,
    DateOnly UsableOn);

/// <summary>
/// Sums over the locations of one region that lie in one healthcare region, for one item
/// (<see cref="CoverageSubject.Item"/>, <see cref="Key"/> = item id) or one substitution group
/// (<see cref="CoverageSubject.SubstitutionGroup"/>, <see cref="Key"/> = group key: the group, or the item id of an item
/// without one). <see cref="Locations"/> counts distinct locations, so rows of different regions (or
/// healthcare regions) add up without double counting.
/// </summary>
/// <param name="SubstitutionGroup">The item's group (item rows), or the group itself (group rows; "" for a group of one).</param>
/// <param name="OldestAsOf">The oldest last as-of among the contributing locations: if that is fresh, none of the row is stale.</param>
/// <param name="Trend">The sum of the locations' trend states (they add up: <see cref="TrendState"/>).</param>
/// <param name="Expiries">Walkable stock per expiry week and <paramref name="Unlotted"/> stock without one (<see cref="WalkableStock"/>): what a
/// projection walks (docs/projection.md#walk).</param>
public sealed record AggregateRow(
    string HealthcareRegion,
    CoverageSubject Subject,
    string Key,
    string SubstitutionGroup,
    long OnHand,
    long Reserved,
    long Quarantined,
    long Available,
    long Usable,
    double DailyConsumption,
    int Locations,
    int LocationsWithDiscrepancy,
    DateTimeOffset? OldestAsOf,
    DateTimeOffset? NewestAsOf,
    TrendState Trend = default,
    IReadOnlyList<ExpiringQuantity>? Expiries = null,
    long Unlotted = 0)
{
    /// <summary>Usable / daily consumption; null when nothing is consumed.</summary>
    public double? DaysOfSupply => DailyConsumption > 0 ? Usable / DailyConsumption : null;

    /// <summary>By value, expiries included (a record would compare the list by reference).</summary>
    public bool Equals(AggregateRow? other) =>
        other is not null && (HealthcareRegion, Subject, Key, SubstitutionGroup, OnHand, Reserved, Quarantined, Available, Usable)
            == (other.HealthcareRegion, other.Subject, other.Key, other.SubstitutionGroup, other.OnHand, other.Reserved, other.Quarantined,
                other.Available, other.Usable)
        && (DailyConsumption, Locations, LocationsWithDiscrepancy, OldestAsOf, NewestAsOf, Trend, Unlotted)
            == (other.DailyConsumption, other.Locations, other.LocationsWithDiscrepancy, other.OldestAsOf, other.NewestAsOf, other.Trend, other.Unlotted)
        && (Expiries ?? []).SequenceEqual(other.Expiries ?? []);

    public override int GetHashCode() => HashCode.Combine(HealthcareRegion, Subject, Key, OnHand, Usable, DailyConsumption, Locations);
}

/// <summary>
/// What a region publishes to the nation: its per-item and per-group totals and its locations'
/// reporting times, at one region version (newest wins at the nation).
/// </summary>
public sealed record RegionTotals(
    string RegionCode,
    long Version,
    IReadOnlyList<LocationStatus> Locations,
    IReadOnlyList<AggregateRow> Rows);

/// <summary>A region aggregate as it is now: the last-known totals of each location, and the region rows derived from them.</summary>
/// <param name="PushedVersion">The newest version the nation has acknowledged (-1: none since this activation).</param>
public sealed record RegionView(
    string RegionCode,
    long Version,
    long PushedVersion,
    IReadOnlyList<LocationTotals> Locations,
    IReadOnlyList<AggregateRow> Rows);

/// <summary>The national aggregate: the newest totals of every region, ordered by region code.</summary>
public sealed record NationalTotals(long Version, IReadOnlyList<RegionTotals> Regions);

/// <summary>Which part of the national totals to return; empty lists and a null subject mean everything.</summary>
/// <param name="Keys">Item ids and/or group keys.</param>
public sealed record AggregateFilter(IReadOnlyList<string> RegionCodes, CoverageSubject? Subject, IReadOnlyList<string> Keys)
{
    public static readonly AggregateFilter All = new([], null, []);
}

/// <summary>What a rebuild found: regions and locations asked, and how many of those locations have reported.</summary>
public sealed record RebuildResult(int Regions, int Locations, int LocationsReported, long Version);
