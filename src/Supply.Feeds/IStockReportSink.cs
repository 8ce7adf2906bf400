using Supply.Domain.Stock;

namespace Supply.Feeds;

/// <summary>
/// Where feed reports go: the same path as regional reports. The server implements it by calling the
/// location grain (<c>IStockLocationGrain.Submit</c>), so reports are stored before acknowledged, resends
/// are idempotent and every report is audited.
/// </summary>
/// <remarks>
/// Contract: return the domain acknowledgement. A report the stock service refuses comes back as an ack
/// with <see cref="ReportOutcome.Rejected"/> and its violations (a thrown
/// <see cref="Supply.Domain.DomainValidationException"/> is treated the same). Throw for anything else
/// (the silo cannot be reached, storage failed): nothing is assumed applied and the next pull sends the
/// same report id again.
/// </remarks>
public interface IStockReportSink
{
    Task<ReportAck> SubmitAsync(StockReport report, CancellationToken cancellationToken);
}
