using Supply.Domain.Catalog;
using Supply.Domain.Coverage;

namespace Supply.Domain.Readiness;

/// <summary>
/// A readiness target (beredskapslager): the days of supply an item or substitution group should cover, held at one
/// level: each location (optionally only of one kind), each region, each healthcare region, or the nation.
/// </summary>
/// <param name="Key">Item id (<see cref="CoverageSubject.Item"/>), group key, or <see cref="ReadinessTargets.EveryGroup"/>.</param>
/// <param name="Kind">Location level only: just locations of this kind (<see cref="LocationKind.Unspecified"/>: every kind).</param>
/// <param name="RegionCode">Only areas in this region ("" everywhere); at healthcare-region level, the one holding it.</param>
public sealed record ReadinessTarget(string Key, CoverageSubject Subject, double Days, CoverageLevel Level, LocationKind Kind = LocationKind.Unspecified,
    string RegionCode = "")
{
    /// <summary>How specific the target is: a region beats none, a kind beats none, a named key beats "every group".</summary>
    public int Specificity => (RegionCode.Length > 0 ? 4 : 0) + (Kind != LocationKind.Unspecified ? 2 : 0) + (Key != ReadinessTargets.EveryGroup ? 1 : 0);
}

/// <summary>The targets in force and who set them.</summary>
/// <param name="Illustrative">True for the shipped defaults (no administrator has set targets).</param>
public sealed record ReadinessTargetSet(IReadOnlyList<ReadinessTarget> Targets, long Version, bool Illustrative, string Note, string SetBy, DateTimeOffset? SetAt);

/// <summary>Rules for targets: the shipped defaults and validation.</summary>
public static class ReadinessTargets
{
    /// <summary>A group target for every substitution group (and every item without one: a group of one).</summary>
    public const string EveryGroup = "*";

    public const double MaxDays = 3650;
    public const int MaxTargets = 10_000;

    /// <summary>
    /// ILLUSTRATIVE defaults, not policy: every group should cover 30 days in each region and 90 days nationally,
    /// and each hospital 7 days of its own. Shipped so compliance shows something before an administrator sets
    /// the real targets (SetReadinessTargets); always reported as illustrative.
    /// </summary>
    public static ReadinessTargetSet Illustrative { get; } = new(
    [
        new(EveryGroup, CoverageSubject.SubstitutionGroup, 7, CoverageLevel.Location, LocationKind.Hospital),
        new(EveryGroup, CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
        new(EveryGroup, CoverageSubject.SubstitutionGroup, 90, CoverageLevel.Nation),
    ], 0, Illustrative: true, "shipped illustrative defaults: not policy", "", null);

    /// <summary>
    /// Every violation of a set of targets, each naming the field (<c>targets[i].key</c> ...): an item or group the
    /// catalog does not know is refused by name, as are duplicates (same key, subject, level, kind and region).
    /// </summary>
    public static IReadOnlyList<Violation> Validate(IReadOnlyList<ReadinessTarget> targets, CatalogBook catalog)
    {
        var v = new Violations();
        v.Check(targets.Count <= MaxTargets, "targets", $"at most {MaxTargets:N0} targets");
        var groups = catalog.Items.Values.Select(i => i.SubstitutionGroup.Length > 0 ? i.SubstitutionGroup : i.Id).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<(string, CoverageSubject, CoverageLevel, LocationKind, string)>();
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            var at = $"targets[{i}]";
            if (t.Key.Length == 0) v.Add($"{at}.key", "is required: an item id, a substitution group, or \"*\" for every group");
            else if (t.Key == EveryGroup) v.Check(t.Subject == CoverageSubject.SubstitutionGroup, $"{at}.key", "\"*\" (every group) needs by_group");
            else if (t.Subject == CoverageSubject.Item) v.Check(catalog.TryGetItem(t.Key, out _), $"{at}.key", $"unknown item '{t.Key}'");
            else v.Check(groups.Contains(t.Key), $"{at}.key", $"unknown substitution group '{t.Key}'");
            v.Check(double.IsFinite(t.Days) && t.Days > 0 && t.Days <= MaxDays, $"{at}.days", $"must be above 0 and at most {MaxDays:0} days");
            v.Check(Enum.IsDefined(t.Level), $"{at}.level", "is not a coverage level");
            v.Check(Enum.IsDefined(t.Kind), $"{at}.kind", "is not a location kind");
            v.Check(t.Kind == LocationKind.Unspecified || t.Level == CoverageLevel.Location, $"{at}.kind", "a location kind applies only at location level");
            if (t.RegionCode.Length > 0)
            {
                v.Check(Regions.IsRegionCode(t.RegionCode), $"{at}.region_code", $"'{t.RegionCode}' is not a Swedish region code");
                v.Check(t.Level != CoverageLevel.Nation, $"{at}.region_code", "a national target has no region");
            }
            if (!seen.Add((t.Key, t.Subject, t.Level, t.Kind, t.RegionCode))) v.Add(at, "duplicates an earlier target (same key, subject, level, kind and region)");
        }
        return v.Items;
    }
}
