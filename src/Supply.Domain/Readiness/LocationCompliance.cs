using System.Runtime.InteropServices;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;

namespace Supply.Domain.Readiness;

/// <summary>
/// Location-level target lines of one region, held to their targets and summed per region, healthcare region and key:
/// all the daily record and the compliance map need of them (whole units add up exactly, in any order).
/// </summary>
/// <param name="RegionCode">The region the catalog places the locations in.</param>
/// <param name="HealthcareRegion">Their healthcare region (<see cref="HealthcareRegions.Of(Catalog.Location)"/>).</param>
/// <param name="Lines">Target lines summed here (one per location and key); <paramref name="LinesCompliant"/> of them without a gap.</param>
public sealed record CompliancePart(
    string RegionCode, string HealthcareRegion, CoverageSubject Subject, string Key, long TargetUnits, long GapUnits, int Lines, int LinesCompliant);

/// <summary>What a region aggregate is asked: the location-level targets, and where the catalog places each location they may apply to.</summary>
/// <param name="CatalogVersion">The catalog <paramref name="Places"/> come from: with the targets, it names the request (a region reuses its answer).</param>
/// <param name="Places">Catalog locations by id; a location not listed has no target line (not in the catalog, or no target applies to it).</param>
public sealed record LocationComplianceRequest(long CatalogVersion, IReadOnlyList<ReadinessTarget> Targets, IReadOnlyDictionary<string, AreaPlace> Places)
{
    public bool SameAs(LocationComplianceRequest other) =>
        CatalogVersion == other.CatalogVersion && Targets.SequenceEqual(other.Targets);
}

/// <summary>
/// A region's answer. <paramref name="Home"/>: its locations the catalog places in it, summed. <paramref name="Away"/>: locations
/// it still holds that the catalog places elsewhere (they moved and have not reported since), each apart, so the reader can
/// count every location once, as the snapshot does (<see cref="LocationCompliance.Counted"/>).
/// </summary>
/// <param name="HomeLocationIds">The listed locations the region holds and the catalog places in it (ordinal order).</param>
public sealed record RegionComplianceParts(
    string RegionCode, IReadOnlyList<string> HomeLocationIds, IReadOnlyList<CompliancePart> Home, IReadOnlyList<AwayLocationParts> Away);

/// <summary>The parts of one location a region holds although the catalog places it in another region.</summary>
public sealed record AwayLocationParts(string LocationId, IReadOnlyList<CompliancePart> Parts);

/// <summary>
/// Compliance of location-level targets from a region aggregate's own data: each location's rows (an item; a group summed
/// over its items in item order, as <see cref="CoverageRollup.Rows"/> sums them) held to the most specific matching target
/// (<see cref="Compliance.TargetFor"/>), the lines summed per region, healthcare region and key. The same figures as rolling
/// up location coverage rows and <see cref="Compliance.Lines"/>, without making a row per location and key.
/// </summary>
public static class LocationCompliance
{
    /// <summary>The location-level targets and the places of the catalog locations any of them can apply to (by kind and region).</summary>
    public static LocationComplianceRequest Request(long catalogVersion, IEnumerable<Catalog.Location> locations, IReadOnlyList<ReadinessTarget> targets)
    {
        var atLocation = targets.Where(t => t.Level == CoverageLevel.Location).ToList();
        var places = new Dictionary<string, AreaPlace>(StringComparer.Ordinal);
        foreach (var l in locations)
            if (atLocation.Any(t => Applies(t, l.Kind, l.RegionCode)))
                places[l.Id] = new AreaPlace(l.RegionCode, HealthcareRegions.Of(l), l.Kind);
        return new LocationComplianceRequest(catalogVersion, atLocation, places);
    }

    /// <summary>What region <paramref name="regionCode"/> answers for the locations it holds.</summary>
    public static RegionComplianceParts Of(string regionCode, IEnumerable<LocationTotals> locations, LocationComplianceRequest request)
    {
        var home = new PartSums();
        var homeIds = new List<string>();
        var away = new List<AwayLocationParts>();
        var indexes = new Dictionary<AreaPlace, TargetIndex>();
        var groups = new Dictionary<string, (long Usable, double Daily)>(StringComparer.Ordinal); // reused per location
        foreach (var location in locations)
        {
            if (!request.Places.TryGetValue(location.LocationId, out var place)) continue;
            if (!indexes.TryGetValue(place, out var index)) indexes[place] = index = new TargetIndex(request.Targets, place);
            if (place.RegionCode == regionCode)
            {
                homeIds.Add(location.LocationId);
                Add(home.At(place), location, index, groups);
            }
            else
            {
                var own = new PartSums();
                Add(own.At(place), location, index, groups);
                away.Add(new AwayLocationParts(location.LocationId, own.ToList()));
            }
        }
        homeIds.Sort(StringComparer.Ordinal);
        away.Sort((a, b) => string.CompareOrdinal(a.LocationId, b.LocationId));
        return new RegionComplianceParts(regionCode, homeIds, home.ToList(), away);
    }

    /// <summary>
    /// The parts to count, each location once, as the snapshot of published totals counts it: the copy of the region the
    /// catalog places it in, or, if that region does not hold it, the first region's (in <paramref name="regions"/>' order).
    /// </summary>
    public static IReadOnlyList<CompliancePart> Counted(IEnumerable<RegionComplianceParts> regions)
    {
        var all = regions.ToList();
        var atHome = all.SelectMany(r => r.HomeLocationIds).ToHashSet(StringComparer.Ordinal);
        var awayCounted = new HashSet<string>(StringComparer.Ordinal);
        var parts = new List<CompliancePart>();
        foreach (var region in all)
        {
            parts.AddRange(region.Home);
            foreach (var moved in region.Away)
                if (!atHome.Contains(moved.LocationId) && awayCounted.Add(moved.LocationId)) parts.AddRange(moved.Parts);
        }
        return parts;
    }

    /// <summary>One location's target lines, added to <paramref name="sums"/> (its region's and healthcare region's).</summary>
    private static void Add(Dictionary<(CoverageSubject, string), LineSums> sums, LocationTotals location, TargetIndex index,
        Dictionary<string, (long Usable, double Daily)> groups)
    {
        if (index.IsEmpty) return;
        // Published totals are an array in item order; anything else is copied and sorted (a group sums its items in item order).
        var items = location.Items is LocationItemTotals[] array && InItemOrder(array) ? array
            : location.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).ToArray();
        if (index.HasItemTargets)
            for (var i = 0; i < items.Length; i++)
            {
                ref readonly var item = ref items[i];
                if (index.For(CoverageSubject.Item, item.ItemId) is { } target)
                    Add(sums, CoverageSubject.Item, item.ItemId, item.Usable, 0.0 + item.DailyConsumption, target.Days);
            }
        if (!index.HasGroupTargets) return;
        // A group's figures are its items' summed in item order (CoverageRollup.Rows' order), so the floating-point sum is the same.
        groups.Clear();
        for (var i = 0; i < items.Length; i++)
        {
            ref readonly var item = ref items[i];
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, item.GroupKey, out _);
            sum = (sum.Usable + item.Usable, sum.Daily + item.DailyConsumption);
        }
        foreach (var (key, (usable, daily)) in groups)
            if (index.For(CoverageSubject.SubstitutionGroup, key) is { } target)
                Add(sums, CoverageSubject.SubstitutionGroup, key, usable, daily, target.Days);
    }

    private static void Add(Dictionary<(CoverageSubject, string), LineSums> sums, CoverageSubject subject, string key, long usable, double daily,
        double targetDays)
    {
        var (target, gap) = Compliance.TargetAndGap(usable, daily, targetDays);
        ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (subject, key), out _);
        s = new LineSums(s.Target + target, s.Gap + gap, s.Lines + 1, s.Compliant + (gap == 0 ? 1 : 0));
    }

    private static bool InItemOrder(LocationItemTotals[] items)
    {
        for (var i = 1; i < items.Length; i++)
            if (string.CompareOrdinal(items[i - 1].ItemId, items[i].ItemId) > 0) return false;
        return true;
    }

    /// <summary>Whether a location-level target can apply to a location of this kind and region (its key decides the rest).</summary>
    private static bool Applies(ReadinessTarget t, Catalog.LocationKind kind, string regionCode) =>
        (t.Kind == Catalog.LocationKind.Unspecified || t.Kind == kind) && (t.RegionCode.Length == 0 || t.RegionCode == regionCode);

    /// <summary>
    /// The location-level targets that apply at one place, looked up by key: the same choice as <see cref="Compliance.TargetFor"/>
    /// (highest specificity, the first listed of equals), without scanning every target for every row.
    /// </summary>
    private sealed class TargetIndex
    {
        private readonly Dictionary<(CoverageSubject, string), (ReadinessTarget Target, int Order)> _named = [];
        private readonly (ReadinessTarget Target, int Order)? _everyGroup;

        public TargetIndex(IReadOnlyList<ReadinessTarget> targets, AreaPlace place)
        {
            for (var i = 0; i < targets.Count; i++)
            {
                var t = targets[i];
                if (t.Level != CoverageLevel.Location || !Applies(t, place.Kind, place.RegionCode)) continue;
                if (t.Key == ReadinessTargets.EveryGroup)
                {
                    if (t.Subject != CoverageSubject.SubstitutionGroup) continue; // "*" counts for groups only
                    if (_everyGroup is not { } e || t.Specificity > e.Target.Specificity) _everyGroup = (t, i);
                    HasGroupTargets = true;
                    continue;
                }
                if (!_named.TryGetValue((t.Subject, t.Key), out var held) || t.Specificity > held.Target.Specificity) _named[(t.Subject, t.Key)] = (t, i);
                if (t.Subject == CoverageSubject.Item) HasItemTargets = true; else HasGroupTargets = true;
            }
        }

        public bool HasItemTargets { get; }
        public bool HasGroupTargets { get; }
        public bool IsEmpty => !HasItemTargets && !HasGroupTargets;

        public ReadinessTarget? For(CoverageSubject subject, string key)
        {
            (ReadinessTarget Target, int Order)? named = _named.Count > 0 && _named.TryGetValue((subject, key), out var n) ? n : null;
            var every = subject == CoverageSubject.SubstitutionGroup ? _everyGroup : null;
            if (named is not { } a) return every?.Target;
            if (every is not { } b) return a.Target;
            // The more specific wins; of equals, the one listed first (TargetFor keeps the first it meets).
            return a.Target.Specificity > b.Target.Specificity || (a.Target.Specificity == b.Target.Specificity && a.Order < b.Order) ? a.Target : b.Target;
        }
    }

    private readonly record struct LineSums(long Target, long Gap, int Lines, int Compliant);

    /// <summary>Target lines summed per (region, healthcare region), then per (subject, key): one look-up of the place per location.</summary>
    private sealed class PartSums
    {
        private readonly Dictionary<(string Region, string Hcr), Dictionary<(CoverageSubject, string), LineSums>> _sums = [];

        public Dictionary<(CoverageSubject, string), LineSums> At(AreaPlace place)
        {
            if (!_sums.TryGetValue((place.RegionCode, place.HealthcareRegion), out var sums))
                _sums[(place.RegionCode, place.HealthcareRegion)] = sums = [];
            return sums;
        }

        public IReadOnlyList<CompliancePart> ToList() =>
            _sums.SelectMany(area => area.Value.Select(line => new CompliancePart(area.Key.Region, area.Key.Hcr, line.Key.Item1, line.Key.Item2,
                    line.Value.Target, line.Value.Gap, line.Value.Lines, line.Value.Compliant)))
                .OrderBy(p => p.RegionCode, StringComparer.Ordinal).ThenBy(p => p.HealthcareRegion, StringComparer.Ordinal)
                .ThenBy(p => p.Subject).ThenBy(p => p.Key, StringComparer.Ordinal)
                .ToList();
    }
}
