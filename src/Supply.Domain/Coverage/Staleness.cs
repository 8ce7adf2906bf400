using Supply.Domain.Stock;

namespace Supply.Domain.Coverage;

/// <summary>When a location last reported (null: never).</summary>
public sealed record LocationReporting(string LocationId, DateTimeOffset? LastAsOf);

/// <summary>Data older than the window is stale: still counted, but flagged so nobody mistakes it for today's stock.</summary>
public static class Staleness
{
    public static bool IsStale(DateTimeOffset? lastAsOf, TimeSpan window, DateTimeOffset now) =>
        lastAsOf is not { } asOf || now - asOf > window;

    /// <summary>
    /// The last instant at which everything of <paramref name="lastAsOfs"/> that is fresh at <paramref name="now"/> is still
    /// fresh (the earliest as-of + window among them); null when none is fresh. Stale data stays stale as time passes, so
    /// figures derived now keep their stale shares until then, unless new data arrives.
    /// </summary>
    public static DateTimeOffset? FreshUntil(IEnumerable<DateTimeOffset?> lastAsOfs, TimeSpan window, DateTimeOffset now)
    {
        DateTimeOffset? until = null;
        foreach (var asOf in lastAsOfs)
            if (!IsStale(asOf, window, now) && (until is null || asOf!.Value + window < until)) until = asOf!.Value + window;
        return until;
    }

    /// <summary>Ids of the stale locations (never reported, or last as-of older than the window), ordinal order.</summary>
    public static IReadOnlyList<string> StaleLocations(IEnumerable<LocationReporting> locations, TimeSpan window, DateTimeOffset now) =>
        locations.Where(l => IsStale(l.LastAsOf, window, now)).Select(l => l.LocationId)
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    public static IReadOnlyList<string> StaleLocations(IEnumerable<LocationStockView> views, TimeSpan window, DateTimeOffset now) =>
        StaleLocations(views.Select(v => new LocationReporting(v.LocationId, v.LastAsOf)), window, now);
}
