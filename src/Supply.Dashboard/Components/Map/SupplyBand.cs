namespace Supply.Dashboard.Components.Map;

/// <summary>Days-of-supply bands (docs/dashboard.md). Colours from the Okabe–Ito palette, safe for colour-blind readers; the band is always written too.</summary>
public enum SupplyBand { NoData, Critical, Low, Watch, Good }

public static class SupplyBands
{
    public static SupplyBand Of(double? days) => days switch
    {
        null => SupplyBand.NoData,
        < 3 => SupplyBand.Critical,
        < 7 => SupplyBand.Low,
        < 14 => SupplyBand.Watch,
        _ => SupplyBand.Good,
    };

    /// <summary>
    /// The compliance layer's bands, on the same colours: target met (100 %), near it (80 % or more), under it (50 % or
    /// more), far under it (below 50 %), no target line (no data). The percent is always written on the tile too.
    /// </summary>
    public static SupplyBand OfCompliance(double? percent) => percent switch
    {
        null => SupplyBand.NoData,
        < 50 => SupplyBand.Critical,
        < 80 => SupplyBand.Low,
        < 100 => SupplyBand.Watch,
        _ => SupplyBand.Good,
    };

    public static string Fill(SupplyBand band) => band switch
    {
        SupplyBand.Critical => "#D55E00",
        SupplyBand.Low => "#E69F00",
        SupplyBand.Watch => "#F0E442",
        SupplyBand.Good => "#56B4E9",
        _ => "#E0E0E0",
    };

    /// <summary>Text colour with enough contrast on <see cref="Fill"/>.</summary>
    public static string Ink(SupplyBand band) => band == SupplyBand.Critical ? "#FFFFFF" : "#000000";

    /// <summary>The resource key of the band's name.</summary>
    public static string Key(SupplyBand band, MapLayer layer = MapLayer.Coverage) => (layer == MapLayer.Compliance ? "Compliance" : "Band") + band;

    /// <summary>The resource key of the band's short name, written on a tile.</summary>
    public static string ShortKey(SupplyBand band, MapLayer layer = MapLayer.Coverage) => (layer == MapLayer.Compliance ? "ComplianceShort" : "BandShort") + band;
}
