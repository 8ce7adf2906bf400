using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Domain;
using Supply.Domain.Audit;
using Supply.Grains.Catalog;

namespace Supply.Server.Services;

/// <summary>Reads the append-only audit log.</summary>
public sealed class AuditService(IAuditLog audit, CatalogCache cache, TimeProvider time) : Contracts.V1.Audit.AuditBase
{
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        if (request.LocationId.Length > 0) QueryArguments.KnownLocation(await cache.GetAsync(), request.LocationId);
        var from = request.From is null ? DateTimeOffset.MinValue : ContractMapping.ToDateTimeOffset(request.From);
        var to = request.To is null ? time.GetUtcNow().AddTicks(1) : ContractMapping.ToDateTimeOffset(request.To);
        var v = new Violations();
        v.Check(from < to, "to", "must be after from");
        v.Check(request.Limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        if (v.Any) throw new DomainValidationException(v.Items);

        var entries = await audit.QueryAsync(new AuditQuery(request.LocationId.Length > 0 ? request.LocationId : null, from, to,
            request.Limit == 0 ? 100 : request.Limit), context.CancellationToken);
        var response = new ListAuditEntriesResponse();
        response.Entries.AddRange(entries.Select(e => new Contracts.V1.AuditEntry
        {
            At = Timestamp.FromDateTimeOffset(e.At), Caller = e.Caller, Action = e.Action, LocationId = e.LocationId, ReportId = e.ReportId,
            Outcome = e.Outcome, Lines = e.Lines, LocationVersion = e.LocationVersion, Detail = e.Detail, Role = e.Role, Scope = e.Scope,
        }));
        return response;
    }
}
