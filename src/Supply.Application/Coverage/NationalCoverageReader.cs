using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;

namespace Supply.Server.Coverage;

/// <summary>
/// Region, healthcare-region and national coverage rows from the national aggregate: one call, whose per-region
/// per-item sums are already made, instead of rolling up every location's cells on each query. Only the stale share
/// needs per-location figures, and only for stale locations: one call per region that has any
/// (<see cref="AggregateCoverage"/> holds the rules).
/// </summary>
/// <remarks>
/// Rows are reused while they cannot have changed: the national version is the same (no region pushed anything) and no
/// location has turned stale since (<see cref="Staleness.FreshUntil"/>). A dashboard polling the nation then costs one
/// version check per call.
/// </remarks>
public sealed class NationalCoverageReader(IGrainFactory grains, IOptions<CoverageOptions> options, TimeProvider time)
{
    private const int MaxCached = 256;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    private sealed record Entry(long Version, DateTimeOffset At, DateTimeOffset? FreshUntil, IReadOnlyList<CoverageRow> Rows);

    /// <param name="cacheKey">Identifies the query completely (level, filters, catalog version): equal keys, equal rows.</param>
    /// <param name="filter">Regions, subject and keys, applied by the national aggregate.</param>
    /// <param name="keepRow">Further row filters (group of an item, category); <paramref name="keepCell"/> must say the same of cells.</param>
    public async Task<(DateTimeOffset At, IReadOnlyList<CoverageRow> Rows)> RowsAsync(
        string cacheKey, CoverageLevel level, AggregateFilter filter, Func<AggregateRow, bool> keepRow, Func<CoverageCell, bool> keepCell)
    {
        var subject = filter.Subject ?? throw new ArgumentException("the subject is required", nameof(filter));
        var nation = grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(cacheKey, out var hit) && (hit.FreshUntil is null || now <= hit.FreshUntil) && hit.Version == await nation.GetVersion())
            return (hit.At, hit.Rows);

        var totals = (await nation.GetTotals(filter.AsImmutable())).Value;
        var window = options.Value.StaleAfter;
        var stale = AggregateCoverage.StaleLocations(totals.Regions, window, now);
        List<CoverageCell>? staleCells = null;
        if (stale.Count > 0)
        {
            var held = await Task.WhenAll(stale.Select(kv =>
                grains.GetGrain<IRegionAggregateGrain>(kv.Key).GetLocations(((IReadOnlyCollection<string>)kv.Value.ToList()).AsImmutable())));
            staleCells = held.SelectMany(h => h.Value).SelectMany(l => AggregateCoverage.Cells(l, stale: true)).Where(keepCell).ToList();
        }
        var regions = totals.Regions.Select(r => r with { Rows = r.Rows.Where(keepRow).ToList() });
        var rows = AggregateCoverage.Rows(regions, level, subject, staleCells);

        if (_cache.Count >= MaxCached) _cache.Clear();
        _cache[cacheKey] = new Entry(totals.Version, now,
            Staleness.FreshUntil(totals.Regions.SelectMany(r => r.Locations).Select(l => l.LastAsOf), window, now), rows);
        return (now, rows);
    }
}
