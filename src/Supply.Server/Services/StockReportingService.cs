using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Server.Grpc;
using ReportAck = Supply.Contracts.V1.ReportAck;
using StockReport = Supply.Contracts.V1.StockReport;

namespace Supply.Server.Services;

/// <summary>
/// Receives reports and hands each to its location grain, which stores it before answering; an
/// acknowledgement therefore always means "durably stored".
/// </summary>
public sealed class StockReportingService(ReportIntake intake, IOptions<SupplyOptions> options) : StockReporting.StockReportingBase
{
    /// <summary>Reports of one stream in flight at once: different locations proceed in parallel.</summary>
    internal const int StreamWindow = 64;

    public override async Task<ReportAck> SubmitReport(StockReport request, ServerCallContext context)
    {
        var ack = await intake.SubmitAsync(request.ToDomain(), CallerIdentity.Of(context), context.CancellationToken);
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
                    // Room in the server-wide budget first: while there is none, this stream reads no further.
                    var report = request.ToDomain();
                    var lease = await intake.ReserveAsync(report, context.CancellationToken);
                    var previous = lastByLocation.GetValueOrDefault(request.LocationId);
                    var next = previous is null || previous.IsCompleted ? intake.SubmitAsync(report, caller, lease) : After(previous, report, caller, lease);
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

    private async Task<Domain.Stock.ReportAck> After(Task previous, Domain.Stock.StockReport report, CallerIdentity caller, IntakeBudget.Lease lease)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await intake.SubmitAsync(report, caller, lease);
    }
}
