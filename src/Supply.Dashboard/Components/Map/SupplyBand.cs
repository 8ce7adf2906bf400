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
    public static string Key(SupplyBand band) => "Band" + band;
}
