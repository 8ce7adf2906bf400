using Supply.Domain.Aggregation;

namespace Supply.Grains.Aggregation;

/// <summary>
/// The national aggregate (key: <see cref="NationalAggregateKey.Sweden"/>): the newest totals of every region
/// (newest region version wins). National queries read it and never fan out to locations. Reentrant.
/// </summary>
public interface INationalAggregateGrain : IGrainWithStringKey
{
    /// <summary>A region's totals at its version; an older or equal version changes nothing. Completes once stored.</summary>
    Task Push(Immutable<RegionTotals> totals);

    /// <summary>The current version: it changes whenever any region's totals do (cheap: lets readers reuse what they derived).</summary>
    [ReadOnly] Task<long> GetVersion();

    /// <summary>Per-region per-item (and per-group) totals and the regions' location reporting times, filtered.</summary>
    [ReadOnly] Task<Immutable<NationalTotals>> GetTotals(Immutable<AggregateFilter> filter);

    /// <summary>
    /// Rebuilds every aggregate from the locations after a loss: each region in <paramref name="locationIdsByRegion"/>
    /// is rebuilt from its listed locations (<see cref="IRegionAggregateGrain.Rebuild"/>); regions not listed are
    /// dropped. Pass the catalog's locations (<see cref="Aggregates.LocationIdsByRegion"/>). When it returns, the
    /// national totals are those of the locations' current stock.
    /// </summary>
    Task<Immutable<RebuildResult>> Rebuild(Immutable<IReadOnlyDictionary<string, IReadOnlyList<string>>> locationIdsByRegion);

    /// <summary>Completes when everything received so far is stored.</summary>
    Task Flush();
}

public static class NationalAggregateKey
{
    public const string Sweden = "se";
}
