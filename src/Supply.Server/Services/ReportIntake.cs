using Supply.Domain;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;
using Supply.Server.Grpc;
using Supply.Server.Telemetry;
using AuditEntry = Supply.Domain.Audit.AuditEntry;
using IAuditLog = Supply.Domain.Audit.IAuditLog;

namespace Supply.Server.Services;

/// <summary>
/// The one path every report takes, from a region over gRPC or from a supplier feed: refuse what
/// cannot name a known location, let the location grain judge and store the rest, audit the
/// outcome, count it. An acknowledgement always means "durably stored and audited".
/// </summary>
public sealed class ReportIntake(IGrainFactory grains, CatalogCache cache, IAuditLog audit, SupplyMetrics metrics, TimeProvider time,
    IntakeBudget budget)
{
    /// <summary>Waits for room in the server-wide budget (<see cref="IntakeBudget"/>), then submits.</summary>
    public async Task<ReportAck> SubmitAsync(StockReport report, CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        using var lease = await budget.AcquireAsync(report.LineCount, cancellationToken);
        return await SubmitAsync(report, caller, lease);
    }

    /// <summary>Room for <paramref name="report"/> in the budget; a stream takes it before it reads on.</summary>
    public ValueTask<IntakeBudget.Lease> ReserveAsync(StockReport report, CancellationToken cancellationToken) =>
        budget.AcquireAsync(report.LineCount, cancellationToken);

    /// <summary>Submits a report whose room in the budget is already held (released when this completes).</summary>
    public async Task<ReportAck> SubmitAsync(StockReport report, CallerIdentity caller, IntakeBudget.Lease lease)
    {
        using var held = lease;
        var started = time.GetTimestamp();
        var ack = await RouteableViolations(report) is { Count: > 0 } violations
            ? ReportAck.Rejected(report.ReportId, report.LocationId, violations)
            : (await grains.GetGrain<IStockLocationGrain>(report.LocationId).Submit(report.AsImmutable())).Value;
        var outcome = Outcome(ack);
        // Audited before the sender hears back: an acknowledged report is always in the log.
        await audit.AppendAsync(new AuditEntry(time.GetUtcNow(), caller.Name, "submit-report", report.LocationId, report.ReportId, outcome,
            report.LineCount, ack.LocationVersion, ack.Violations.Count > 0 ? ack.Violations[0].ToString() : "")
        {
            Role = caller.Role,
            Scope = caller.Scope,
        });
        metrics.Report(outcome, report.LineCount, time.GetElapsedTime(started), ack.Violations);
        return ack;
    }

    /// <summary>
    /// Refuses, before any grain is activated, a report that cannot name a known location: junk ids
    /// must not create activations. Everything else is the grain's (and the domain's) to judge.
    /// </summary>
    private async Task<IReadOnlyList<Violation>> RouteableViolations(StockReport report)
    {
        var v = new Violations();
        ReportValidator.CheckHeader(report, v);
        if (v.Any) return v.Items;
        var book = await cache.GetAsync();
        if (book.TryGetLocation(report.LocationId, out _)) return [];
        if (await cache.RefreshAsync(book.Version) && (await cache.GetAsync()).TryGetLocation(report.LocationId, out _)) return [];
        return [new Violation("location_id", $"unknown location '{report.LocationId}'; register it first")];
    }

    private static string Outcome(ReportAck ack) => ack switch
    {
        { Outcome: ReportOutcome.Rejected } => "refused",
        { Duplicate: true } => "duplicate",
        { Outcome: ReportOutcome.Historical } => "historical",
        _ => "applied",
    };
}
