using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Supply.Domain.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Live;

/// <summary>
/// GET /export/overview.csv: the map's figures as CSV, scoped like the page (a regional reader gets its regions only).
/// Written by the shared <see cref="TableExport"/> in the data dialect (",", "." decimals): scripts read this file.
/// </summary>
public static class OverviewExport
{
    private static readonly TableColumn[] Columns =
    [
        new("region_code", "region_code"), new("region_name", "region_name"), new("band", "band"),
        new("days_of_supply", "days_of_supply", CellKind.Number), new("stale", "stale"), new("row", "row"),
    ];

    public static async Task<IResult> CsvAsync(HttpContext http, OverviewLoader loader, IOptions<DashboardOptions> options, string? selection)
    {
        if (Caller.From(http.User) is not { } caller) return Results.Unauthorized();
        var model = await loader.LoadAsync(caller, selection ?? "all", options.Value.AlertThresholdDays, http.RequestAborted);
        var rows = (model?.Regions ?? new Dictionary<string, Components.Map.RegionFigure>()).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (object?[])[kv.Key, Regions.Get(kv.Key).Name, kv.Value.Band.ToString(), kv.Value.Days, kv.Value.Stale ? "true" : "false", kv.Value.Key])
            .ToList();
        return Results.File(TableExport.Csv(new TableData("overview", Columns, rows), CsvDialect.Data), TableExport.CsvType, "overview.csv");
    }
}
