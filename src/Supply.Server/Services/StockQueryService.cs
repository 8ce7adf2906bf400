using Grpc.Core;
using Supply.Application;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using ItemStock = Supply.Contracts.V1.ItemStock;
using DomainKind = Supply.Domain.Catalog.LocationKind;

namespace Supply.Server.Services;

/// <summary>The StockQuery RPCs: translation only; <see cref="StockQueries"/> reads.</summary>
public sealed class StockQueryService(StockQueries queries) : StockQuery.StockQueryBase
{
    public override async Task<LocationStock> GetLocationStock(GetLocationStockRequest request, ServerCallContext context)
    {
        var (location, view) = await queries.LocationStockAsync(request.LocationId, request.ItemId);
        var response = new LocationStock
        {
            LocationId = location.Id,
            RegionCode = location.RegionCode,
            Kind = (Contracts.V1.LocationKind)location.Kind,
            LastReceivedAt = ContractMapping.ToTimestamp(view.LastReceivedAt),
            LastAsOf = ContractMapping.ToTimestamp(view.LastAsOf),
            Version = view.Version,
        };
        response.Lines.AddRange(view.Items.Select(i => i.ToContract()));
        return response;
    }

    public override async Task<ItemStock> GetItemStock(GetItemStockRequest request, ServerCallContext context)
    {
        var (item, lines, totals) = await queries.ItemStockAsync(request.ItemId, request.RegionCodes, request.Kinds.Select(k => (DomainKind)k).ToList(),
            context.CancellationToken);
        var response = new ItemStock { ItemId = item.Id };
        response.Locations.AddRange(lines.Select(l => new LocationItemStock
        {
            LocationId = l.Location.Id,
            RegionCode = l.Location.RegionCode,
            Kind = (Contracts.V1.LocationKind)l.Location.Kind,
            Line = l.Line.ToContract(),
        }));
        response.Totals = new Contracts.V1.StockTotals
        {
            OnHand = totals.OnHand,
            Reserved = totals.Reserved,
            Quarantined = totals.Quarantined,
            Available = totals.Available,
            AverageDailyConsumption = totals.AverageDailyConsumption,
            DaysOfSupply = totals.DaysOfSupply ?? 0,
            HasDaysOfSupply = totals.DaysOfSupply.HasValue,
            Locations = totals.Locations,
            LocationsWithDiscrepancy = totals.LocationsWithDiscrepancy,
        };
        return response;
    }

    public override async Task<ListReportingStatusResponse> ListReportingStatus(ListReportingStatusRequest request, ServerCallContext context)
    {
        var views = await queries.ReportingStatusAsync(request.RegionCode.Length == 0 ? [] : [request.RegionCode],
            request.Kind == Contracts.V1.LocationKind.Unspecified ? [] : [(DomainKind)request.Kind], context.CancellationToken);
        var response = new ListReportingStatusResponse();
        response.Locations.AddRange(views.Select(v => new ReportingStatus
        {
            LocationId = v.Location.Id,
            RegionCode = v.Location.RegionCode,
            Kind = (Contracts.V1.LocationKind)v.Location.Kind,
            HasReported = v.Status.ReportsAccepted > 0,
            LastReceivedAt = ContractMapping.ToTimestamp(v.Status.LastReceivedAt),
            LastAsOf = ContractMapping.ToTimestamp(v.Status.LastAsOf),
            ReportsAccepted = v.Status.ReportsAccepted,
        }));
        return response;
    }

    public override async Task<GetReportHistoryResponse> GetReportHistory(GetReportHistoryRequest request, ServerCallContext context)
    {
        var (receipts, total) = await queries.ReportHistoryAsync(request.LocationId, request.Limit);
        var response = new GetReportHistoryResponse { Total = total };
        response.Receipts.AddRange(receipts.Select(r => r.ToContract()));
        return response;
    }
}
