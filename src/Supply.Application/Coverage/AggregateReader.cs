using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Supply.Application;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;

namespace Supply.Server.Coverage;

/// <summary>
/// The one reader of the aggregation path: every read across locations (coverage rows, shortfalls, alerts, staleness,
/// reporting status, an item's lines at every location, and the features built on them) comes here with a query
/// record; this class plans it, filters it and caches it. Nothing here asks a location grain.
/// </summary>
/// <remarks>
/// Two sources, two caches, both here:
/// <list type="bullet">
/// <item>the <b>snapshot</b>: every location's last published totals, one call per region aggregate (21), reused for a
/// second so bursts of queries and alert watchers cost one read;</item>
/// <item><b>national rows</b>: region, healthcare-region and national rows from the national aggregate's sums (one
/// call), reused while they cannot have changed (same national version, no location turned stale since).</item>
/// </list>
/// Location rows, and group rows restricted to one item or one category (a group's sums mix items), are rolled up
/// from the snapshot's cells of only the regions and items asked for.
/// </remarks>
public sealed partial class AggregateReader(IGrainFactory grains, CatalogCache cache, IOptions<CoverageOptions> options, TimeProvider time)
{
    // For the other parts of this class (AggregateReader.Projections.cs): primary constructor parameters are seen in this part only.
    private IGrainFactory Grains => grains;
    private TimeProvider Time => time;
    private CatalogCache Catalog => cache;

    private static readonly TimeSpan SnapshotReuse = TimeSpan.FromSeconds(1);
    private const int MaxCachedRows = 256;
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private CoverageSnapshot? _snapshot;
    private readonly ConcurrentDictionary<RowsKey, RowsEntry> _rows = new();

    /// <summary>A coverage query made comparable: regions sorted, the catalog version it was answered against.</summary>
    private readonly record struct RowsKey(CoverageLevel Level, bool ByGroup, string ItemId, string Group, ItemCategory Category, string Regions, long CatalogVersion);

    private sealed record RowsEntry(long Version, DateTimeOffset At, DateTimeOffset? FreshUntil, IReadOnlyList<CoverageRow> Rows);

    public TimeSpan StaleAfter => options.Value.StaleAfter;

    /// <summary>Every catalog location's reporting and every reported location's totals, at most a second old.</summary>
    public async Task<CoverageSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await _snapshotGate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_snapshot is { } last && now - last.At < SnapshotReuse) return last;
            var book = await cache.GetAsync();
            var held = await Task.WhenAll(Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).GetAllLocations()));
            var published = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
            foreach (var totals in held.SelectMany(h => h.Value))
                // A location that moved region is held by both until the old one is rebuilt: its current region's copy counts.
                if (!published.ContainsKey(totals.LocationId) || (book.TryGetLocation(totals.LocationId, out var at) && at.RegionCode == totals.RegionCode))
                    published[totals.LocationId] = totals;
            var reporting = new List<LocationReporting>();
            var stale = new HashSet<string>(StringComparer.Ordinal);
            var reported = new List<(LocationTotals Totals, bool Stale)>();
            // Every catalog location counts for staleness: one that never reported is stale too.
            foreach (var location in book.Locations.Values)
            {
                var totals = published.GetValueOrDefault(location.Id);
                reporting.Add(new LocationReporting(location.Id, totals?.LastAsOf));
                var isStale = Staleness.IsStale(totals?.LastAsOf, options.Value.StaleAfter, now);
                if (isStale) stale.Add(location.Id);
                if (totals is not null) reported.Add((totals, isStale));
            }
            return _snapshot = new CoverageSnapshot(now, reporting, stale, reported);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }

    /// <summary>Coverage rows for an already validated <paramref name="query"/>.</summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<CoverageRow> Rows)> RowsAsync(CoverageQuery query, CancellationToken cancellationToken)
    {
        var book = await cache.GetAsync();
        var (itemId, group, category, regions, byGroup, level) = (query.ItemId, query.Group, query.Category, query.Regions, query.ByGroup, query.Level);
        var subject = byGroup ? CoverageSubject.SubstitutionGroup : CoverageSubject.Item;
        bool KeepItem(string id, string groupKey) =>
            (itemId.Length == 0 || id == itemId)
            && (group.Length == 0 || groupKey == group)
            && (category == ItemCategory.Unspecified || (book.TryGetItem(id, out var item) && item.Category == category));
        bool KeepRegion(string code) => regions.Count == 0 || regions.Contains(code);

        if (level == CoverageLevel.Location || (byGroup && (itemId.Length > 0 || category != ItemCategory.Unspecified)))
        {
            var snapshot = await SnapshotAsync(cancellationToken);
            return (snapshot.At, CoverageRollup.Rows(snapshot.CellsWhere(KeepRegion, KeepItem), level, subject));
        }

        var key = new RowsKey(level, byGroup, itemId, group, category, string.Join(',', regions.Order(StringComparer.Ordinal)), book.Version);
        var nation = grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
        var now = time.GetUtcNow();
        if (_rows.TryGetValue(key, out var hit) && (hit.FreshUntil is null || now <= hit.FreshUntil) && hit.Version == await nation.GetVersion())
            return (hit.At, hit.Rows);

        var wanted = byGroup ? group : itemId;
        var filter = new AggregateFilter([.. regions], subject, wanted.Length > 0 ? [wanted] : []);
        var totals = (await nation.GetTotals(filter.AsImmutable())).Value;
        var window = options.Value.StaleAfter;
        // Only the stale share needs per-location figures, and only of stale locations: one call per region that has any.
        var stale = AggregateCoverage.StaleLocations(totals.Regions, window, now);
        List<CoverageCell>? staleCells = null;
        if (stale.Count > 0)
        {
            var held = await Task.WhenAll(stale.Select(kv =>
                grains.GetGrain<IRegionAggregateGrain>(kv.Key).GetLocations(((IReadOnlyCollection<string>)kv.Value.ToList()).AsImmutable())));
            staleCells = held.SelectMany(h => h.Value).SelectMany(l => AggregateCoverage.Cells(l, stale: true))
                .Where(c => KeepItem(c.ItemId, c.GroupKey) && KeepRegion(c.RegionCode)).ToList();
        }
        var kept = totals.Regions.Select(r => r with
        {
            Rows = r.Rows.Where(x => subject == CoverageSubject.SubstitutionGroup || KeepItem(x.Key, x.SubstitutionGroup.Length > 0 ? x.SubstitutionGroup : x.Key)).ToList(),
        });
        var rows = AggregateCoverage.Rows(kept, level, subject, staleCells);

        if (_rows.Count >= MaxCachedRows) _rows.Clear();
        _rows[key] = new RowsEntry(totals.Version, now, Staleness.FreshUntil(totals.Regions.SelectMany(r => r.Locations).Select(l => l.LastAsOf), window, now), rows);
        return (now, rows);
    }

    /// <summary>
    /// Every location's line of the items <paramref name="filter"/> keeps, in the regions it keeps, from the snapshot
    /// (the expiry wave and lot look-up read these): an item is found by binary search in each location's totals.
    /// </summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<(LocationTotals Location, LocationItemTotals Item)> Lines)> LinesAsync(
        LineFilter filter, CancellationToken cancellationToken)
    {
        var book = await cache.GetAsync();
        var snapshot = await SnapshotAsync(cancellationToken);
        var lines = new List<(LocationTotals, LocationItemTotals)>();
        foreach (var (totals, _) in snapshot.Locations)
        {
            if (filter.Regions.Count > 0 && !filter.Regions.Contains(totals.RegionCode)) continue;
            if (filter.ItemId.Length > 0)
            {
                if (PublishedItems.Find(totals.Items, filter.ItemId) is { } one && Keeps(one)) lines.Add((totals, one));
                continue;
            }
            foreach (var item in totals.Items)
                if (Keeps(item)) lines.Add((totals, item));
        }
        return (snapshot.At, lines);

        bool Keeps(LocationItemTotals item) =>
            (filter.Group.Length == 0 || item.GroupKey == filter.Group)
            && (filter.Category == ItemCategory.Unspecified || (book.TryGetItem(item.ItemId, out var known) && known.Category == filter.Category));
    }
}

/// <summary>Which location lines a read wants: regions (empty: all), one item, one group key, one category ("" / unspecified: all).</summary>
public sealed record LineFilter(IReadOnlyCollection<string> Regions, string ItemId = "", string Group = "", ItemCategory Category = ItemCategory.Unspecified);
