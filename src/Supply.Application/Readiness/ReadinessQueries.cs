using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Readiness;
using Supply.Grains.Catalog;
using Supply.Grains.Readiness;
using Supply.Server.Coverage;

namespace Supply.Application.Readiness;

/// <summary>What a compliance query asks for: a level, optionally regions (empty: all) and one key ("" all), at most <c>Limit</c> lines (0: 100).</summary>
public sealed record ComplianceQuery(CoverageLevel Level, IReadOnlyCollection<string>? RegionCodes = null, string Key = "", int Limit = 0);

/// <summary>Compliance lines, worst first, and whether the targets are the illustrative defaults.</summary>
public sealed record ComplianceView(DateTimeOffset At, bool IllustrativeTargets, IReadOnlyList<ComplianceLine> Lines);

/// <summary>
/// Readiness targets (kept by <see cref="IReadinessGrain"/>) and compliance with them, computed from coverage rows that
/// <see cref="AggregateReader"/> answers from the aggregates. Access is the caller's business; arguments are checked here.
/// </summary>
public sealed class ReadinessQueries(IGrainFactory grains, AggregateReader reader, CatalogCache cache, TimeProvider time)
{
    public const int MaxHistoryDays = 400, DefaultHistoryDays = 90;

    private IReadinessGrain Grain => grains.GetGrain<IReadinessGrain>(ReadinessGrainKey.Sweden);

    public async Task<ReadinessTargetSet> TargetsAsync() => (await Grain.GetTargets()).Value;

    /// <summary>Replaces the targets once they validate against the catalog; a refused set changes nothing.</summary>
    public async Task<(int Targets, long Version)> SetTargetsAsync(IReadOnlyList<ReadinessTarget> targets, string note, string setBy)
    {
        var v = new Violations();
        v.Check(note.Length <= 500, "note", "at most 500 characters");
        var book = await cache.GetAsync();
        // A target may name a group registered a moment ago on another silo: look once more before refusing it.
        var violations = ReadinessTargets.Validate(targets, book);
        if (violations.Count > 0 && await cache.RefreshAsync(book.Version)) violations = ReadinessTargets.Validate(targets, await cache.GetAsync());
        if (v.Any || violations.Count > 0) throw new DomainValidationException([.. v.Items, .. violations]);
        var version = await Grain.SetTargets(targets.AsImmutable(), note, setBy, time.GetUtcNow());
        return (targets.Count, version);
    }

    /// <summary>Compliance at the query's level, worst first.</summary>
    public async Task<ComplianceView> ComplianceAsync(ComplianceQuery query, CancellationToken cancellationToken)
    {
        var regions = query.RegionCodes ?? [];
        var v = new Violations();
        var list = regions.ToList();
        for (var i = 0; i < list.Count; i++)
            v.Check(Regions.IsRegionCode(list[i]), list.Count == 1 ? "region_codes" : $"region_codes[{i}]", $"'{list[i]}' is not a Swedish region code");
        v.Check(query.Limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        if (v.Any) throw new DomainValidationException(v.Items);

        var (at, set, lines) = await LinesAsync(withLocations: true, cancellationToken);
        var kept = regions.Count == 0 ? lines : lines.Where(l => Within(l.Line.Level, l.Place, l.Line.Area, regions)).ToList();
        var result = Compliance.AtLevel(kept, query.Level).Where(l => query.Key.Length == 0 || l.Key == query.Key)
            .Take(query.Limit == 0 ? 100 : query.Limit).ToList();
        return new ComplianceView(at, set.Illustrative, result);
    }

    /// <summary>
    /// Compliance now per area of <paramref name="level"/>, every target line summed (the daily record's figures, live): the
    /// dashboard's compliance map. With regions, only target lines inside them; with keys, only those items or groups.
    /// Location-level lines come summed from the region aggregates (<see cref="AggregateReader.LocationCompliancePartsAsync"/>).
    /// </summary>
    public async Task<(DateTimeOffset At, bool IllustrativeTargets, IReadOnlyList<ComplianceSummary> Areas)> SummariesAsync(
        CoverageLevel level, IReadOnlyCollection<string> regionCodes, IReadOnlySet<string>? keys, CancellationToken cancellationToken)
    {
        var v = new Violations();
        foreach (var code in regionCodes) v.Check(Regions.IsRegionCode(code), "region_codes", $"'{code}' is not a Swedish region code");
        if (v.Any) throw new DomainValidationException(v.Items);
        bool KeepKey(string key) => keys is null || keys.Contains(key);
        if (level == CoverageLevel.Location)
        {
            // Per location the lines themselves are needed: no summing ahead helps.
            var (when, targets, all) = await LinesAsync(withLocations: true, cancellationToken);
            var keptAll = all.Where(l => (regionCodes.Count == 0 || Within(l.Line.Level, l.Place, l.Line.Area, regionCodes)) && KeepKey(l.Line.Key));
            return (when, targets.Illustrative, Compliance.Summaries(keptAll, level, DateOnly.FromDateTime(when.UtcDateTime)));
        }
        var (at, set, lines, parts) = await SummaryInputsAsync(cancellationToken);
        var kept = lines.Where(l => (regionCodes.Count == 0 || Within(l.Line.Level, l.Place, l.Line.Area, regionCodes)) && KeepKey(l.Line.Key));
        var keptParts = parts.Where(p => (regionCodes.Count == 0 || regionCodes.Contains(p.RegionCode)) && KeepKey(p.Key));
        return (at, set.Illustrative, Compliance.Summaries(kept, keptParts, level, DateOnly.FromDateTime(at.UtcDateTime)));
    }

    /// <summary>Today's compliance per nation, healthcare region and region, kept as the record of the day (the latest of the day wins).</summary>
    public async Task<IReadOnlyList<ComplianceSummary>> RecordTodayAsync(CancellationToken cancellationToken)
    {
        var (at, _, lines, parts) = await SummaryInputsAsync(cancellationToken);
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        IReadOnlyList<ComplianceSummary> summaries =
        [
            .. Compliance.Summaries(lines, parts, CoverageLevel.Nation, day),
            .. Compliance.Summaries(lines, parts, CoverageLevel.HealthcareRegion, day),
            .. Compliance.Summaries(lines, parts, CoverageLevel.Region, day),
        ];
        await Grain.Record(day, summaries.AsImmutable());
        return summaries;
    }

    /// <summary>The daily records of one level (nation, healthcare region or region), optionally of some areas, the last <paramref name="days"/> days.</summary>
    public async Task<IReadOnlyList<ComplianceSummary>> HistoryAsync(CoverageLevel level, IReadOnlyCollection<string> areas, int days)
    {
        var v = new Violations();
        v.Check(level != CoverageLevel.Location, "level", "the daily record keeps nation, healthcare regions and regions");
        v.Check(days is >= 0 and <= MaxHistoryDays, "days", $"must be between 0 and {MaxHistoryDays} (0 means {DefaultHistoryDays})");
        if (v.Any) throw new DomainValidationException(v.Items);
        var from = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-(days == 0 ? DefaultHistoryDays : days) + 1);
        var history = (await Grain.GetHistory(from)).Value;
        return history.Where(x => x.Level == level && (areas.Count == 0 || areas.Contains(x.Area)))
            .OrderBy(x => x.Day).ThenBy(x => x.Area, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The target lines: each level that has targets, its coverage rows held to their most specific target. Without
    /// <paramref name="withLocations"/>, location-level targets are left out (the summaries take those from the region aggregates).
    /// </summary>
    private async Task<(DateTimeOffset At, ReadinessTargetSet Set, IReadOnlyList<(ComplianceLine Line, AreaPlace Place)> Lines)> LinesAsync(
        bool withLocations, CancellationToken cancellationToken)
    {
        var set = await TargetsAsync();
        var book = await cache.GetAsync();
        var lines = new List<(ComplianceLine, AreaPlace)>();
        var at = time.GetUtcNow();
        foreach (var (level, subject) in set.Targets.Select(t => (t.Level, t.Subject)).Distinct().Order())
        {
            if (level == CoverageLevel.Location && !withLocations) continue;
            var (when, rows) = await reader.RowsAsync(new CoverageQuery(level, subject == CoverageSubject.SubstitutionGroup), cancellationToken);
            at = when;
            lines.AddRange(Compliance.Lines(rows, row => PlaceOf(book, row), set.Targets));
        }
        return (at, set, lines);
    }

    /// <summary>What a summary adds up: the target lines above location level, and the location-level ones summed per region.</summary>
    private async Task<(DateTimeOffset At, ReadinessTargetSet Set, IReadOnlyList<(ComplianceLine Line, AreaPlace Place)> Lines,
        IReadOnlyList<CompliancePart> Parts)> SummaryInputsAsync(CancellationToken cancellationToken)
    {
        var (at, set, lines) = await LinesAsync(withLocations: false, cancellationToken);
        var (partsAt, parts) = await reader.LocationCompliancePartsAsync(set.Targets, cancellationToken);
        return (at > partsAt ? at : partsAt, set, lines, parts);
    }

    private static AreaPlace? PlaceOf(ICatalogView book, CoverageRow row) => row.Level switch
    {
        CoverageLevel.Location => book.TryGetLocation(row.Area, out var l) ? new AreaPlace(l.RegionCode, HealthcareRegions.Of(l), l.Kind) : null,
        CoverageLevel.Region => Regions.IsRegionCode(row.Area) ? new AreaPlace(row.Area, HealthcareRegions.Of(row.Area, ""), LocationKind.Unspecified) : null,
        CoverageLevel.HealthcareRegion => new AreaPlace("", row.Area, LocationKind.Unspecified),
        _ => new AreaPlace("", "", LocationKind.Unspecified),
    };

    /// <summary>With regions asked for, only target lines inside them count (a national target line lies in no one region).</summary>
    private static bool Within(CoverageLevel level, AreaPlace place, string area, IReadOnlyCollection<string> regions) => level switch
    {
        CoverageLevel.Location or CoverageLevel.Region => regions.Contains(place.RegionCode),
        CoverageLevel.HealthcareRegion => regions.Any(r => HealthcareRegions.OfRegion(r).Contains(area)),
        _ => false,
    };
}
