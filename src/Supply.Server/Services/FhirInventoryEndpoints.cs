using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Supply.Application;
using Supply.Domain;
using Supply.Domain.Stock;
using Supply.Fhir;
using Supply.Fhir.Mapping;
using Supply.Fhir.Model;
using Supply.Grains.Catalog;
using Supply.Server.Grpc;
using Supply.Server.Security;
using AuditEntry = Supply.Domain.Audit.AuditEntry;
using IAuditLog = Supply.Domain.Audit.IAuditLog;

namespace Supply.Server.Services;

/// <summary>
/// The FHIR InventoryReport endpoints: translation only. An Inventory Status Report becomes Supply reports that take the
/// same path as gRPC's (<see cref="ReportIntake"/>), under the same access rule (the SubmitReport rule of
/// <see cref="AccessPolicy"/>); the Inventory Query reads <see cref="StockQueries"/>. Every refusal is an OperationOutcome.
/// </summary>
public sealed class FhirInventoryEndpoints(
    ReportIntake intake, StockQueries queries, CatalogCache cache, AccessPolicy policy, IAuditLog audit,
    IOptions<FhirOptions> fhirOptions, IOptions<SupplyOptions> supplyOptions, TimeProvider time)
{
    // The gRPC methods whose access rules the FHIR interactions share.
    private const string SubmitMethod = "/supply.v1.StockReporting/SubmitReport";

    public async Task SubmitAsync(HttpContext http)
    {
        var options = fhirOptions.Value;
        if (!IsFhirJson(http.Request.ContentType))
        {
            await Answer(http, 415, OperationOutcome.Error("not-supported", $"send the resource as {FhirJson.MediaType}"));
            return;
        }
        if (await Authenticate(http, audit: true) is not { } caller) return;
        if (await ReadBody(http) is not { } body) return;
        var (report, outcome) = FhirJson.ReadInventoryReport(body);
        if (report is null) { await Answer(http, 400, outcome!); return; }

        foreach (var locationId in InventoryReportReader.LocationIds(report, options))
            if (await policy.CheckAsync(SubmitMethod, caller, new Contracts.V1.StockReport { LocationId = locationId }) is { } reason)
            {
                await Audit(caller.Name, caller, locationId, report, "permission-denied", reason);
                await Answer(http, 403, OperationOutcome.Error("forbidden", $"{caller.Name}: {reason}"));
                return;
            }

        var book = await cache.GetAsync();
        var mapped = InventoryReportReader.Read(report, options, book, time.GetUtcNow());
        // Items or locations registered a moment ago on another silo: look once more before refusing.
        if (!mapped.Ok && await cache.RefreshAsync(book.Version)) mapped = InventoryReportReader.Read(report, options, await cache.GetAsync(), time.GetUtcNow());
        if (!mapped.Ok) { await Answer(http, 400, new OperationOutcome { Issue = [.. mapped.Issues] }); return; }

        var identity = new CallerIdentity(caller.Name, caller.RoleText, caller.ScopeText);
        var duplicates = 0;
        foreach (var part in mapped.Reports)
        {
            var ack = await intake.SubmitAsync(part.Report, identity);
            if (ack.Outcome == ReportOutcome.Rejected)
            {
                // Checked above against the same rules; only a catalog change in between gets here.
                await Answer(http, 400, new OperationOutcome { Issue = ack.Violations.Select(v => OperationOutcomeIssue.Error("invalid", v.Description, part.Paths.ToFhir(v))).ToList() });
                return;
            }
            if (ack.Duplicate) duplicates++;
        }

        // The stored resource is the one sent, with the id Supply knows it by: the same identifier always gets the same id.
        var reportId = mapped.Reports[0].Report.ReportId;
        report.Id = ResourceId(reportId);
        report.Meta = new Meta { LastUpdated = FhirDates.Instant(time.GetUtcNow()), Profile = report.Meta?.Profile };
        http.Response.Headers.Location = $"/fhir/InventoryReport/{report.Id}";
        await Answer(http, duplicates == mapped.Reports.Count ? 200 : 201, report);
    }

    public async Task QueryAsync(HttpContext http)
    {
        if (await Authenticate(http, audit: false) is not { } caller) return;
        var options = fhirOptions.Value;
        var location = http.Request.Query["location"].ToString();
        var item = http.Request.Query["item"].ToString();
        try
        {
            var book = await cache.GetAsync();
            var now = time.GetUtcNow();
            if (location.Length > 0 == item.Length > 0)
            {
                await Answer(http, 400, OperationOutcome.Error("required", "give either location or item (a Supply id, or system|code)"));
                return;
            }
            if (location.Length > 0)
            {
                var locationId = Token(location, options.LocationSystem, "location");
                if (await policy.CheckReadLocationAsync(caller, locationId) is { } reason) { await Answer(http, 403, OperationOutcome.Error("forbidden", $"{caller.Name}: {reason}")); return; }
                var (loc, view) = await queries.LocationStockAsync(locationId, "");
                await Answer(http, 200, InventoryReportWriter.Write([new LocationLines(loc, view.LastAsOf, view.Items)], book, options, now));
                return;
            }
            var itemId = ItemToken(item, options, book, now);
            IReadOnlyCollection<string> regions = http.Request.Query["region"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).ToList();
            // A regional caller who names no region reads its own regions.
            if (regions.Count == 0 && AccessPolicy.ReadableRegions(caller) is { } readable) regions = readable.ToList();
            if (!caller.Is(Roles.NationalCoordinator) && await policy.CheckReadRegionsAsync(caller, regions) is { } denied)
            {
                await Answer(http, 403, OperationOutcome.Error("forbidden", $"{caller.Name}: {denied}"));
                return;
            }
            var (_, lines, _) = await queries.ItemStockAsync(itemId, regions, []);
            var locations = lines.Select(l => new LocationLines(l.Location, l.Line.AsOf, [l.Line])).ToList();
            await Answer(http, 200, InventoryReportWriter.Write(locations, book, options, now));
        }
        catch (DomainValidationException e)
        {
            await Answer(http, 400, new OperationOutcome { Issue = e.Violations.Select(v => OperationOutcomeIssue.Error("value", v.Description, v.Field)).ToList() });
        }
        catch (NotFoundException e)
        {
            await Answer(http, 404, OperationOutcome.Error("not-found", e.Message));
        }
    }

    /// <summary>What this server does with FHIR, for clients that ask (no authentication: it says nothing about stock).</summary>
    public Task CapabilityStatementAsync(HttpContext http) => Answer(http, 200, new
    {
        resourceType = "CapabilityStatement",
        status = "active",
        date = FhirDates.Instant(time.GetUtcNow()),
        kind = "instance",
        fhirVersion = "5.0.0",
        format = new[] { FhirJson.MediaType },
        instantiates = new[] { "https://profiles.ihe.net/PHARM/SUPPLY/CapabilityStatement/IHE.PHARM.SUPPLY.InventoryManager" },
        rest = new[]
        {
            new
            {
                mode = "server",
                resource = new[]
                {
                    new
                    {
                        type = InventoryReport.TypeName,
                        interaction = new[] { new { code = "create" }, new { code = "search-type" } },
                        searchParam = new[] { new { name = "location", type = "token" }, new { name = "item", type = "token" } },
                    },
                },
            },
        },
    });

    private async Task<Caller?> Authenticate(HttpContext http, bool audit)
    {
        if (Caller.From(http.User) is { } caller) return caller;
        if (audit) await Audit($"anonymous@{http.Connection.RemoteIpAddress}", null, "", null, "unauthenticated", "no valid bearer token or client certificate");
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await Answer(http, 401, OperationOutcome.Error("login", "authenticate with a bearer token (Authorization: Bearer ...) or a client certificate"));
        return null;
    }

    private async Task<byte[]?> ReadBody(HttpContext http)
    {
        var limit = supplyOptions.Value.Limits.MaxMessageBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await Answer(http, 413, OperationOutcome.Error("too-costly", $"the resource is larger than {limit} bytes; split the report"));
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private Task Audit(string name, Caller? caller, string locationId, InventoryReport? report, string outcome, string reason) =>
        audit.AppendAsync(new AuditEntry(time.GetUtcNow(), name, "submit-report", locationId,
            report?.Identifier?.FirstOrDefault()?.Value is { } id ? id[..Math.Min(id.Length, 128)] : "", outcome, 0, 0, reason)
        { Role = caller?.RoleText ?? "", Scope = caller?.ScopeText ?? "" });

    /// <summary>A search token: "value" (a Supply id) or "system|value" with the configured system.</summary>
    private static string Token(string token, string system, string parameter)
    {
        var bar = token.IndexOf('|');
        if (bar < 0) return token;
        if (token[..bar] != system) throw new DomainValidationException([new Violation(parameter, $"system '{token[..bar]}' is not {system}")]);
        return token[(bar + 1)..];
    }

    private static string ItemToken(string token, FhirOptions options, Domain.Catalog.ICatalogView catalog, DateTimeOffset now)
    {
        var bar = token.IndexOf('|');
        if (bar < 0) return token;
        var coding = new Coding { System = token[..bar], Code = token[(bar + 1)..] };
        var coded = new ItemCodes(options, DateOnly.FromDateTime(now.UtcDateTime)).Read(coding, out var error);
        if (coded is null) throw new DomainValidationException([new Violation("item", $"system '{coding.System}' is not one Supply maps to items")]);
        if (error is not null) throw new DomainValidationException([new Violation("item", error)]);
        return coded.ItemIds.FirstOrDefault(id => catalog.TryGetItem(id, out _)) ?? coded.ItemIds.FirstOrDefault() ?? "";
    }

    private static string ResourceId(string reportId) =>
        "ir-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reportId)))[..32];

    private static bool IsFhirJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith(FhirJson.MediaType, StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase));

    private static async Task Answer<T>(HttpContext http, int status, T resource)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = FhirJson.MediaType + "; charset=utf-8";
        await http.Response.Body.WriteAsync(FhirJson.Write(resource), http.RequestAborted);
    }
}
