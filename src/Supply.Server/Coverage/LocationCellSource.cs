using Microsoft.Extensions.Options;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;

namespace Supply.Server.Coverage;

/// <summary>
/// Cells read from every location grain. Correct but it fans out: the aggregation path replaces it
/// for national queries. A snapshot is reused for a second so bursts of queries cost one read.
/// </summary>
public sealed class LocationCellSource(IGrainFactory grains, CatalogCache cache, IOptions<CoverageOptions> options, TimeProvider time)
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
            var locations = book.Locations.Values.ToList();
            var views = await Task.WhenAll(locations.Select(l => grains.GetGrain<IStockLocationGrain>(l.Id).GetStock(null)));
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var cells = new List<CoverageCell>();
            var reporting = new List<LocationReporting>();
            var stale = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < locations.Count; i++)
            {
                var view = views[i].Value;
                reporting.Add(new LocationReporting(view.LocationId, view.LastAsOf));
                var isStale = Staleness.IsStale(view.LastAsOf, options.Value.StaleAfter, now);
                if (isStale) stale.Add(view.LocationId);
                foreach (var line in view.Items)
                    if (book.TryGetItem(line.ItemId, out var item)) cells.Add(CoverageCell.Of(locations[i], item, line, today, isStale));
            }
            return _last = new CoverageSnapshot(now, cells, reporting, stale);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Rebuilds the aggregates from the locations; nothing to rebuild while cells come straight from the locations.</summary>
public sealed class AggregateRebuilder(CatalogCache cache)
{
    public async Task<(int Locations, int Regions)> RebuildAsync(CancellationToken cancellationToken)
    {
        var book = await cache.GetAsync();
        return (book.Locations.Count, book.Locations.Values.Select(l => l.RegionCode).Distinct().Count());
    }
}
