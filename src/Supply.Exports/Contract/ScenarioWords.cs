using V1 = Supply.Contracts.V1;

namespace Supply.Exports;

/// <summary>The names scenario files and docs use for tiers and shortfall bounds (the CLI's table and the exports print the same).</summary>
public static class ScenarioWords
{
    public static string Bound(V1.ShortfallBound bound) => bound switch
    {
        V1.ShortfallBound.NoStockAnywhere => "no-stock-anywhere",
        V1.ShortfallBound.LeadTime => "lead-time",
        V1.ShortfallBound.Reserve => "reserve",
        V1.ShortfallBound.SupplierCap => "supplier-cap",
        V1.ShortfallBound.SharedOut => "shared-out",
        _ => "-",
    };

    public static string Tier(V1.SourceTier tier) => tier switch
    {
        V1.SourceTier.OwnRegion => "own-region",
        V1.SourceTier.SameHealthcareRegion => "same-healthcare-region",
        V1.SourceTier.OtherRegions => "other-regions",
        V1.SourceTier.NationalStockpile => "national-stockpile",
        V1.SourceTier.Suppliers => "suppliers",
        _ => tier.ToString(),
    };
}
