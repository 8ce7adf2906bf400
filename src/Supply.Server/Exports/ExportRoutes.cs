using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Supply.Application;
using Supply.Domain;
using Supply.Exports;
using Supply.Server.Security;
using V1 = Supply.Contracts.V1;

namespace Supply.Server.Exports;

/// <summary>
/// GET /v1/exports/{coverage,shortfalls,reporting}.{csv,xlsx}, /v1/exports/situation.xlsx and POST /v1/exports/scenario.{csv,xlsx}
/// (docs/exports.md): the RPCs'
/// answers as files, built by src/Supply.Exports from the replies of the server's own services (<see cref="ServiceReads"/>),
/// after the same authentication (bearer token or client certificate) and the same <see cref="AccessPolicy"/> rules as gRPC.
/// Bad input: 400 with a problem body naming the parameter; no caller: 401; outside the caller's role or scope: 403.
/// </summary>
public static class ExportRoutes
{
    public static WebApplication MapSupplyExports(this WebApplication app)
    {
        var group = app.MapGroup("/v1/exports");
        group.MapGet("/coverage.{format}", CoverageAsync);
        group.MapGet("/shortfalls.{format}", ShortfallsAsync);
        group.MapGet("/reporting.{format}", ReportingAsync);
        group.MapGet("/situation.{format}", SituationAsync);
        group.MapPost("/scenario.{format}", ScenarioAsync);
        group.MapGet("/readiness.{format}", ReadinessAsync);
        return app;
    }

    private static readonly Dictionary<string, V1.CoverageLevel> Levels = new(StringComparer.Ordinal)
    {
        ["nation"] = V1.CoverageLevel.Nation,
        ["healthcare-region"] = V1.CoverageLevel.HealthcareRegion,
        ["region"] = V1.CoverageLevel.Region,
        ["location"] = V1.CoverageLevel.Location,
    };

    private static Task<IResult> CoverageAsync(HttpContext http, string format, AccessPolicy policy) => Run(http, format, policy, async (q, reads, caller, ct) =>
    {
        var level = q.Choice("level", Levels, "nation");
        var byGroup = q.Choice("by", ByChoices, "item");
        var request = new V1.GetCoverageRequest { Level = level, ByGroup = byGroup, ItemId = q.Text("item") };
        request.RegionCodes.AddRange(RegionsOrOwn(q.Many("region"), caller, level));
        q.ThrowIfInvalid();
        var reply = await reads.GetCoverageAsync(request, ct);
        return q.Tables.Coverage($"coverage-{q.Text("level", "nation")}", reply.Rows);
    });

    private static Task<IResult> ShortfallsAsync(HttpContext http, string format, AccessPolicy policy) => Run(http, format, policy, async (q, reads, _, ct) =>
    {
        var request = new V1.ListShortfallsRequest
        {
            ThresholdDays = q.Number("days", 14, 0, 3650),
            Level = q.Choice("level", Levels, "region"),
            ByGroup = q.Choice("by", ByChoices, "item"),
            Limit = (int)q.Number("limit", 100, 1, 10_000),
        };
        q.ThrowIfInvalid();
        var reply = await reads.ListShortfallsAsync(request, ct);
        return q.Tables.Shortfalls(reply.Shortfalls);
    });

    private static Task<IResult> ReportingAsync(HttpContext http, string format, AccessPolicy policy) => Run(http, format, policy, async (q, reads, caller, ct) =>
    {
        var staleOnly = q.Choice("stale", new Dictionary<string, bool> { ["true"] = true, ["false"] = false }, "false");
        var asked = q.Text("region");
        q.ThrowIfInvalid();
        // A regional caller who names no region gets its own regions, one call each (the RPC takes one region).
        var regions = asked.Length > 0 || AccessPolicy.ReadableRegions(caller) is not { } own ? [asked] : own.Order(StringComparer.Ordinal).ToList();
        var now = DateTimeOffset.UtcNow;
        var stale = new List<V1.StaleLocation>();
        var statuses = new List<V1.ReportingStatus>();
        var window = TimeSpan.Zero;
        foreach (var region in regions)
        {
            var s = await reads.ListStaleLocationsAsync(new V1.ListStaleLocationsRequest { RegionCode = region }, ct);
            stale.AddRange(s.Locations);
            window = TimeSpan.FromHours(s.StaleAfterHours);
            if (!staleOnly) statuses.AddRange((await reads.ListReportingStatusAsync(new V1.ListReportingStatusRequest { RegionCode = region }, ct)).Locations);
        }
        return staleOnly ? q.Tables.NotReporting(stale, now) : q.Tables.Reporting(statuses, now, window);
    });

    private static async Task<IResult> SituationAsync(HttpContext http, string format, AccessPolicy policy)
    {
        if (format != "xlsx") return Invalid("format", $"the situation report is a workbook: ask for situation.xlsx, not situation.{format}");
        return await Run(http, format, policy, async (q, reads, caller, ct) =>
        {
            var days = q.Number("days", 14, 0, 3650);
            q.ThrowIfInvalid();
            var input = await SituationReport.GatherAsync(reads, days, caller.Name, http.Request.Host.Value ?? "", DateTimeOffset.UtcNow, ct);
            return SituationReport.Build(input, q.Tables.Language);
        });
    }

    /// <summary>
    /// The body is a scenario document (YAML or JSON, as RunScenario's <c>document</c>), run against live stock; xlsx: the
    /// results and the transfer plan, a sheet each; csv: the results, or the plan with <c>part=transfers</c>.
    /// </summary>
    private static Task<IResult> ScenarioAsync(HttpContext http, string format, AccessPolicy policy) => Run(http, format, policy, async (q, reads, _, ct) =>
    {
        var transfers = q.Choice("part", new Dictionary<string, bool>(StringComparer.Ordinal) { ["results"] = false, ["transfers"] = true }, "results");
        var planner = q.Choice("planner", new Dictionary<string, string>(StringComparer.Ordinal) { ["fair"] = "fair", ["greedy"] = "greedy" }, "fair");
        q.ThrowIfInvalid();
        using var body = new StreamReader(http.Request.Body);
        var document = await body.ReadToEndAsync(ct);
        var result = await reads.RunScenarioAsync(new V1.RunScenarioRequest { Document = document, Planner = planner }, ct);
        if (format == "csv") return transfers ? q.Tables.Transfers(result) : q.Tables.ScenarioLines(result);
        return new Workbook().Add(q.Tables.ScenarioLines(result), Headers.Of("sheet-scenario", q.Tables.Language))
            .Add(q.Tables.Transfers(result), Headers.Of("sheet-transfers", q.Tables.Language));
    });

    private static Task<IResult> ReadinessAsync(HttpContext http, string format, AccessPolicy policy) => Run(http, format, policy, async (q, reads, caller, ct) =>
    {
        var level = q.Choice("level", Levels, "region");
        var request = new V1.GetReadinessComplianceRequest { Level = level, Key = q.Text("key"), Limit = (int)q.Number("limit", 100, 1, 10_000) };
        request.RegionCodes.AddRange(RegionsOrOwn(q.Many("region"), caller, level));
        q.ThrowIfInvalid();
        return q.Tables.Compliance((await reads.GetReadinessComplianceAsync(request, ct)).Lines);
    });

    private static readonly Dictionary<string, bool> ByChoices = new(StringComparer.Ordinal) { ["item"] = false, ["group"] = true };

    /// <summary>The regions asked for; none from a regional caller means its own (a national coordinator's none means all).</summary>
    private static IEnumerable<string> RegionsOrOwn(IReadOnlyList<string> asked, Caller caller, V1.CoverageLevel level) =>
        asked.Count > 0 || level is V1.CoverageLevel.Nation or V1.CoverageLevel.HealthcareRegion ? asked
        : AccessPolicy.ReadableRegions(caller) is { } own ? own.Order(StringComparer.Ordinal) : [];

    /// <summary>Authenticates, parses the common parameters, builds the table or workbook, and answers with the file or the problem.</summary>
    private static async Task<IResult> Run(HttpContext http, string format, AccessPolicy policy,
        Func<ExportQuery, ServiceReads, Caller, CancellationToken, Task<object>> build)
    {
        if (Caller.From(http.User) is not { } caller)
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthenticated",
                detail: "authenticate with a bearer token (Authorization: Bearer ...) or a client certificate");
        if (format is not ("csv" or "xlsx")) return Invalid("format", $"'{format}' is not an export format: use .csv or .xlsx");
        if (Headers.Parse(http.Request.Query["lang"]) is not { } lang) return Invalid("lang", $"'{http.Request.Query["lang"]}' is not a language: use sv or en");
        var query = new ExportQuery(http.Request.Query, new ContractTables(lang));
        object built;
        try
        {
            built = await build(query, new ServiceReads(http, caller, policy), caller, http.RequestAborted);
        }
        catch (ExportQuery.InvalidException e) { return Results.ValidationProblem(e.Errors, detail: e.Message); }
        catch (AccessDeniedException e) { return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: e.Message); }
        catch (NotFoundException e) { return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: e.Message); }
        catch (DomainValidationException e)
        {
            return Results.ValidationProblem(e.Violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray()),
                detail: string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Description}")));
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            var status = e.StatusCode switch { StatusCode.NotFound => 404, StatusCode.PermissionDenied => 403, _ => 400 };
            return Results.Problem(statusCode: status, detail: e.Status.Detail);
        }
        var workbook = built as Workbook ?? new Workbook().Add((TableData)built);
        var name = built is TableData t ? t.Name : Path.GetFileNameWithoutExtension(http.Request.Path.Value) ?? "export";
        var file = $"supply-{name}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.{format}";
        http.Response.Headers.CacheControl = "no-store"; // one caller's scope: never kept by a shared cache
        return format == "csv"
            ? Results.File(TableExport.Csv((TableData)built, CsvDialect.Data), TableExport.CsvType, file)
            : Results.File(workbook.ToArray(), TableExport.XlsxType, file);
    }

    private static ValidationProblem Invalid(string parameter, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [parameter] = [message] }, detail: $"{parameter}: {message}");
}
