using Supply.Domain.Stock;
using Supply.Feeds;
using Supply.Server.Grpc;

namespace Supply.Server.Services;

/// <summary>Feed reports enter like any other, audited as "feed:NAME" with the supplier-feed role.</summary>
internal sealed class IntakeReportSink(ReportIntake intake) : IStockReportSink
{
    public Task<ReportAck> SubmitAsync(StockReport report, CancellationToken cancellationToken) =>
        intake.SubmitAsync(report, new CallerIdentity($"feed:{FeedName(report.ReportId)}", "supplier-feed", ""));

    // Feed report ids are "feed-<name>-<hash>".
    private static string FeedName(string reportId) =>
        reportId.StartsWith("feed-", StringComparison.Ordinal) && reportId.LastIndexOf('-') is > 5 and var end ? reportId[5..end] : "unknown";
}
