using Supply.Domain.Coverage;

namespace Supply.Domain.Aggregation;

/// <summary>
/// Coverage rows (<see cref="CoverageRow"/>) from the aggregates instead of from every location:
/// the national totals give usable stock, consumption and location counts per region, healthcare region
/// and nation; only the stale part needs per-location figures, and those come from the region views of
/// the regions that have stale locations (at most one call per region, never one per location).
/// </summary>
public static class AggregateCoverage
{
    /// <summary>The coverage cells of one location's published totals (the same figures <see cref="CoverageCell.Of"/> gives).</summary>
    public static IEnumerable<CoverageCell> Cells(LocationTotals totals, bool stale) => totals.Items.Select(i => Cell(totals, i, stale));

    /// <summary>One item of a location as a cell (all its usable stock stale when the location is).</summary>
    public static CoverageCell Cell(LocationTotals totals, LocationItemTotals item, bool stale) =>
        new(totals.LocationId, totals.RegionCode, totals.HealthcareRegion, item.ItemId,
            item.SubstitutionGroup, new CoverageFigures(item.Usable, item.DailyConsumption, stale ? item.Usable : 0));

    /// <summary>
    /// Per region, the locations whose data is stale (<see cref="Staleness.IsStale"/>) and that hold stock
    /// figures (a location that never reported contributes nothing to any row). Regions without any are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> StaleLocations(IEnumerable<RegionTotals> regions, TimeSpan window, DateTimeOffset now) =>
        regions
            .Select(r => (r.RegionCode, Stale: r.Locations.Where(l => l.Version > 0 && Staleness.IsStale(l.LastAsOf, window, now))
                .Select(l => l.LocationId).ToHashSet(StringComparer.Ordinal)))
            .Where(x => x.Stale.Count > 0)
            .ToDictionary(x => x.RegionCode, x => (IReadOnlySet<string>)x.Stale, StringComparer.Ordinal);

    /// <summary>The cells of the stale locations, taken from their regions' views.</summary>
    public static IEnumerable<CoverageCell> StaleCells(IEnumerable<RegionView> views, IReadOnlyDictionary<string, IReadOnlySet<string>> staleByRegion) =>
        views.SelectMany(v => staleByRegion.TryGetValue(v.RegionCode, out var stale)
            ? v.Locations.Where(l => stale.Contains(l.LocationId)).SelectMany(l => Cells(l, stale: true))
            : []);

    /// <summary>
    /// Rows per area of <paramref name="level"/> (<see cref="CoverageLevel.Region"/>, <see cref="CoverageLevel.HealthcareRegion"/>
    /// or <see cref="CoverageLevel.Nation"/>) and per item or substitution group, ordered by area then key, as
    /// <see cref="CoverageRollup.Rows"/> orders them. <paramref name="staleCells"/> (from <see cref="StaleCells"/>) gives each
    /// row its stale usable stock; without them nothing counts as stale. Location-level rows come from region
    /// views: <c>CoverageRollup.Rows(view.Locations.SelectMany(l => Cells(l, stale)), CoverageLevel.Location, subject)</c>.
    /// </summary>
    public static IReadOnlyList<CoverageRow> Rows(
        IEnumerable<RegionTotals> regions, CoverageLevel level, CoverageSubject subject, IEnumerable<CoverageCell>? staleCells = null)
    {
        if (level == CoverageLevel.Location)
            throw new ArgumentException("location rows come from the region views (Cells), not from region totals", nameof(level));
        var stale = staleCells is null
            ? new Dictionary<(string, string), long>()
            : CoverageRollup.Rows(staleCells, level, subject).ToDictionary(r => (r.Area, r.Key), r => r.Figures.Usable);
        return regions
            .OrderBy(r => r.RegionCode, StringComparer.Ordinal)
            .SelectMany(r => r.Rows.Where(x => x.Subject == subject).Select(x => (Area: AreaOf(r.RegionCode, x.HealthcareRegion, level), Row: x)))
            .GroupBy(x => (x.Area, x.Row.Key))
            .OrderBy(g => g.Key.Area, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                long usable = 0;
                double daily = 0;
                var locations = 0;
                foreach (var (_, row) in g) { usable += row.Usable; daily += row.DailyConsumption; locations += row.Locations; }
                var staleUsable = Math.Min(usable, stale.GetValueOrDefault((g.Key.Area, g.Key.Key)));
                return new CoverageRow(level, g.Key.Area, subject, g.Key.Key, new CoverageFigures(usable, daily, staleUsable), locations);
            })
            .ToList();
    }

    private static string AreaOf(string regionCode, string healthcareRegion, CoverageLevel level) => level switch
    {
        CoverageLevel.Region => regionCode,
        CoverageLevel.HealthcareRegion => healthcareRegion,
        CoverageLevel.Nation => CoverageRollup.Nation,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not an aggregate level"),
    };
}
