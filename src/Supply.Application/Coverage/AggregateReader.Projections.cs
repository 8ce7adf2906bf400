using System.Collections.Concurrent;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Domain.Shortages;
using Supply.Grains.Aggregation;
using Supply.Grains.Shortages;

namespace Supply.Server.Coverage;

/// <summary>
/// Projections (docs/projection.md), read like coverage: region, healthcare-region and national rows from the national
/// aggregate (its region rows carry the summed trends and walkable stock: one call, one walk per row), location rows
/// from the snapshot of published location totals. Suppliers' lines under shortage notices active within the horizon
/// are read from their region views (one call per region holding such a supplier) and walked apart, capped by the
/// notices. National rows are reused while the national version, the day and the notices stay the same.
/// </summary>
public sealed partial class AggregateReader
{
    private const int MaxCachedProjections = 128;
    private readonly ConcurrentDictionary<ProjectionKey, ProjectionEntry> _projections = new();

    private readonly record struct ProjectionKey(CoverageLevel Level, CoverageSubject Subject, string Keys, string Regions, int HorizonDays);

    private sealed record ProjectionEntry(long Version, DateOnly Start, string Notices, DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows);

    /// <summary>Projection rows of an already validated query, ordered by area then key.</summary>
    public async Task<(DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows)> ProjectionsAsync(
        CoverageLevel level, CoverageSubject subject, ProjectionFilter filter, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var start = DateOnly.FromDateTime(now.UtcDateTime);
        var notices = (await Grains.GetGrain<IShortageNoticesGrain>(ShortageNoticesGrainKey.Sweden).List()).Value
            .Where(n => ShortageSupply.ActiveWithin(n, start, filter.HorizonDays)).ToList();
        var book = await Catalog.GetAsync();
        var regions = filter.RegionCodes.ToHashSet(StringComparer.Ordinal);
        if (level == CoverageLevel.Location)
        {
            var snapshot = await SnapshotAsync(cancellationToken);
            var locations = snapshot.Locations.Select(l => l.Totals).Where(t => regions.Count == 0 || regions.Contains(t.RegionCode)).ToList();
            var noticedHere = notices.Count == 0 ? []
                : AggregateProjection.NoticedLines(locations.Where(t => IsSupplier(book, t.LocationId)), notices);
            return (snapshot.At, AggregateProjection.FromLocations(locations, subject, filter, start, noticedHere));
        }

        var key = new ProjectionKey(level, subject, string.Join(',', filter.Keys.Order(StringComparer.Ordinal)),
            string.Join(',', filter.RegionCodes.Order(StringComparer.Ordinal)), filter.HorizonDays);
        var stamp = $"{book.Version}:" + string.Join('|', notices.Select(n => $"{n.Id}@{n.PublishedAt.UtcTicks}"));
        var nation = Grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
        if (_projections.TryGetValue(key, out var hit) && hit.Start == start && hit.Notices == stamp && hit.Version == await nation.GetVersion())
            return (hit.At, hit.Rows);
        var totals = (await nation.GetTotals(new AggregateFilter([.. filter.RegionCodes], subject, filter.Keys).AsImmutable())).Value;
        var noticed = notices.Count == 0 ? [] : await NoticedLinesAsync(book, notices, regions);
        var rows = AggregateProjection.Rows(totals.Regions, level, subject, filter, start, noticed);
        if (_projections.Count >= MaxCachedProjections) _projections.Clear();
        _projections[key] = new ProjectionEntry(totals.Version, start, stamp, now, rows);
        return (now, rows);
    }

    /// <summary>The supplier lines the notices bind, from the region views of only the regions holding a supplier they name (or any supplier).</summary>
    private async Task<IReadOnlyList<NoticedLine>> NoticedLinesAsync(CatalogBook book, IReadOnlyList<ShortageNotice> notices, HashSet<string> regions)
    {
        var named = notices.Select(n => n.SupplierLocationId).ToHashSet(StringComparer.Ordinal);
        var suppliers = book.Locations.Values
            .Where(l => l.Kind == LocationKind.Supplier && (regions.Count == 0 || regions.Contains(l.RegionCode))
                && (named.Contains("") || named.Contains(l.Id)))
            .GroupBy(l => l.RegionCode, StringComparer.Ordinal);
        var held = await Task.WhenAll(suppliers.Select(g => Grains.GetGrain<IRegionAggregateGrain>(g.Key)
            .GetLocations(((IReadOnlyCollection<string>)g.Select(l => l.Id).ToList()).AsImmutable())));
        return AggregateProjection.NoticedLines(held.SelectMany(h => h.Value), notices);
    }

    private static bool IsSupplier(CatalogBook book, string locationId) =>
        book.TryGetLocation(locationId, out var location) && location.Kind == LocationKind.Supplier;
}
