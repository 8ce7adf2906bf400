using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Supply.Domain;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;

namespace Supply.Application;

/// <summary>What a coverage query asks for; empty strings and <see cref="ItemCategory.Unspecified"/> mean "all".</summary>
public sealed record CoverageQuery(CoverageLevel Level, bool ByGroup, string ItemId = "", string Group = "",
    ItemCategory Category = ItemCategory.Unspecified, IReadOnlyCollection<string>? RegionCodes = null)
{
    public IReadOnlyCollection<string> Regions => RegionCodes ?? [];
}

/// <summary>A location whose newest data is older than the stale window.</summary>
public sealed record StaleLocationView(string LocationId, string RegionCode, DateTimeOffset? LastAsOf);

/// <summary>How the locations of some regions report: how many, how many stale, and the newest data.</summary>
public sealed record ReportingSummary(DateTimeOffset At, int Locations, int Stale, DateTimeOffset? LastAsOf);

/// <summary>"below" / "recovered" (a row crossing the threshold) or "stale" / "fresh" (a location), as WatchAlerts sends them.</summary>
public sealed record CoverageAlertEvent(DateTimeOffset At, string Kind, CoverageRow? Row, string LocationId, string RegionCode);

/// <summary>
/// Coverage, shortfalls, staleness and alerts: what the gRPC Coverage service and the dashboard both call. Reads go
/// through <see cref="AggregateReader"/> (the one reader of the aggregates); this class checks arguments and shapes answers. Access is the caller's business (the gRPC interceptor, the dashboard
/// pages ask <see cref="Server.Security.AccessPolicy"/>); these methods validate arguments only.
/// </summary>
public sealed class CoverageQueries(AggregateReader reader, CatalogCache cache, IOptions<CoverageOptions> options, TimeProvider time)
{
    public TimeSpan StaleAfter => options.Value.StaleAfter;

    /// <summary>Coverage rows, planned, filtered and cached by <see cref="AggregateReader"/>; arguments checked here.</summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<CoverageRow> Rows)> RowsAsync(CoverageQuery query, CancellationToken cancellationToken)
    {
        var v = new Violations();
        CheckRegions(query.Regions, v);
        if (query.ItemId.Length > 0 && !Domain.Catalog.ItemId.IsValid(query.ItemId, out var why)) v.Add("item_id", why);
        if (v.Any) throw new DomainValidationException(v.Items);

        return await reader.RowsAsync(query, cancellationToken);
    }

    /// <summary>Rows under <paramref name="thresholdDays"/>, worst first, at most <paramref name="limit"/> (0: 100).</summary>
    public async Task<IReadOnlyList<Shortfall>> ShortfallsAsync(CoverageLevel level, bool byGroup, ItemCategory category, double thresholdDays, int limit,
        IReadOnlyCollection<string>? regionCodes, CancellationToken cancellationToken)
    {
        var v = new Violations();
        v.Check(double.IsFinite(thresholdDays) && thresholdDays > 0, "threshold_days", "must be a number of days above zero");
        v.Check(limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        if (v.Any) throw new DomainValidationException(v.Items);
        var (_, rows) = await RowsAsync(new CoverageQuery(level, byGroup, Category: category, RegionCodes: regionCodes), cancellationToken);
        return Shortfalls.Under(rows, thresholdDays).Take(limit == 0 ? 100 : limit).ToList();
    }

    /// <summary>Stale locations (of one region, or all when <paramref name="regionCode"/> is empty), by id.</summary>
    public async Task<IReadOnlyList<StaleLocationView>> StaleLocationsAsync(string regionCode, CancellationToken cancellationToken)
    {
        var v = new Violations();
        if (regionCode.Length > 0) CheckRegions([regionCode], v);
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var snapshot = await reader.SnapshotAsync(cancellationToken);
        var list = new List<StaleLocationView>();
        foreach (var r in snapshot.Reporting.Where(r => snapshot.Stale.Contains(r.LocationId)).OrderBy(r => r.LocationId, StringComparer.Ordinal))
        {
            if (!book.TryGetLocation(r.LocationId, out var location) || (regionCode.Length > 0 && location.RegionCode != regionCode)) continue;
            list.Add(new StaleLocationView(r.LocationId, location.RegionCode, r.LastAsOf));
        }
        return list;
    }

    /// <summary>Reporting across the regions in <paramref name="regionCodes"/> (empty: all), from the aggregation path's snapshot.</summary>
    public async Task<ReportingSummary> ReportingSummaryAsync(IReadOnlyCollection<string> regionCodes, CancellationToken cancellationToken)
    {
        var book = await cache.GetAsync();
        var snapshot = await reader.SnapshotAsync(cancellationToken);
        var kept = snapshot.Reporting
            .Where(r => regionCodes.Count == 0 || (book.TryGetLocation(r.LocationId, out var l) && regionCodes.Contains(l.RegionCode))).ToList();
        return new ReportingSummary(snapshot.At, kept.Count, kept.Count(r => snapshot.Stale.Contains(r.LocationId)), kept.Max(r => r.LastAsOf));
    }

    /// <summary>
    /// The alert watcher (gRPC WatchAlerts and the dashboard's feed): the first look reports what is already below the
    /// threshold (and stale), later looks every <see cref="CoverageOptions.AlertInterval"/> report only crossings,
    /// recoveries and staleness changes. Only the regions in <paramref name="regionCodes"/> (empty: all).
    /// </summary>
    public async IAsyncEnumerable<CoverageAlertEvent> WatchAsync(CoverageLevel level, bool byGroup, double thresholdDays, bool follow,
        IReadOnlyCollection<string>? regionCodes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var v = new Violations();
        v.Check(double.IsFinite(thresholdDays) && thresholdDays > 0, "threshold_days", "must be a number of days above zero");
        if (v.Any) throw new DomainValidationException(v.Items);
        var regions = regionCodes ?? [];
        var below = new Dictionary<(string, string), CoverageRow>();
        var stale = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(options.Value.AlertInterval, time);
        do
        {
            var snapshot = await reader.SnapshotAsync(cancellationToken);
            var book = await cache.GetAsync();
            var rows = (await RowsAsync(new CoverageQuery(level, byGroup, RegionCodes: regions), cancellationToken)).Rows.ToDictionary(r => (r.Area, r.Key));
            foreach (var (key, row) in rows.OrderBy(kv => kv.Key))
            {
                var isBelow = row.Figures.DaysOfSupply < thresholdDays;
                if (isBelow && below.TryAdd(key, row)) yield return Alert("below", row, "");
                else if (!isBelow && below.Remove(key)) yield return Alert("recovered", row, "");
            }
            foreach (var gone in below.Keys.Where(k => !rows.ContainsKey(k)).ToList()) below.Remove(gone);
            var staleNow = snapshot.Stale.Where(id => regions.Count == 0 || (RegionOf(id) is { } r && regions.Contains(r))).ToHashSet(StringComparer.Ordinal);
            foreach (var id in staleNow.Order(StringComparer.Ordinal).Where(stale.Add).ToList()) yield return Alert("stale", null, id);
            foreach (var id in stale.Where(id => !staleNow.Contains(id)).Order(StringComparer.Ordinal).ToList())
            {
                stale.Remove(id);
                yield return Alert("fresh", null, id);
            }

            CoverageAlertEvent Alert(string kind, CoverageRow? row, string location) =>
                new(snapshot.At, kind, row, location, row is null ? RegionOf(location) ?? "" : RegionOfRow(row));
            string? RegionOf(string locationId) => book.TryGetLocation(locationId, out var l) ? l.RegionCode : null;
            string RegionOfRow(CoverageRow row) => row.Level switch
            {
                CoverageLevel.Region => row.Area,
                CoverageLevel.Location => RegionOf(row.Area) ?? "",
                _ => "",
            };
        }
        while (follow && await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static void CheckRegions(IEnumerable<string> regions, Violations v)
    {
        var list = regions.ToList();
        for (var i = 0; i < list.Count; i++)
            v.Check(Regions.IsRegionCode(list[i]), list.Count == 1 ? "region_code" : $"region_codes[{i}]", $"'{list[i]}' is not a Swedish region code");
    }
}
