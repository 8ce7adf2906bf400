using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Readiness;
using Supply.Grains.Aggregation;

namespace Supply.Server.Coverage;

/// <summary>
/// Location-level readiness target lines for the compliance summaries (docs/readiness.md#how-the-summaries-are-computed):
/// summed inside each region aggregate from the totals it already holds, one call per region, instead of a coverage row
/// per location and key rolled up here. A region reuses its answer until it changes, so after a report only that region
/// sums again.
/// </summary>
public sealed partial class AggregateReader
{
    /// <summary>
    /// The location-level target lines of <paramref name="targets"/> summed per region, healthcare region and key, each
    /// location counted once as the snapshot counts it (<see cref="LocationCompliance.Counted"/>). Empty without location-level targets.
    /// </summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<CompliancePart> Parts)> LocationCompliancePartsAsync(
        IReadOnlyList<ReadinessTarget> targets, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (!targets.Any(t => t.Level == CoverageLevel.Location)) return (now, []);
        var book = await Catalog.GetAsync();
        var request = LocationCompliance.Request(book.Version, book.Locations.Values, targets).AsImmutable();
        var held = await Task.WhenAll(Regions.All.Select(r => Grains.GetGrain<IRegionAggregateGrain>(r.Code).GetComplianceParts(request)))
            .WaitAsync(cancellationToken);
        return (now, LocationCompliance.Counted(held.Select(h => h.Value)));
    }
}
