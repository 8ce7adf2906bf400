using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;
using Supply.Server.Coverage;

namespace Supply.Application;

/// <summary>One location's line of an item.</summary>
public sealed record LocationItemLine(Location Location, ItemStock Line);

/// <summary>One location's reporting status.</summary>
public sealed record LocationReportingView(Location Location, LocationStockView Status);

/// <summary>
/// Stock queries of the gRPC StockQuery service and the dashboard's location pages. One location's stock and history
/// come from its grain; every read across locations (an item everywhere, who reported when) comes from the aggregates
/// through <see cref="AggregateReader"/>, never a fan-out to location grains: those answers trail a report by the
/// aggregation path's second or so. Access is the caller's business; arguments are checked here.
/// </summary>
public sealed class StockQueries(IGrainFactory grains, CatalogCache cache, AggregateReader reader)
{
    public async Task<(Location Location, LocationStockView View)> LocationStockAsync(string locationId, string itemId)
    {
        var catalog = await cache.GetAsync();
        var location = KnownLocation(catalog, locationId);
        if (itemId.Length > 0) KnownItem(catalog, itemId);
        var view = (await Grain(location.Id).GetStock(itemId.Length > 0 ? itemId : null)).Value;
        return (location, view);
    }

    /// <summary>The item's line at every matching location that holds it (location id order), from the region aggregates.</summary>
    public async Task<(Item Item, IReadOnlyList<LocationItemLine> Lines, StockTotals Totals)> ItemStockAsync(
        string itemId, IReadOnlyCollection<string> regionCodes, IReadOnlyCollection<LocationKind> kinds, CancellationToken cancellationToken = default)
    {
        var catalog = await cache.GetAsync();
        var item = KnownItem(catalog, itemId);
        var filter = Filter(regionCodes, kinds);
        var snapshot = await reader.SnapshotAsync(cancellationToken);
        var lines = new List<LocationItemLine>();
        foreach (var (totals, _) in snapshot.Locations)
        {
            if (!catalog.TryGetLocation(totals.LocationId, out var location) || !filter.Matches(location)) continue;
            var line = Domain.Aggregation.PublishedItems.Find(totals.Items, item.Id); // else never reported this item
            if (line is { } found) lines.Add(new LocationItemLine(location, found.ToItemStock()));
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.Location.Id, b.Location.Id));
        return (item, lines, StockTotals.Of(lines.Select(l => l.Line)));
    }

    /// <summary>Every matching catalog location with when it last reported (from the aggregates), location id order.</summary>
    public async Task<IReadOnlyList<LocationReportingView>> ReportingStatusAsync(IReadOnlyCollection<string> regionCodes, IReadOnlyCollection<LocationKind> kinds,
        CancellationToken cancellationToken = default)
    {
        var catalog = await cache.GetAsync();
        var filter = Filter(regionCodes, kinds);
        var snapshot = await reader.SnapshotAsync(cancellationToken);
        var published = snapshot.Locations.ToDictionary(l => l.Totals.LocationId, l => l.Totals, StringComparer.Ordinal);
        return Locations(catalog, filter).Select(l =>
        {
            // One ledger version per accepted report: the version is the count of reports accepted.
            var t = published.GetValueOrDefault(l.Id);
            return new LocationReportingView(l, new LocationStockView(l.Id, t?.Version ?? 0, t?.LastReceivedAt, t?.LastAsOf, (int)(t?.Version ?? 0), []));
        }).ToList();
    }

    /// <summary>The newest receipts (at most <paramref name="limit"/>, 0: 100) and how many reports were accepted in all.</summary>
    public async Task<(IReadOnlyList<ReportReceipt> Receipts, long Total)> ReportHistoryAsync(string locationId, int limit)
    {
        var location = KnownLocation(await cache.GetAsync(), locationId);
        if (limit < 0) throw new DomainValidationException([new Violation("limit", "must not be negative")]);
        var kept = limit == 0 ? 100 : Math.Min(limit, LocationLedger.ReceiptsKept);
        var grain = Grain(location.Id);
        var status = (await grain.GetStatus()).Value;
        var receipts = (await grain.GetHistory(kept)).Value;
        return (receipts, status.ReportsAccepted);
    }

    public static LocationFilter Filter(IReadOnlyCollection<string> regionCodes, IReadOnlyCollection<LocationKind> kinds)
    {
        var v = new Violations();
        var regions = regionCodes.ToList();
        for (var i = 0; i < regions.Count; i++)
            v.Check(Regions.IsRegionCode(regions[i]), regions.Count == 1 ? "region_code" : $"region_codes[{i}]", $"'{regions[i]}' is not a Swedish region code");
        var kindList = kinds.ToList();
        for (var i = 0; i < kindList.Count; i++)
            v.Check(Enum.IsDefined(kindList[i]) && kindList[i] != LocationKind.Unspecified, kindList.Count == 1 ? "kind" : $"kinds[{i}]", "is not a location kind");
        if (v.Any) throw new DomainValidationException(v.Items);
        return new LocationFilter(regions.ToHashSet(), kindList.ToHashSet());
    }

    public static Location KnownLocation(ICatalogView catalog, string locationId, string field = "location_id")
    {
        if (!LocationId.IsValid(locationId, out var why)) throw new DomainValidationException([new Violation(field, why)]);
        return catalog.TryGetLocation(locationId, out var location) ? location : throw new NotFoundException($"no location '{locationId}' in the catalog");
    }

    public static Item KnownItem(ICatalogView catalog, string itemId, string field = "item_id")
    {
        if (!ItemId.IsValid(itemId, out var why)) throw new DomainValidationException([new Violation(field, why)]);
        return catalog.TryGetItem(itemId, out var item) ? item : throw new NotFoundException($"no item '{itemId}' in the catalog");
    }

    private IStockLocationGrain Grain(string locationId) => grains.GetGrain<IStockLocationGrain>(locationId);

    private static List<Location> Locations(CatalogBook catalog, LocationFilter filter) =>
        catalog.Locations.Values.Where(filter.Matches).OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
}
