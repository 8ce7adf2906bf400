using Supply.Domain.Stock;

namespace Supply.Domain.Coverage;

/// <summary>When a location last reported (null: never).</summary>
public sealed record LocationReporting(string LocationId, DateTimeOffset? LastAsOf);

/// <summary>Data older than the window is stale: still counted, but flagged so nobody mistakes it for today's stock.</summary>
public static class Staleness
{
    public static bool IsStale(DateTimeOffset? lastAsOf, TimeSpan window, DateTimeOffset now) =>
        lastAsOf is not { } asOf || now - asOf > window;

    /// <summary>Ids of the stale locations (never reported, or last as-of older than the window), ordinal order.</summary>
    public static IReadOnlyList<string> StaleLocations(IEnumerable<LocationReporting> locations, TimeSpan window, DateTimeOffset now) =>
        locations.Where(l => IsStale(l.LastAsOf, window, now)).Select(l => l.LocationId)
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    public static IReadOnlyList<string> StaleLocations(IEnumerable<LocationStockView> views, TimeSpan window, DateTimeOffset now) =>
        StaleLocations(views.Select(v => new LocationReporting(v.LocationId, v.LastAsOf)), window, now);
}
