using System.Collections.Concurrent;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Grains.Aggregation;

namespace Supply.Server.Coverage;

/// <summary>
/// Projections (docs/projection.md), read like coverage: region, healthcare-region and national rows from the national
/// aggregate (its region rows carry the summed trends and walkable stock: one call, one walk per row), location rows
/// from the snapshot of published location totals. National rows are reused while the national version and the day
/// stay the same.
/// </summary>
public sealed partial class AggregateReader
{
    private const int MaxCachedProjections = 128;
    private readonly ConcurrentDictionary<ProjectionKey, ProjectionEntry> _projections = new();

    private readonly record struct ProjectionKey(CoverageLevel Level, CoverageSubject Subject, string Keys, string Regions, int HorizonDays);

    private sealed record ProjectionEntry(long Version, DateOnly Start, DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows);

    /// <summary>Projection rows of an already validated query, ordered by area then key.</summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows)> ProjectionsAsync(
        CoverageLevel level, CoverageSubject subject, ProjectionFilter filter, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var start = DateOnly.FromDateTime(now.UtcDateTime);
        if (level == CoverageLevel.Location)
        {
            var snapshot = await SnapshotAsync(cancellationToken);
            var regions = filter.RegionCodes.ToHashSet(StringComparer.Ordinal);
            var locations = snapshot.Locations.Select(l => l.Totals).Where(t => regions.Count == 0 || regions.Contains(t.RegionCode));
            return (snapshot.At, AggregateProjection.FromLocations(locations, subject, filter, start));
        }

        var key = new ProjectionKey(level, subject, string.Join(',', filter.Keys.Order(StringComparer.Ordinal)),
            string.Join(',', filter.RegionCodes.Order(StringComparer.Ordinal)), filter.HorizonDays);
        var nation = Grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
        if (_projections.TryGetValue(key, out var hit) && hit.Start == start && hit.Version == await nation.GetVersion())
            return (hit.At, hit.Rows);
        var totals = (await nation.GetTotals(new AggregateFilter([.. filter.RegionCodes], subject, filter.Keys).AsImmutable())).Value;
        var rows = AggregateProjection.Rows(totals.Regions, level, subject, filter, start);
        if (_projections.Count >= MaxCachedProjections) _projections.Clear();
        _projections[key] = new ProjectionEntry(totals.Version, start, now, rows);
        return (now, rows);
    }
}
