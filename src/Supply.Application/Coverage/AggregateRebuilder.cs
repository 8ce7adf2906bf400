using Supply.Domain.Aggregation;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;

namespace Supply.Server.Coverage;

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
