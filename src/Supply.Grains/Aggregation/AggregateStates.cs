using Supply.Domain.Aggregation;

namespace Supply.Grains.Aggregation;

/// <summary>What a region aggregate stores in its own state: its version and which locations have a row of their own.</summary>
/// <remarks>
/// Each location's totals are a <see cref="RegionLocationRow"/> beside it (RegionAggregateGrain), so a write stores the
/// locations that changed, not the whole region. States written before that hold every location in <see cref="Locations"/>;
/// they are read, and rewritten as rows on the next write.
/// </remarks>
[GenerateSerializer]
public sealed class RegionAggregateState
{
    [Id(0)] public Dictionary<string, LocationTotals> Locations { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
    /// <summary>The locations whose totals are stored as rows; null in states written before rows.</summary>
    [Id(2)] public List<string>? LocationRows { get; set; }
}

/// <summary>One location's totals as its region aggregate stores them.</summary>
[GenerateSerializer]
public sealed class RegionLocationRow
{
    [Id(0)] public LocationTotals? Totals { get; set; }
}

/// <summary>What the national aggregate stores: the newest totals of each region and its version.</summary>
/// <remarks>
/// Regions are stored in <see cref="StoredRegions"/>, column by column (RegionTotalsSurrogate). States written before
/// that hold them as JSON in <see cref="Regions"/>; they are read, and stored as columns on the next write.
/// </remarks>
[GenerateSerializer]
public sealed class NationalAggregateState
{
    [Id(0)] public Dictionary<string, RegionTotals> Regions { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
    [Id(2)] public List<StoredRegionTotals>? StoredRegions { get; set; }

    /// <summary>Every region's totals, from whichever form the state was stored in.</summary>
    public IEnumerable<RegionTotals> AllRegions() => StoredRegions?.Select(r => r.Totals) ?? Regions.Values;
}
