using Grpc.Core;
using Supply.Contracts.V1;

namespace Supply.BareGrpc;

/// <summary>
/// StreamReports and nothing else (the other RPCs answer UNIMPLEMENTED): each report is parsed by gRPC as Supply.Server's
/// is, then acknowledged as applied, one ack per report in order. No validation, no storage, no authorisation.
/// </summary>
public sealed class BareReporting : StockReporting.StockReportingBase
{
    public override async Task StreamReports(IAsyncStreamReader<StockReport> requestStream, IServerStreamWriter<ReportAck> responseStream,
        ServerCallContext context)
    {
        await foreach (var report in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var lines = report.BodyCase switch
            {
                StockReport.BodyOneofCase.Snapshot => report.Snapshot.Lines.Count,
                StockReport.BodyOneofCase.Movements => report.Movements.Lines.Count,
                _ => 0,
            };
            await responseStream.WriteAsync(new ReportAck
            {
                ReportId = report.ReportId, LocationId = report.LocationId, Outcome = ReportOutcome.Applied, LinesApplied = lines,
            });
        }
    }
}
