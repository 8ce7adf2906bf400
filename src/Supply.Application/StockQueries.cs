using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;

namespace Supply.Application;

/// <summary>One location's line of an item.</summary>
public sealed record LocationItemLine(Location Location, ItemStock Line);

/// <summary>One location's reporting status.</summary>
public sealed record LocationReportingView(Location Location, LocationStockView Status);

/// <summary>
/// Stock read from the location grains: the one read side of the gRPC StockQuery service and the dashboard's
/// location pages. Cross-location queries fan out to the matching locations (a region's, when filtered); national
/// views read <see cref="CoverageQueries"/> instead. Access is the caller's business; arguments are checked here.
/// </summary>
public sealed class StockQueries(IGrainFactory grains, CatalogCache cache)
{
    public async Task<(Location Location, LocationStockView View)> LocationStockAsync(string locationId, string itemId)
    {
        var catalog = await cache.GetAsync();
        var location = KnownLocation(catalog, locationId);
        if (itemId.Length > 0) KnownItem(catalog, itemId);
        var view = (await Grain(location.Id).GetStock(itemId.Length > 0 ? itemId : null)).Value;
        return (location, view);
    }

    public async Task<(Item Item, IReadOnlyList<LocationItemLine> Lines, StockTotals Totals)> ItemStockAsync(
        string itemId, IReadOnlyCollection<string> regionCodes, IReadOnlyCollection<LocationKind> kinds)
    {
        var catalog = await cache.GetAsync();
        var item = KnownItem(catalog, itemId);
        var locations = Locations(catalog, Filter(regionCodes, kinds));
        var views = await Task.WhenAll(locations.Select(l => Grain(l.Id).GetStock(item.Id)));
        var lines = new List<LocationItemLine>();
        for (var i = 0; i < locations.Count; i++)
            if (views[i].Value.Items is [var line]) lines.Add(new LocationItemLine(locations[i], line)); // else never reported this item
        return (item, lines, StockTotals.Of(lines.Select(l => l.Line)));
    }

    public async Task<IReadOnlyList<LocationReportingView>> ReportingStatusAsync(IReadOnlyCollection<string> regionCodes, IReadOnlyCollection<LocationKind> kinds)
    {
        var catalog = await cache.GetAsync();
        var locations = Locations(catalog, Filter(regionCodes, kinds));
        var views = await Task.WhenAll(locations.Select(l => Grain(l.Id).GetStatus()));
        return locations.Select((l, i) => new LocationReportingView(l, views[i].Value)).ToList();
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
