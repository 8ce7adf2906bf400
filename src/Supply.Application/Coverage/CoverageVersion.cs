using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;

namespace Supply.Server.Coverage;

/// <summary>
/// What every coverage figure above location level depends on, as one comparable value: the national aggregate's
/// version (it changes whenever any region pushes) and the catalog's. Readers that derive something from those
/// figures (the dashboard's overview snapshot) keep it while the value is unchanged. One cheap read-only call.
/// </summary>
public sealed class CoverageVersion(IGrainFactory grains, CatalogCache catalog)
{
    public async Task<(long National, long Catalog)> CurrentAsync()
    {
        var book = await catalog.GetAsync();
        var national = await grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden).GetVersion();
        return (national, book.Version);
    }
}
