using Supply.Domain.Aggregation;

namespace Supply.Grains.Aggregation;

/// <summary>What a region aggregate stores: the last-known totals of each location and its version.</summary>
[GenerateSerializer]
public sealed class RegionAggregateState
{
    [Id(0)] public Dictionary<string, LocationTotals> Locations { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
}

/// <summary>What the national aggregate stores: the newest totals of each region and its version.</summary>
[GenerateSerializer]
public sealed class NationalAggregateState
{
    [Id(0)] public Dictionary<string, RegionTotals> Regions { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public long Version { get; set; }
}
