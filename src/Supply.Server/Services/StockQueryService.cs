using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;
using StockTotals = Supply.Domain.Stock.StockTotals;
using ItemStock = Supply.Contracts.V1.ItemStock;
using Location = Supply.Domain.Catalog.Location;

namespace Supply.Server.Services;

/// <summary>
/// Reads stock from the location grains. Cross-location queries fan out to the matching locations
/// in parallel; the aggregation path (region and national grains) replaces that for national views.
/// </summary>
public sealed class StockQueryService(IGrainFactory grains, CatalogCache cache) : StockQuery.StockQueryBase
{
    public override async Task<LocationStock> GetLocationStock(GetLocationStockRequest request, ServerCallContext context)
    {
        var catalog = await cache.GetAsync();
        var location = QueryArguments.KnownLocation(catalog, request.LocationId);
        if (request.ItemId.Length > 0) QueryArguments.KnownItem(catalog, request.ItemId);
        var view = (await Grain(location.Id).GetStock(request.ItemId.Length > 0 ? request.ItemId : null)).Value;
        var response = new LocationStock
        {
            LocationId = location.Id, RegionCode = location.RegionCode, Kind = (Contracts.V1.LocationKind)location.Kind,
            LastReceivedAt = ContractMapping.ToTimestamp(view.LastReceivedAt), LastAsOf = ContractMapping.ToTimestamp(view.LastAsOf),
            Version = view.Version,
        };
        response.Lines.AddRange(view.Items.Select(i => i.ToContract()));
        return response;
    }

    public override async Task<ItemStock> GetItemStock(GetItemStockRequest request, ServerCallContext context)
    {
        var catalog = await cache.GetAsync();
        var item = QueryArguments.KnownItem(catalog, request.ItemId);
        var filter = QueryArguments.Filter(request.RegionCodes, request.Kinds);
        var locations = Locations(catalog, filter);
        var views = await Task.WhenAll(locations.Select(l => Grain(l.Id).GetStock(item.Id)));

        var response = new ItemStock { ItemId = item.Id };
        var lines = new List<Domain.Stock.ItemStock>();
        for (var i = 0; i < locations.Count; i++)
        {
            if (views[i].Value.Items is not [var line]) continue; // never reported this item
            lines.Add(line);
            response.Locations.Add(new LocationItemStock
            {
                LocationId = locations[i].Id, RegionCode = locations[i].RegionCode, Kind = (Contracts.V1.LocationKind)locations[i].Kind,
                Line = line.ToContract(),
            });
        }
        var totals = StockTotals.Of(lines);
        response.Totals = new Contracts.V1.StockTotals
        {
            OnHand = totals.OnHand, Reserved = totals.Reserved, Quarantined = totals.Quarantined, Available = totals.Available,
            AverageDailyConsumption = totals.AverageDailyConsumption, DaysOfSupply = totals.DaysOfSupply ?? 0,
            HasDaysOfSupply = totals.DaysOfSupply.HasValue, Locations = totals.Locations, LocationsWithDiscrepancy = totals.LocationsWithDiscrepancy,
        };
        return response;
    }

    public override async Task<ListReportingStatusResponse> ListReportingStatus(ListReportingStatusRequest request, ServerCallContext context)
    {
        var catalog = await cache.GetAsync();
        var filter = QueryArguments.Filter(request.RegionCode.Length == 0 ? [] : [request.RegionCode],
            request.Kind == Contracts.V1.LocationKind.Unspecified ? [] : [request.Kind]);
        var locations = Locations(catalog, filter);
        var views = await Task.WhenAll(locations.Select(l => Grain(l.Id).GetStatus()));
        var response = new ListReportingStatusResponse();
        for (var i = 0; i < locations.Count; i++)
        {
            var view = views[i].Value;
            response.Locations.Add(new ReportingStatus
            {
                LocationId = locations[i].Id, RegionCode = locations[i].RegionCode, Kind = (Contracts.V1.LocationKind)locations[i].Kind,
                HasReported = view.ReportsAccepted > 0, LastReceivedAt = ContractMapping.ToTimestamp(view.LastReceivedAt),
                LastAsOf = ContractMapping.ToTimestamp(view.LastAsOf), ReportsAccepted = view.ReportsAccepted,
            });
        }
        return response;
    }

    public override async Task<GetReportHistoryResponse> GetReportHistory(GetReportHistoryRequest request, ServerCallContext context)
    {
        var location = QueryArguments.KnownLocation(await cache.GetAsync(), request.LocationId);
        if (request.Limit < 0) throw new Domain.DomainValidationException([new Domain.Violation("limit", "must not be negative")]);
        var limit = request.Limit == 0 ? 100 : Math.Min(request.Limit, Domain.Stock.LocationLedger.ReceiptsKept);
        var grain = Grain(location.Id);
        var status = (await grain.GetStatus()).Value;
        var receipts = (await grain.GetHistory(limit)).Value;
        var response = new GetReportHistoryResponse { Total = status.ReportsAccepted };
        response.Receipts.AddRange(receipts.Select(r => r.ToContract()));
        return response;
    }

    private IStockLocationGrain Grain(string locationId) => grains.GetGrain<IStockLocationGrain>(locationId);

    private static List<Location> Locations(CatalogBook catalog, LocationFilter filter) =>
        catalog.Locations.Values.Where(filter.Matches).OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
}
