using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Supply.Domain.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Live;

/// <summary>GET /export/overview.csv: the map's figures as CSV, scoped like the page (a regional reader gets its regions only).</summary>
public static class OverviewExport
{
    public static async Task<IResult> CsvAsync(HttpContext http, OverviewLoader loader, IOptions<DashboardOptions> options, string? selection)
    {
        if (Caller.From(http.User) is not { } caller) return Results.Unauthorized();
        var model = await loader.LoadAsync(caller, selection ?? "all", options.Value.AlertThresholdDays, http.RequestAborted);
        var csv = new StringBuilder("region_code,region_name,band,days_of_supply,stale,row\n");
        foreach (var (code, figure) in (model?.Regions ?? new Dictionary<string, Components.Map.RegionFigure>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            csv.Append(code).Append(',').Append(Quote(Regions.Get(code).Name)).Append(',').Append(figure.Band).Append(',')
                .Append(figure.Days?.ToString("0.##", CultureInfo.InvariantCulture)).Append(',')
                .Append(figure.Stale ? "true" : "false").Append(',').Append(Quote(figure.Key)).Append('\n');
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "overview.csv");
    }

    private static string Quote(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
