using Supply.Application;
using Supply.Application.Forecast;
using Supply.Dashboard.Tables;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Grains.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Live;

/// <summary>
/// The trend page's one projection (an item or group in one area), read through <see cref="ProjectionQueries"/> as gRPC's
/// GetProjection reads it, with the same access rule: a region's (or its locations') rows for its readers, nation and
/// healthcare regions for national coordinators only.
/// </summary>
public sealed class TrendLoader(ProjectionQueries projections, AccessPolicy policy, CatalogCache catalog)
{
    /// <summary>
    /// The row of <paramref name="area"/> (a location id, a region code, a healthcare region's name; ignored at nation level),
    /// or null when the area has no such row. Throws <see cref="AccessDeniedException"/>, <see cref="NotFoundException"/>
    /// or <see cref="Supply.Domain.DomainValidationException"/> (an unknown key, named).
    /// </summary>
    public async Task<ProjectionRow?> LoadAsync(Caller caller, CoverageLevel level, string area, bool byGroup, string key, int horizonDays,
        CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> regions;
        switch (level)
        {
            case CoverageLevel.Nation or CoverageLevel.HealthcareRegion:
                await CallerScope.RequireNationalAsync(policy, caller);
                regions = [];
                break;
            case CoverageLevel.Location:
                var book = await catalog.GetAsync();
                if (!book.TryGetLocation(area, out var location)) throw new NotFoundException($"no location '{area}'");
                regions = await CallerScope.RegionsAsync(policy, caller, [location.RegionCode]);
                break;
            default:
                regions = await CallerScope.RegionsAsync(policy, caller, [area]);
                break;
        }
        var (_, rows) = await projections.ProjectOneAsync(level, byGroup, key, regions.ToList(), horizonDays, cancellationToken);
        return rows.FirstOrDefault(r => level == CoverageLevel.Nation || r.Area == area);
    }
}
