using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Supply.Application;
using Supply.Dashboard.Security;
using Supply.Domain;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>
/// GET /export/{table}.csv and /export/{table}.xlsx on the dashboard endpoint: signed-in callers only, the same
/// <see cref="DashboardTables"/> (and so the same access checks) as the pages; a refusal is 403, never an empty file.
/// </summary>
public static class ExportEndpoints
{
    public static IServiceCollection AddDashboardTables(this IServiceCollection services)
    {
        services.AddSingleton<CoverageTables>();
        services.AddSingleton<LocationTables>();
        services.AddSingleton<ScenarioTables>();
        services.AddSingleton<ReadinessTables>();
        services.AddSingleton<ScenarioResultStore>();
        services.AddSingleton<DashboardTables>();
        return services;
    }

    public static void MapDashboardExports(this IEndpointRouteBuilder group)
    {
        group.MapGet("/export/{table}.{format}", ExportAsync).RequireAuthorization(DashboardAuth.Policy);
    }

    private static async Task ExportAsync(HttpContext http, string table, string format, DashboardTables tables)
    {
        if (format is not ("csv" or "xlsx") || !DashboardTables.Names.Contains(table))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var caller = Caller.From(http.User);
        if (caller is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        TableData data;
        try
        {
            data = await tables.BuildAsync(TableRequest.From(table, http.Request.Query), caller, http.RequestAborted);
        }
        catch (AccessDeniedException e)
        {
            await Refuse(http, StatusCodes.Status403Forbidden, e.Message);
            return;
        }
        catch (NotFoundException e)
        {
            await Refuse(http, StatusCodes.Status404NotFound, e.Message);
            return;
        }
        catch (DomainValidationException e)
        {
            await Refuse(http, StatusCodes.Status400BadRequest, string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Description}")));
            return;
        }
        var file = $"supply-{data.Name}-{DateTime.UtcNow:yyyyMMdd-HHmm}.{format}";
        http.Response.ContentType = format == "csv" ? TableExport.CsvType : TableExport.XlsxType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        http.Response.Headers.CacheControl = "no-store"; // figures of one caller's scope: never kept by a shared cache
        if (format == "csv") await TableExport.WriteCsvAsync(data, http.Response.Body, http.RequestAborted);
        else await TableExport.WriteXlsxAsync(data, http.Response.Body, http.RequestAborted);
    }

    private static Task Refuse(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message);
    }
}
