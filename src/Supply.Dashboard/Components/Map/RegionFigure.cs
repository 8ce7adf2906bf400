namespace Supply.Dashboard.Components.Map;

/// <summary>What a region's tile shows: days of supply (null: no consumption, no days), whether any of it is stale, and which row it is.</summary>
public sealed record RegionFigure(double? Days, bool Stale, string Key)
{
    public SupplyBand Band => SupplyBands.Of(Days);
}
