using Microsoft.Extensions.Options;
using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;

namespace Supply.Application;

/// <summary>One location's reporting as the aggregation path sees it: its newest data and whether that is older than the stale window.</summary>
public sealed record LocationReportingRow(Location Location, DateTimeOffset? LastAsOf, bool Stale);

/// <summary>
/// Per-location reporting of some regions from the aggregation path's snapshot (one call per region aggregate, cached a
/// second), so a national list of who has not reported never asks every location grain. Access is the caller's business.
/// </summary>
public sealed class ReportingQueries(AggregateReader reader, CatalogCache cache, IOptions<CoverageOptions> options)
{
    public TimeSpan StaleAfter => options.Value.StaleAfter;

    /// <summary>The locations of <paramref name="regionCodes"/> (empty: all), with <paramref name="staleOnly"/> only those not reporting.</summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<LocationReportingRow> Rows)> LocationsAsync(
        IReadOnlyCollection<string> regionCodes, bool staleOnly, CancellationToken cancellationToken)
    {
        var v = new Violations();
        foreach (var code in regionCodes) v.Check(Regions.IsRegionCode(code), "region_code", $"'{code}' is not a Swedish region code");
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var snapshot = await reader.SnapshotAsync(cancellationToken);
        var rows = new List<LocationReportingRow>();
        foreach (var r in snapshot.Reporting)
        {
            if (!book.TryGetLocation(r.LocationId, out var location)) continue;
            if (regionCodes.Count > 0 && !regionCodes.Contains(location.RegionCode)) continue;
            var stale = snapshot.Stale.Contains(r.LocationId);
            if (staleOnly && !stale) continue;
            rows.Add(new LocationReportingRow(location, r.LastAsOf, stale));
        }
        return (snapshot.At, rows.OrderBy(r => r.Location.RegionCode, StringComparer.Ordinal).ThenBy(r => r.Location.Id, StringComparer.Ordinal).ToList());
    }
}
