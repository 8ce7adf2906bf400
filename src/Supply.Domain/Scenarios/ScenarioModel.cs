using Supply.Domain.Catalog;
using CatalogRegions = Supply.Domain.Catalog.Regions;

namespace Supply.Domain.Scenarios;

public enum SupplyKind { Item = 0, Group = 1 }

/// <summary>What a casualty uses: one item, or any item of a substitution group.</summary>
public sealed record SupplyRef(SupplyKind Kind, string Id) : IComparable<SupplyRef>
{
    public static SupplyRef Item(string id) => new(SupplyKind.Item, id);
    public static SupplyRef Group(string id) => new(SupplyKind.Group, id);

    public int CompareTo(SupplyRef? other) =>
        other is null ? 1 : Kind != other.Kind ? Kind.CompareTo(other.Kind) : string.CompareOrdinal(Id, other.Id);

    public override string ToString() => $"{(Kind == SupplyKind.Item ? "item" : "group")} {Id}";
}

/// <summary>Where stock can come from, in order of reach (the order sources are tried).</summary>
public enum SourceTier { OwnRegion = 0, SameHealthcareRegion = 1, OtherRegions = 2, NationalStockpile = 3, Suppliers = 4 }

/// <summary>Days from asking to delivery, per source tier. A location may override its tier's figure.</summary>
public sealed record LeadTimes(int OwnRegion = 0, int SameHealthcareRegion = 1, int OtherRegions = 2, int NationalStockpile = 1, int Suppliers = 3)
{
    public static readonly LeadTimes Default = new();

    public int For(SourceTier tier) => tier switch
    {
        SourceTier.OwnRegion => OwnRegion,
        SourceTier.SameHealthcareRegion => SameHealthcareRegion,
        SourceTier.OtherRegions => OtherRegions,
        SourceTier.NationalStockpile => NationalStockpile,
        SourceTier.Suppliers => Suppliers,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "not a source tier"),
    };
}

/// <summary>
/// Per-patient daily use of a supply, for <see cref="Days"/> days from arrival (null: as long as the patient stays).
/// <see cref="IntensiveCareOnly"/>: used by the category's patients in intensive care only (ventilator circuits, ICU PPE).
/// </summary>
public sealed record ProfileUse(SupplyRef Supply, double PerCasualtyPerDay, int? Days = null, string Note = "", bool IntensiveCareOnly = false);

/// <summary>
/// A casualty category (T1, T2, T3, Burns, ...) and what one casualty of it uses. <see cref="Priority"/>: 1 is the most
/// urgent (T1), 5 the least; the fair plan meets higher priorities first. <see cref="Flow"/>: how patients leave
/// (null: every casualty stays for the whole horizon, the behaviour before patient flow).
/// </summary>
public sealed record CasualtyCategory(string Name, IReadOnlyList<ProfileUse> Uses, int Priority = CasualtyCategory.DefaultPriority, PatientFlow? Flow = null)
{
    public const int DefaultPriority = 3, MinPriority = 1, MaxPriority = 5;
}

/// <summary>
/// Patient flow of a category, in the manner of the AHRQ Hospital Surge Model (census day by day from arrivals, length
/// of stay, intensive care, deaths): a patient stays <see cref="LengthOfStayDays"/> days (null: the whole horizon)
/// unless they die first; each day a share <see cref="DeathsPerDay"/> of the census dies; a share
/// <see cref="IntensiveCareShare"/> of arrivals is in intensive care for the first <see cref="IntensiveCareDays"/> days.
/// </summary>
public sealed record PatientFlow(int? LengthOfStayDays = null, double DeathsPerDay = 0, double IntensiveCareShare = 0, int IntensiveCareDays = 0);

/// <summary>A named set of categories with planning factors (major trauma, burns, respiratory surge).</summary>
public sealed record CasualtyProfile(string Id, string Name, string Description, string Source, IReadOnlyList<CasualtyCategory> Categories);

public sealed record CasualtyGroup(string Category, int Count);

/// <summary>Casualties cared for in one region, arriving on <see cref="ArrivalDay"/> (0 = the first day).</summary>
public sealed record AffectedRegion(string RegionCode, IReadOnlyList<CasualtyGroup> Casualties, int ArrivalDay = 0);

/// <summary>
/// A cut in what suppliers can deliver (from a shortage notice) on the days <see cref="From"/>..<see cref="To"/>
/// (inclusive). On those days a supplier can release only <see cref="Factor"/> of the stock it holds,
/// or <see cref="Quantity"/> units less than it holds. Exactly one of the two is set. An empty
/// <see cref="SupplierLocationId"/> means every supplier of the item.
/// </summary>
public sealed record DeliveryReduction(
    string ItemId, DateOnly From, DateOnly To, double? Factor, long? Quantity, string SupplierLocationId = "");

/// <summary>
/// A mass-casualty scenario: casualties by category in affected regions, the profiles that say what each
/// category uses, the horizon, the ordinary-care reserve (days of each region's own consumption that is
/// never given away) and the lead times of each source tier.
/// </summary>
public sealed record Scenario(
    string Id,
    string Name,
    string Description,
    DateOnly Start,
    int HorizonDays,
    double ReserveDays,
    LeadTimes LeadTimes,
    IReadOnlyList<CasualtyProfile> Profiles,
    IReadOnlyList<AffectedRegion> Regions)
{
    public const int MaxHorizonDays = 366;
    public const int MaxLeadTimeDays = 366;

    /// <summary>Checks the rules that do not depend on stock data; field names are the scenario file's.</summary>
    public void Validate(Violations v, string path = "")
    {
        var p = path.Length > 0 ? path + "." : "";
        v.Check(Text.IsToken(Id, 100), $"{p}id", "is required: a token of at most 100 characters without spaces");
        v.Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= Limits.MaxNameLength, $"{p}name", $"is required, at most {Limits.MaxNameLength} characters");
        v.Check(HorizonDays is >= 1 and <= MaxHorizonDays, $"{p}horizon_days", $"must be 1 to {MaxHorizonDays}");
        v.Check(double.IsFinite(ReserveDays) && ReserveDays is >= 0 and <= 3650, $"{p}reserve_days", "must be a number from 0 to 3650");
        foreach (var tier in Enum.GetValues<SourceTier>())
            v.Check(LeadTimes.For(tier) is >= 0 and <= MaxLeadTimeDays, $"{p}lead_times.{ScenarioWords.Of(tier)}", $"must be 0 to {MaxLeadTimeDays} days");

        v.Check(Profiles.Count > 0, $"{p}profiles", "at least one profile is required");
        var categories = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Profiles.Count; i++)
        {
            var profile = Profiles[i];
            v.Check(ids.Add(profile.Id), $"{p}profiles[{i}]", $"profile '{Text.Clip(profile.Id)}' is listed twice");
            foreach (var c in profile.Categories)
                v.Check(categories.Add(c.Name), $"{p}profiles[{i}].categories.{c.Name}",
                    $"category '{Text.Clip(c.Name)}' is defined by two profiles of this scenario");
        }

        v.Check(Regions.Count > 0, $"{p}regions", "at least one affected region is required");
        for (var i = 0; i < Regions.Count; i++)
        {
            var r = Regions[i];
            var rp = $"{p}regions[{i}]";
            v.Check(CatalogRegions.IsRegionCode(r.RegionCode), $"{rp}.region",
                $"'{Text.Clip(r.RegionCode)}' is not a Swedish region code (01, 03-10, 12-14, 17-25)");
            v.Check(r.ArrivalDay >= 0 && r.ArrivalDay < Math.Max(1, HorizonDays), $"{rp}.arrival_day", "must be a day within the horizon (0 = the first day)");
            v.Check(r.Casualties.Count > 0, $"{rp}.casualties", "at least one category is required");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in r.Casualties)
            {
                v.Check(seen.Add(c.Category), $"{rp}.casualties.{c.Category}", "is listed twice");
                v.Check(categories.Contains(c.Category), $"{rp}.casualties.{c.Category}",
                    $"no profile of this scenario defines category '{Text.Clip(c.Category)}'");
                v.Check(c.Count is >= 0 and <= 10_000_000, $"{rp}.casualties.{c.Category}", "must be a count from 0 to 10,000,000");
            }
        }
    }

    /// <summary>Checks a profile on its own (library files and inline profiles).</summary>
    public static void ValidateProfile(CasualtyProfile profile, Violations v, string path)
    {
        var p = path.Length > 0 ? path + "." : "";
        v.Check(Text.IsToken(profile.Id, 100), $"{p}id", "is required: a token of at most 100 characters without spaces");
        v.Check(!string.IsNullOrWhiteSpace(profile.Name), $"{p}name", "is required");
        v.Check(profile.Categories.Count > 0, $"{p}categories", "at least one category is required");
        foreach (var c in profile.Categories)
        {
            var cp = $"{p}categories.{c.Name}";
            v.Check(Text.IsToken(c.Name, 64), cp, "a category name is a token of at most 64 characters without spaces");
            v.Check(c.Priority is >= CasualtyCategory.MinPriority and <= CasualtyCategory.MaxPriority, $"{cp}.priority",
                $"must be {CasualtyCategory.MinPriority} (most urgent) to {CasualtyCategory.MaxPriority}");
            if (c.Flow is { } f)
            {
                v.Check(f.LengthOfStayDays is null or >= 1 and <= MaxHorizonDays, $"{cp}.length_of_stay_days", $"must be 1 to {MaxHorizonDays}");
                v.Check(double.IsFinite(f.DeathsPerDay) && f.DeathsPerDay is >= 0 and <= 1, $"{cp}.deaths_per_day", "must be a share from 0 to 1");
                v.Check(double.IsFinite(f.IntensiveCareShare) && f.IntensiveCareShare is >= 0 and <= 1, $"{cp}.intensive_care.share", "must be a share from 0 to 1");
                v.Check(f.IntensiveCareDays is >= 0 and <= MaxHorizonDays, $"{cp}.intensive_care.days", $"must be 0 to {MaxHorizonDays}");
            }
            for (var i = 0; i < c.Uses.Count; i++)
            {
                var u = c.Uses[i];
                if (u.Supply.Kind == SupplyKind.Item)
                {
                    if (!ItemId.IsValid(u.Supply.Id, out var why)) v.Add($"{cp}[{i}].item", why);
                }
                else v.Check(Text.IsToken(u.Supply.Id, 64), $"{cp}[{i}].group", "must be a token of at most 64 characters without spaces");
                v.Check(double.IsFinite(u.PerCasualtyPerDay) && u.PerCasualtyPerDay is >= 0 and <= 1_000_000,
                    $"{cp}[{i}].per_casualty_per_day", "must be a number from 0 to 1,000,000");
                v.Check(u.Days is null or >= 1, $"{cp}[{i}].days", "must be at least 1 (leave it out for the whole horizon)");
            }
        }
    }
}

/// <summary>The words used for enums in scenario files and messages.</summary>
public static class ScenarioWords
{
    public static string Of(SourceTier tier) => tier switch
    {
        SourceTier.OwnRegion => "own_region",
        SourceTier.SameHealthcareRegion => "same_healthcare_region",
        SourceTier.OtherRegions => "other_regions",
        SourceTier.NationalStockpile => "national_stockpile",
        SourceTier.Suppliers => "suppliers",
        _ => tier.ToString(),
    };

    public static readonly IReadOnlyList<(string Word, LocationKind Kind)> LocationKinds =
    [
        ("hospital", LocationKind.Hospital), ("regional-warehouse", LocationKind.RegionalWarehouse),
        ("municipal-care", LocationKind.MunicipalCare), ("national-stockpile", LocationKind.NationalStockpile),
        ("pharmacy", LocationKind.Pharmacy), ("supplier", LocationKind.Supplier),
    ];
}
