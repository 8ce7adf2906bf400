using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Domain;
using AuditEntry = Supply.Domain.Audit.AuditEntry;
using Supply.Domain.Audit;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;
using Supply.Server.Grpc;
using Supply.Server.Telemetry;
using ReportAck = Supply.Contracts.V1.ReportAck;
using StockReport = Supply.Contracts.V1.StockReport;

namespace Supply.Server.Services;

/// <summary>
/// Receives reports and hands each to its location grain, which stores it before answering; an
/// acknowledgement therefore always means "durably stored".
/// </summary>
public sealed class StockReportingService(IGrainFactory grains, CatalogCache cache, IAuditLog audit, SupplyMetrics metrics, TimeProvider time,
    IOptions<SupplyOptions> options) : StockReporting.StockReportingBase
{
    /// <summary>Reports of one stream in flight at once: different locations proceed in parallel.</summary>
    internal const int StreamWindow = 64;

    public override async Task<ReportAck> SubmitReport(StockReport request, ServerCallContext context)
    {
        var ack = await Submit(request, CallerIdentity.Of(context));
        if (ack.Outcome == Domain.Stock.ReportOutcome.Rejected) throw ErrorMappingInterceptor.InvalidArgument(ack.Violations);
        return ack.ToContract();
    }

    public override async Task StreamReports(IAsyncStreamReader<StockReport> requestStream, IServerStreamWriter<ReportAck> responseStream,
        ServerCallContext context)
    {
        // Read ahead and start up to StreamWindow reports, but answer strictly in request order.
        // Reports for the same location wait for the one before it, so a sender's order is kept.
        var inFlight = Channel.CreateBounded<Task<Domain.Stock.ReportAck>>(new BoundedChannelOptions(StreamWindow) { SingleReader = true, SingleWriter = true });
        var caller = CallerIdentity.Of(context);
        var reader = Task.Run(async () =>
        {
            var lastByLocation = new Dictionary<string, Task>(StringComparer.Ordinal);
            try
            {
                var count = 0;
                await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
                {
                    if (++count > options.Value.Limits.MaxReportsPerStream)
                        throw new RpcException(new Status(StatusCode.ResourceExhausted,
                            $"at most {options.Value.Limits.MaxReportsPerStream} reports per stream; open a new stream for the rest"));
                    var previous = lastByLocation.GetValueOrDefault(request.LocationId);
                    var next = previous is null || previous.IsCompleted ? Submit(request, caller) : After(previous, request, caller);
                    lastByLocation[request.LocationId] = next;
                    await inFlight.Writer.WriteAsync(next, context.CancellationToken);
                }
                inFlight.Writer.Complete();
            }
            catch (Exception e)
            {
                inFlight.Writer.Complete(e);
            }
        });
        await foreach (var pending in inFlight.Reader.ReadAllAsync(context.CancellationToken))
            await responseStream.WriteAsync((await pending).ToContract(), context.CancellationToken);
        await reader;
    }

    private async Task<Domain.Stock.ReportAck> After(Task previous, StockReport request, CallerIdentity caller)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await Submit(request, caller);
    }

    private async Task<Domain.Stock.ReportAck> Submit(StockReport request, CallerIdentity caller)
    {
        var started = time.GetTimestamp();
        var report = request.ToDomain();
        var ack = await RouteableViolations(report) is { Count: > 0 } violations
            ? Domain.Stock.ReportAck.Rejected(report.ReportId, report.LocationId, violations)
            : (await grains.GetGrain<IStockLocationGrain>(report.LocationId).Submit(report.AsImmutable())).Value;
        var outcome = Outcome(ack);
        // Audited before the sender hears back: an acknowledged report is always in the log.
        await audit.AppendAsync(new AuditEntry(time.GetUtcNow(), caller.Name, "submit-report", report.LocationId, report.ReportId, outcome,
            report.LineCount, ack.LocationVersion, ack.Violations.Count > 0 ? ack.Violations[0].ToString() : "")
        {
            Role = caller.Role,
            Scope = caller.Scope,
        });
        metrics.Report(outcome, report.LineCount, time.GetElapsedTime(started));
        return ack;
    }

    /// <summary>
    /// Refuses, before any grain is activated, a report that cannot name a known location: junk ids
    /// must not create activations. Everything else is the grain's (and the domain's) to judge.
    /// </summary>
    private async Task<IReadOnlyList<Violation>> RouteableViolations(Domain.Stock.StockReport report)
    {
        var v = new Violations();
        ReportValidator.CheckHeader(report, v);
        if (v.Any) return v.Items;
        var book = await cache.GetAsync();
        if (book.TryGetLocation(report.LocationId, out _)) return [];
        if (await cache.RefreshAsync(book.Version) && (await cache.GetAsync()).TryGetLocation(report.LocationId, out _)) return [];
        return [new Violation("location_id", $"unknown location '{report.LocationId}'; register it first")];
    }

    private static string Outcome(Domain.Stock.ReportAck ack) => ack switch
    {
        { Outcome: Domain.Stock.ReportOutcome.Rejected } => "refused",
        { Duplicate: true } => "duplicate",
        { Outcome: Domain.Stock.ReportOutcome.Historical } => "historical",
        _ => "applied",
    };
}
