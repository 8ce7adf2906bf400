using Microsoft.Extensions.Options;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;

namespace Supply.Server.Coverage;

/// <summary>
/// Cells read from the aggregation path: one call per region aggregate (21), never one per location; the cells
/// themselves are made only when a query needs them (location level, or a group row within one category).
/// Locations publish their totals to their region within about a second of a report. A snapshot is
/// reused for a second so bursts of queries (and alert watchers) cost one read.
/// </summary>
public sealed class AggregateCellSource(IGrainFactory grains, CatalogCache cache, IOptions<CoverageOptions> options, TimeProvider time)
    : ICoverageCellSource
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CoverageSnapshot? _last;

    public async Task<CoverageSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < Reuse) return last;
            var book = await cache.GetAsync();
            var held = await Task.WhenAll(Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).GetAllLocations()));
            var published = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
            foreach (var totals in held.SelectMany(h => h.Value))
                // A location that moved region is held by both until the old one is rebuilt: its current region's copy counts.
                if (!published.ContainsKey(totals.LocationId) || (book.TryGetLocation(totals.LocationId, out var at) && at.RegionCode == totals.RegionCode))
                    published[totals.LocationId] = totals;
            var reporting = new List<LocationReporting>();
            var stale = new HashSet<string>(StringComparer.Ordinal);
            var reported = new List<(LocationTotals Totals, bool Stale)>();
            // Every catalog location counts for staleness: one that never reported is stale too.
            foreach (var location in book.Locations.Values)
            {
                var totals = published.GetValueOrDefault(location.Id);
                reporting.Add(new LocationReporting(location.Id, totals?.LastAsOf));
                var isStale = Staleness.IsStale(totals?.LastAsOf, options.Value.StaleAfter, now);
                if (isStale) stale.Add(location.Id);
                if (totals is not null) reported.Add((totals, isStale));
            }
            return _last = new CoverageSnapshot(now, reporting, stale, reported);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Rebuilds the region and national aggregates from the locations, the source of truth.</summary>
public sealed class AggregateRebuilder(IGrainFactory grains, CatalogCache cache)
{
    public async Task<(int Locations, int Regions)> RebuildAsync(CancellationToken cancellationToken)
    {
        var book = await cache.GetAsync();
        var result = (await grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden)
            .Rebuild(Aggregates.LocationIdsByRegion(book.Locations.Values).AsImmutable())).Value;
        return (result.Locations, result.Regions);
    }
}
