using Supply.Domain.Catalog;
using Supply.Domain.Coverage;

namespace Supply.Domain.Readiness;

/// <summary>How one area complies with the target of one item or group (docs/readiness.md has the formulas and a worked example).</summary>
/// <param name="TargetUnits">Target days × daily consumption, rounded up (a sum of such for rolled-up lines).</param>
/// <param name="GapUnits">max(0, target − usable), summed per target line: surplus in one place never hides a gap in another.</param>
/// <param name="GapDays">Gap units / daily consumption (0 when nothing is consumed).</param>
/// <param name="PercentCompliant">(target − gap) / target × 100; 100 when the target is 0 units.</param>
/// <param name="Lines">Target lines at the target's own level summed here; <paramref name="LinesCompliant"/> of them without a gap.</param>
/// <param name="TargetLevel">The level the targets summed here are held at (<paramref name="Level"/> or one below it).</param>
public sealed record ComplianceLine(
    CoverageLevel Level, string Area, CoverageSubject Subject, string Key, double TargetDays, long TargetUnits, long UsableUnits, long GapUnits,
    double GapDays, double PercentCompliant, double DailyConsumption, int Lines, int LinesCompliant, CoverageLevel TargetLevel);

/// <summary>Where an area lies: its region ("" above region level), healthcare region ("" at nation) and, for a location, its kind.</summary>
public sealed record AreaPlace(string RegionCode, string HealthcareRegion, LocationKind Kind);

/// <summary>Compliance of all items and groups of one area on one day: what the daily record keeps.</summary>
public sealed record ComplianceSummary(
    DateOnly Day, CoverageLevel Level, string Area, long TargetUnits, long UsableTowardTarget, long GapUnits, double PercentCompliant, int Lines, int LinesCompliant);

/// <summary>
/// Compliance with readiness targets, from coverage rows (usable stock and daily consumption per area and item or group,
/// as the aggregates give them). Each row is held to the most specific target of its level that matches it; those are
/// the target lines. Higher levels show their own target lines and sum those of each level below, one line per target level.
/// </summary>
public static class Compliance
{
    /// <summary>One row against <paramref name="targetDays"/>.</summary>
    public static ComplianceLine Line(CoverageRow row, double targetDays)
    {
        var daily = row.Figures.DailyConsumption;
        var (target, gap) = TargetAndGap(row.Figures.Usable, daily, targetDays);
        return new ComplianceLine(row.Level, row.Area, row.Subject, row.Key, targetDays, target, row.Figures.Usable, gap,
            daily > 0 ? gap / daily : 0, Percent(target, gap), daily, 1, gap == 0 ? 1 : 0, row.Level);
    }

    /// <summary>Target units (⌈days × daily⌉) and the gap below them for usable stock <paramref name="usable"/>.</summary>
    public static (long Target, long Gap) TargetAndGap(long usable, double daily, double targetDays)
    {
        var target = Units(targetDays * daily);
        return (target, Math.Max(0, target - usable));
    }

    /// <summary>The most specific target of the row's level that matches it, or null (the row has no target).</summary>
    public static ReadinessTarget? TargetFor(CoverageRow row, AreaPlace place, IReadOnlyList<ReadinessTarget> targets)
    {
        ReadinessTarget? best = null;
        foreach (var t in targets)
        {
            if (t.Level != row.Level || t.Subject != row.Subject) continue;
            if (t.Key != row.Key && !(t.Key == ReadinessTargets.EveryGroup && row.Subject == CoverageSubject.SubstitutionGroup)) continue;
            if (t.Kind != LocationKind.Unspecified && t.Kind != place.Kind) continue;
            if (t.RegionCode.Length > 0 && !InRegion(row.Level, place, t.RegionCode)) continue;
            if (best is null || t.Specificity > best.Specificity) best = t;
        }
        return best;
    }

    /// <summary>The target lines: every row that has a target, held to it.</summary>
    public static IReadOnlyList<(ComplianceLine Line, AreaPlace Place)> Lines(
        IEnumerable<CoverageRow> rows, Func<CoverageRow, AreaPlace?> placeOf, IReadOnlyList<ReadinessTarget> targets)
    {
        var lines = new List<(ComplianceLine, AreaPlace)>();
        foreach (var row in rows)
            if (placeOf(row) is { } place && TargetFor(row, place, targets) is { } target)
                lines.Add((Line(row, target.Days), place));
        return lines;
    }

    /// <summary>
    /// Compliance at <paramref name="level"/>: the target lines of that level, and those of each level below summed per
    /// area of that level, key and target level (targets of different levels are never mixed in one line). Worst first.
    /// </summary>
    public static IReadOnlyList<ComplianceLine> AtLevel(IEnumerable<(ComplianceLine Line, AreaPlace Place)> lines, CoverageLevel level) =>
        WorstFirst(lines.Where(l => l.Line.TargetLevel <= level)
            .GroupBy(l => (Area: AreaAt(level, l.Line, l.Place), l.Line.Subject, l.Line.Key, l.Line.TargetLevel))
            .Select(g => Sum(level, g.Key.Area, g.Key.Subject, g.Key.Key, g.Key.TargetLevel, g.Select(x => x.Line).ToList())));

    /// <summary>Per area of <paramref name="level"/>, all items, groups and target levels together (units weigh): the daily record's figures.</summary>
    public static IReadOnlyList<ComplianceSummary> Summaries(IEnumerable<(ComplianceLine Line, AreaPlace Place)> lines, CoverageLevel level, DateOnly day) =>
        AtLevel(lines, level).GroupBy(l => l.Area, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                long target = g.Sum(l => l.TargetUnits), gap = g.Sum(l => l.GapUnits);
                return new ComplianceSummary(day, level, g.Key, target, target - gap, gap, Percent(target, gap), g.Sum(l => l.Lines), g.Sum(l => l.LinesCompliant));
            })
            .ToList();

    /// <summary>
    /// The same figures as <see cref="Summaries(IEnumerable{ValueTuple{ComplianceLine, AreaPlace}}, CoverageLevel, DateOnly)"/> over
    /// <paramref name="lines"/> and the location-level lines <paramref name="locationParts"/> sum (a summary only adds whole units,
    /// so lines summed beforehand give the same result): what the daily record and the compliance map read, at region level or above.
    /// </summary>
    public static IReadOnlyList<ComplianceSummary> Summaries(IEnumerable<(ComplianceLine Line, AreaPlace Place)> lines,
        IEnumerable<CompliancePart> locationParts, CoverageLevel level, DateOnly day)
    {
        if (level == CoverageLevel.Location) throw new ArgumentException("parts are summed per region: summaries at region level or above", nameof(level));
        var sums = new SortedDictionary<string, (long Target, long Gap, int Lines, int Compliant)>(StringComparer.Ordinal);
        void Add(string area, long target, long gap, int count, int compliant)
        {
            var s = sums.GetValueOrDefault(area);
            sums[area] = (s.Target + target, s.Gap + gap, s.Lines + count, s.Compliant + compliant);
        }
        foreach (var (line, place) in lines)
            if (line.TargetLevel <= level) Add(AreaAt(level, line, place), line.TargetUnits, line.GapUnits, line.Lines, line.LinesCompliant);
        foreach (var p in locationParts)
            Add(level switch { CoverageLevel.Region => p.RegionCode, CoverageLevel.HealthcareRegion => p.HealthcareRegion, _ => CoverageRollup.Nation },
                p.TargetUnits, p.GapUnits, p.Lines, p.LinesCompliant);
        return sums.Select(kv => new ComplianceSummary(day, level, kv.Key, kv.Value.Target, kv.Value.Target - kv.Value.Gap, kv.Value.Gap,
            Percent(kv.Value.Target, kv.Value.Gap), kv.Value.Lines, kv.Value.Compliant)).ToList();
    }

    /// <summary>Least compliant first, then the largest gap in days and units; ties by level, area, subject, key, target level.</summary>
    public static IReadOnlyList<ComplianceLine> WorstFirst(IEnumerable<ComplianceLine> lines) =>
        lines.OrderBy(l => l.PercentCompliant).ThenByDescending(l => l.GapDays).ThenByDescending(l => l.GapUnits)
            .ThenBy(l => l.Level).ThenBy(l => l.Area, StringComparer.Ordinal).ThenBy(l => l.Subject).ThenBy(l => l.Key, StringComparer.Ordinal)
            .ThenBy(l => l.TargetLevel)
            .ToList();

    /// <summary>The area of <paramref name="level"/> a line lies in.</summary>
    public static string AreaAt(CoverageLevel level, ComplianceLine line, AreaPlace place) =>
        level == line.Level ? line.Area : level switch
        {
            CoverageLevel.Region => place.RegionCode,
            CoverageLevel.HealthcareRegion => place.HealthcareRegion,
            CoverageLevel.Nation => CoverageRollup.Nation,
            _ => line.Area,
        };

    private static ComplianceLine Sum(CoverageLevel level, string area, CoverageSubject subject, string key, CoverageLevel targetLevel,
        IReadOnlyList<ComplianceLine> parts)
    {
        if (parts is [var one] && one.Level == level) return one;
        long target = 0, usable = 0, gap = 0;
        double daily = 0;
        int lines = 0, compliant = 0;
        foreach (var p in parts)
        {
            target += p.TargetUnits; usable += p.UsableUnits; gap += p.GapUnits; daily += p.DailyConsumption;
            lines += p.Lines; compliant += p.LinesCompliant;
        }
        var days = daily > 0 ? target / daily : parts.Max(p => p.TargetDays);
        return new ComplianceLine(level, area, subject, key, days, target, usable, gap, daily > 0 ? gap / daily : 0, Percent(target, gap), daily, lines,
            compliant, targetLevel);
    }

    private static bool InRegion(CoverageLevel level, AreaPlace place, string regionCode) => level switch
    {
        CoverageLevel.HealthcareRegion => HealthcareRegions.OfRegion(regionCode).Contains(place.HealthcareRegion)
            || place.HealthcareRegion.Split('|').Any(HealthcareRegions.OfRegion(regionCode).Contains),
        _ => place.RegionCode == regionCode,
    };

    private static double Percent(long target, long gap) => target <= 0 ? 100 : (target - gap) * 100.0 / target;

    /// <summary>Whole units, rounded up; the small epsilon keeps 30 × 0.1 at 3, not 4.</summary>
    private static long Units(double x) => x <= 0 || !double.IsFinite(x) ? 0 : x >= 1e15 ? long.MaxValue / 4 : (long)Math.Ceiling(x - 1e-9);
}
