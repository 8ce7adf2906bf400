using CsCheck;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Readiness;
using static Supply.Domain.Tests.PropertyRunner;

namespace Supply.Domain.Tests;

/// <summary>
/// The compliance summaries from location-level lines summed in the region aggregates (<see cref="LocationCompliance"/>) equal
/// the computation they replace: a coverage row per location and key, rolled up from the snapshot's cells, held to its target
/// (<see cref="Compliance.Lines"/>) and summed (<see cref="Compliance.Summaries(IEnumerable{ValueTuple{ComplianceLine, AreaPlace}}, CoverageLevel, DateOnly)"/>).
/// </summary>
public sealed class LocationComplianceTests
{
    private static readonly DateOnly Day = new(2026, 12, 7);

    /// <summary>Items of three groups, two of them without a group (each a group of one).</summary>
    private static readonly (string Id, string Group)[] ItemPool = [("i1", "G1"), ("i2", "G1"), ("i3", "G2"), ("i4", ""), ("i5", ""), ("i6", "G1")];

    /// <summary>Location-kind targets, group and item targets, "*", per-region overrides, and targets above location level.</summary>
    private static readonly ReadinessTarget[] TargetPool =
    [
        new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 7, CoverageLevel.Location, LocationKind.Hospital),
        new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 3, CoverageLevel.Location),
        new("G1", CoverageSubject.SubstitutionGroup, 14, CoverageLevel.Location, LocationKind.Hospital),
        new("G1", CoverageSubject.SubstitutionGroup, 10, CoverageLevel.Location, RegionCode: "12"),
        new("G2", CoverageSubject.SubstitutionGroup, 5.5, CoverageLevel.Location, LocationKind.Hospital, "13"),
        new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 21, CoverageLevel.Location, LocationKind.Pharmacy, "01"),
        new("i4", CoverageSubject.Item, 30, CoverageLevel.Location),
        new("i1", CoverageSubject.Item, 0.1, CoverageLevel.Location, LocationKind.Pharmacy),
        new("i2", CoverageSubject.Item, 2.5, CoverageLevel.Location, RegionCode: "14"),
        new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
        new("G1", CoverageSubject.SubstitutionGroup, 60, CoverageLevel.Region, RegionCode: "01"),
        new("i4", CoverageSubject.Item, 20, CoverageLevel.HealthcareRegion),
        new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 90, CoverageLevel.Nation),
    ];

    private static readonly string[] RegionPool = ["01", "12", "13", "14"];
    private static readonly string[] HallandMunicipalities = ["1380", "1382", ""]; // Södra, Västra, unknown (both)
    private static readonly LocationKind[] KindPool = [LocationKind.Hospital, LocationKind.Pharmacy, LocationKind.MunicipalCare];

    private sealed record Case(IReadOnlyList<Location> Catalog, IReadOnlyList<LocationTotals> Held, IReadOnlyList<ReadinessTarget> Targets);

    /// <summary>
    /// Locations of four regions (Halland split by municipality) and three kinds, each holding some items; a few still held by
    /// a region they moved from (alone, or beside their new region's copy); any subset of the targets, in any order.
    /// </summary>
    private static readonly Gen<Case> Cases =
        Gen.Select(
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 9],
                Gen.Select(Gen.Bool.Array[ItemPool.Length], Gen.Long[0, 400].Array[ItemPool.Length], Gen.Double[0, 20].Array[ItemPool.Length]),
                Gen.Bool).Array[1, 14],
            Gen.Bool.Array[TargetPool.Length], Gen.Int.Array[TargetPool.Length])
        .Select(x =>
        {
            var (locations, pick, order) = x;
            var catalog = new List<Location>();
            var held = new List<LocationTotals>();
            for (var i = 0; i < locations.Length; i++)
            {
                var (region, kind, municipality, moved, (has, usable, daily), unordered) = locations[i];
                var code = RegionPool[region];
                var location = new Location($"se-{code}-l{i:D2}", $"L{i}", KindPool[kind], code, code == "13" ? HallandMunicipalities[municipality] : "");
                catalog.Add(location);
                var items = ItemPool.Select((item, j) => (item, j)).Where(p => has[p.j])
                    .Select(p => new LocationItemTotals(p.item.Id, p.item.Group, usable[p.j], 0, 0, usable[p.j], usable[p.j], daily[p.j], 0, null, []))
                    .ToList();
                if (unordered) items.Reverse(); // published totals are in item order; the sum must not depend on it
                LocationTotals Copy(string holder) => new(location.Id, holder, HealthcareRegions.Of(location), 1, null, null, Day, items);
                // moved 0: held by the region it moved from only; 1: by both; otherwise at home only.
                var from = RegionPool[(region + 1) % RegionPool.Length];
                if (moved is 0 or 1) held.Add(Copy(from) with { HealthcareRegion = HealthcareRegions.Of(from, "") });
                if (moved != 0) held.Add(Copy(code));
            }
            var targets = TargetPool.Select((t, i) => (t, i)).Where(p => pick[p.i]).OrderBy(p => order[p.i]).ThenBy(p => p.i).Select(p => p.t).ToList();
            return new Case(catalog, held, targets);
        });

    [Fact]
    public void Summaries_from_region_parts_equal_summaries_from_location_rows() =>
        ForAll(Cases, c =>
        {
            var (oldLocation, above) = LinesAsBefore(c);
            var parts = PartsFromRegions(c);
            foreach (var level in new[] { CoverageLevel.Region, CoverageLevel.HealthcareRegion, CoverageLevel.Nation })
            {
                var expected = Compliance.Summaries([.. oldLocation, .. above], level, Day);
                Assert.Equal(expected, Compliance.Summaries(above, parts, level, Day));
            }
            // A region and some keys asked for (the map for one group or item, a regional reader): the same lines kept on both sides.
            var keys = new HashSet<string>(StringComparer.Ordinal) { "G1", "i4" };
            var inRegion = Compliance.Summaries(oldLocation.Where(l => l.Place.RegionCode == "12" && keys.Contains(l.Line.Key)), CoverageLevel.Region, Day);
            Assert.Equal(inRegion, Compliance.Summaries([], parts.Where(p => p.RegionCode == "12" && keys.Contains(p.Key)), CoverageLevel.Region, Day));
        }, salt: 1515_2, print: c => $"{c.Catalog.Count} locations, {c.Held.Count} held, targets: {string.Join("; ", c.Targets)}");

    /// <summary>docs/readiness.md's worked example, hospitals h1 and h2 of region 01, from the region's own totals.</summary>
    [Fact]
    public void The_worked_example_from_region_parts()
    {
        Location h1 = new("se-01-h1", "h1", LocationKind.Hospital, "01", ""), h2 = new("se-01-h2", "h2", LocationKind.Hospital, "01", "");
        LocationTotals Held(Location l, long usable, double daily) =>
            new(l.Id, "01", "Stockholm-Gotland", 1, null, null, Day, [new LocationItemTotals("npl:1", "J01", usable, 0, 0, usable, usable, daily, 0, null, [])]);
        ReadinessTarget[] targets = [new("J01", CoverageSubject.SubstitutionGroup, 7, CoverageLevel.Location, LocationKind.Hospital)];
        var region = LocationCompliance.Of("01", [Held(h1, 100, 10), Held(h2, 20, 5)], LocationCompliance.Request(1, [h1, h2], targets));
        var part = Assert.Single(region.Home);
        // 70 + 35 units of target, a gap of 15 at h2: one of two lines compliant (85.7 %).
        Assert.Equal(new CompliancePart("01", "Stockholm-Gotland", CoverageSubject.SubstitutionGroup, "J01", 105, 15, 2, 1), part);
        Assert.Equal(new[] { "se-01-h1", "se-01-h2" }, region.HomeLocationIds);
        var summary = Assert.Single(Compliance.Summaries([], region.Home, CoverageLevel.Region, Day));
        Assert.Equal(85.714286, summary.PercentCompliant, 5);
    }

    [Fact]
    public void Locations_no_target_applies_to_are_not_asked_for()
    {
        Location hospital = new("se-01-h1", "h1", LocationKind.Hospital, "01", ""), pharmacy = new("se-01-p1", "p1", LocationKind.Pharmacy, "01", "");
        var request = LocationCompliance.Request(3, [hospital, pharmacy], ReadinessTargets.Illustrative.Targets);
        Assert.Equal(new[] { "se-01-h1" }, request.Places.Keys);
        Assert.Single(request.Targets); // the hospital target; region and nation targets come from the aggregates' rows
    }

    /// <summary>
    /// The computation replaced, as ReadinessQueries did it: the snapshot (each location once: the copy of the region the catalog
    /// places it in, else the first region's in <see cref="Regions.All"/> order), location rows rolled up from its cells, held to
    /// their targets with the catalog's place; and the lines above location level (shared by both paths).
    /// </summary>
    private static (List<(ComplianceLine Line, AreaPlace Place)> Location, List<(ComplianceLine Line, AreaPlace Place)> Above) LinesAsBefore(Case c)
    {
        var book = c.Catalog.ToDictionary(l => l.Id);
        var published = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
        foreach (var region in Regions.All)
            foreach (var totals in c.Held.Where(h => h.RegionCode == region.Code))
                if (!published.ContainsKey(totals.LocationId) || book[totals.LocationId].RegionCode == totals.RegionCode)
                    published[totals.LocationId] = totals;
        var cells = published.Values.SelectMany(t => AggregateCoverage.Cells(t, stale: false)).ToList();
        AreaPlace? PlaceOf(CoverageRow row) => row.Level switch
        {
            CoverageLevel.Location => book.TryGetValue(row.Area, out var l) ? new AreaPlace(l.RegionCode, HealthcareRegions.Of(l), l.Kind) : null,
            CoverageLevel.Region => new AreaPlace(row.Area, HealthcareRegions.Of(row.Area, ""), LocationKind.Unspecified),
            CoverageLevel.HealthcareRegion => new AreaPlace("", row.Area, LocationKind.Unspecified),
            _ => new AreaPlace("", "", LocationKind.Unspecified),
        };
        var location = new List<(ComplianceLine, AreaPlace)>();
        var above = new List<(ComplianceLine, AreaPlace)>();
        foreach (var (level, subject) in c.Targets.Select(t => (t.Level, t.Subject)).Distinct().Order())
            (level == CoverageLevel.Location ? location : above).AddRange(
                Compliance.Lines(CoverageRollup.Rows(cells, level, subject), PlaceOf, c.Targets));
        return (location, above);
    }

    /// <summary>The new path: each region's answer from the totals it holds, then each location counted once.</summary>
    private static IReadOnlyList<CompliancePart> PartsFromRegions(Case c)
    {
        var request = LocationCompliance.Request(1, c.Catalog, c.Targets);
        return LocationCompliance.Counted(Regions.All.Select(r => LocationCompliance.Of(r.Code, c.Held.Where(h => h.RegionCode == r.Code), request)));
    }
}
