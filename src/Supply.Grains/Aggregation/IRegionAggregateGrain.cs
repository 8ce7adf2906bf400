using Supply.Domain.Aggregation;
using Supply.Domain.Readiness;
using Supply.Domain.Scenarios;

namespace Supply.Grains.Aggregation;

/// <summary>
/// One region's aggregate (key: region code, e.g. "01"). Keeps the last-known whole totals of each of its
/// locations (newest version wins), derives per-item and per-substitution-group region totals from them,
/// and pushes those, versioned and debounced, to the national aggregate. Reentrant: it never blocks a caller
/// on another grain, so no call cycle through it can deadlock.
/// </summary>
public interface IRegionAggregateGrain : IGrainWithStringKey
{
    /// <summary>
    /// A location's whole totals at its ledger version. A version the region already holds (or an older one)
    /// changes nothing, except that the same version computed for a later date refreshes usable stock. Completes
    /// once the change is stored (writes are coalesced across concurrent publications). Publications for another
    /// region are ignored.
    /// </summary>
    Task Publish(Immutable<LocationTotals> totals);

    /// <summary>
    /// The location has moved to another region, which holds newer totals of it than our copy at
    /// <paramref name="version"/> (for <paramref name="usableOn"/>): drop our copy unless we have received a newer one
    /// since. Sent by the national aggregate when two regions list the same location (<see cref="Aggregates.Superseded"/>).
    /// </summary>
    Task Forget(string locationId, long version, DateOnly usableOn);

    /// <summary>
    /// Per-location totals (with each location's last as-of) and the region rows derived from them, summed for this
    /// call: for checks and diagnostics. Queries that need only the locations ask <see cref="GetAllLocations"/>.
    /// </summary>
    [ReadOnly] Task<Immutable<RegionView>> GetView();

    /// <summary>The last-known totals of every location the region holds (id order); nothing is summed.</summary>
    [ReadOnly] Task<Immutable<IReadOnlyList<LocationTotals>>> GetAllLocations();

    /// <summary>The last-known totals of the listed locations that the region holds (id order); cheap, unlike <see cref="GetView"/>.</summary>
    [ReadOnly] Task<Immutable<IReadOnlyList<LocationTotals>>> GetLocations(Immutable<IReadOnlyCollection<string>> locationIds);

    /// <summary>
    /// The usable stock of the asked-for items at every location of the region on the query's start date, and their
    /// daily consumption, as one table (<see cref="Aggregates.ScenarioStockTableOf"/>): what a scenario needs, one call
    /// per region.
    /// </summary>
    [ReadOnly] Task<Immutable<ScenarioStockTable>> GetScenarioStock(Immutable<ScenarioStockQuery> query);

    /// <summary>
    /// Location-level readiness target lines of the locations the region holds, summed per region, healthcare region and key
    /// (<see cref="LocationCompliance.Of"/>): what the compliance summaries need of locations, one call per region. The answer
    /// is reused until the region changes or another request comes.
    /// </summary>
    [ReadOnly] Task<Immutable<RegionComplianceParts>> GetComplianceParts(Immutable<LocationComplianceRequest> request);

    /// <summary>
    /// Rebuilds the region from its locations, the source of truth: asks each of <paramref name="locationIds"/>
    /// for its current totals, keeps exactly those locations (newest version wins against anything held),
    /// stores the result and pushes it to the nation before returning it.
    /// </summary>
    Task<Immutable<RegionTotals>> Rebuild(Immutable<IReadOnlyList<string>> locationIds);

    /// <summary>Stores anything pending and pushes the current totals to the nation now; completes when the nation has stored them.</summary>
    Task Flush();
}
