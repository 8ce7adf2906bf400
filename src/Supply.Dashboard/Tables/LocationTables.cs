using Microsoft.Extensions.Localization;
using Supply.Application;
using Supply.Dashboard.Resources;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>
/// A location's item lines and lots (its grain, through <see cref="StockQueries"/>), a region's locations and who has
/// not reported (the aggregation path's snapshot, through <see cref="ReportingQueries"/>: no fan-out to locations).
/// </summary>
public sealed class LocationTables(StockQueries stock, CoverageQueries coverage, ReportingQueries reporting, CatalogCache catalog,
    AccessPolicy policy, TimeProvider time, IStringLocalizer<PageStrings> T)
{
    /// <summary>Parameter: location. On hand, available and usable (expiry-aware, from coverage), consumption and days per item.</summary>
    public async Task<TableData> LinesAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var (location, view) = await ReadLocationAsync(request, caller);
        var book = await catalog.GetAsync();
        var (_, rows) = await coverage.RowsAsync(new CoverageQuery(CoverageLevel.Location, ByGroup: false, RegionCodes: [location.RegionCode]), cancellationToken);
        var figures = rows.Where(r => r.Area == location.Id).ToDictionary(r => r.Key, r => r.Figures, StringComparer.Ordinal);
        TableColumn[] columns =
        [
            new("item", T["Item"]), new("name", T["SupplyName"]), new("on-hand", T["OnHand"], CellKind.Integer),
            new("available", T["Available"], CellKind.Integer), new("usable", T["Usable"], CellKind.Integer),
            new("reserved", T["Reserved"], CellKind.Integer), new("quarantined", T["Quarantined"], CellKind.Integer),
            new("consumption", T["DailyConsumption"], CellKind.Number), new("days", T["DaysOfSupply"], CellKind.Number),
            new("stale-share", T["StaleShare"], CellKind.Percent), new("as-of", T["AsOf"], CellKind.Time),
        ];
        var lines = view.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).Select(i =>
        {
            var f = figures.GetValueOrDefault(i.ItemId);
            return (object?[])
            [
                i.ItemId, ItemName(book, i.ItemId), i.OnHand, i.Available, f?.Usable, i.Reserved, i.Quarantined, i.AverageDailyConsumption,
                f?.DaysOfSupply ?? i.DaysOfSupply, f?.StaleShare, i.AsOf,
            ];
        }).ToList();
        return new TableData($"lines-{location.Id}", columns, lines);
    }

    /// <summary>Parameter: location. Every lot with its expiry and the days left.</summary>
    public async Task<TableData> LotsAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var (location, view) = await ReadLocationAsync(request, caller);
        var book = await catalog.GetAsync();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        TableColumn[] columns =
        [
            new("item", T["Item"]), new("name", T["SupplyName"]), new("lot", T["Lot"]), new("expires", T["ExpiresOn"], CellKind.Date),
            new("days-left", T["DaysToExpiry"], CellKind.Integer), new("quantity", T["Quantity"], CellKind.Integer),
        ];
        var lots = view.Items.SelectMany(i => i.Lots.Select(l => (object?[])
            [i.ItemId, ItemName(book, i.ItemId), l.LotNumber, l.ExpiresOn, (long)(l.ExpiresOn.DayNumber - today.DayNumber), l.Quantity]))
            .OrderBy(r => (DateOnly)r[3]!).ToList();
        return new TableData($"lots-{location.Id}", columns, lots);
    }

    /// <summary>Parameters: region, or none (the caller's regions); stale=true for only those not reporting within the window.</summary>
    public async Task<TableData> ReportingAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var regions = await CallerScope.RegionsAsync(policy, caller, request.Get("region") is { Length: > 0 } r ? [r] : []);
        var (at, rows) = await reporting.LocationsAsync(regions, request.Get("stale") == "true", cancellationToken);
        TableColumn[] columns =
        [
            new("region", T["LevelRegion"], LinkPrefix: "region/"), new("region-name", T["RegionName"]),
            new("location", T["LevelLocation"], LinkPrefix: "location/"), new("name", T["Name"]), new("kind", T["Kind"]),
            new("last-report", T["LastReport"], CellKind.Time), new("age-hours", T["AgeHours"], CellKind.Number), new("stale", T["Stale"]),
        ];
        return new TableData(request.Get("stale") == "true" ? "not-reporting" : "locations", columns, rows
            .OrderByDescending(x => x.LastAsOf is null).ThenBy(x => x.LastAsOf).ThenBy(x => x.Location.Id, StringComparer.Ordinal)
            .Select(x => (object?[])
            [
                x.Location.RegionCode, Regions.Get(x.Location.RegionCode).Name, x.Location.Id, x.Location.Name, x.Location.Kind.ToString(),
                x.LastAsOf, x.LastAsOf is { } last ? (at - last).TotalHours : null, x.Stale ? T["Yes"].Value : T["No"].Value,
            ]).ToList());
    }

    /// <summary>Per region: locations, how many do not report, the oldest newest-report.</summary>
    public async Task<TableData> ReportingByRegionAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var regions = await CallerScope.RegionsAsync(policy, caller, []);
        var (at, rows) = await reporting.LocationsAsync(regions, staleOnly: false, cancellationToken);
        TableColumn[] columns =
        [
            new("region", T["LevelRegion"], LinkPrefix: "region/"), new("region-name", T["RegionName"]),
            new("locations", T["Locations"], CellKind.Integer), new("not-reporting", T["NotReporting"], CellKind.Integer),
            new("never", T["NeverReported"], CellKind.Integer), new("oldest-hours", T["OldestAgeHours"], CellKind.Number),
        ];
        return new TableData("reporting-by-region", columns, rows.GroupBy(x => x.Location.RegionCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var stale = g.Where(x => x.Stale).ToList();
                var oldest = stale.Where(x => x.LastAsOf is not null).Select(x => (at - x.LastAsOf!.Value).TotalHours).DefaultIfEmpty().Max();
                return (object?[])[g.Key, Regions.Get(g.Key).Name, (long)g.Count(), (long)stale.Count, (long)stale.Count(x => x.LastAsOf is null),
                    stale.Count > 0 ? oldest : null];
            }).ToList());
    }

    private async Task<(Location Location, Supply.Domain.Stock.LocationStockView View)> ReadLocationAsync(TableRequest request, Caller caller)
    {
        var id = request.Get("location");
        // The GetLocationStock rule: a regional reader reads only its regions' locations.
        if (await policy.CheckReadLocationAsync(caller, id) is { } refused) throw new AccessDeniedException(refused);
        return await stock.LocationStockAsync(id, "");
    }

    private static string ItemName(ICatalogView book, string id) => book.TryGetItem(id, out var item) ? item.Name : id;
}
