namespace Supply.Dashboard.Components.Map;

/// <summary>What the overview map colours regions by: days of supply (coverage bands) or readiness compliance (percent of target).</summary>
public enum MapLayer { Coverage, Compliance }

/// <summary>
/// What a region's tile shows: days of supply (null: no consumption, no days), whether any of it is stale, and which row
/// it is; on the compliance layer also the percent of the readiness target held (null: no target line in the region).
/// </summary>
public sealed record RegionFigure(double? Days, bool Stale, string Key, MapLayer Layer = MapLayer.Coverage, double? Percent = null)
{
    public SupplyBand Band => Layer == MapLayer.Compliance ? SupplyBands.OfCompliance(Percent) : SupplyBands.Of(Days);
}
