using Supply.Domain.Stock;
using Supply.Feeds;
using Supply.Server.Grpc;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class FeedExtensions
{
    /// <summary>Supplier feeds from Supply:Feeds (none by default), applied through the same path as regional reports.</summary>
    public static IHostApplicationBuilder AddSupplyFeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportIntake>();
        builder.Services.AddSingleton<IStockReportSink, IntakeReportSink>();
        builder.Services.AddSupplyFeeds(builder.Configuration);
        return builder;
    }
}

/// <summary>Feed reports enter like any other, audited as "feed:NAME" with the supplier-feed role.</summary>
internal sealed class IntakeReportSink(ReportIntake intake) : IStockReportSink
{
    public Task<ReportAck> SubmitAsync(StockReport report, CancellationToken cancellationToken) =>
        intake.SubmitAsync(report, new CallerIdentity($"feed:{FeedName(report.ReportId)}", "supplier-feed", ""));

    // Feed report ids are "feed-<name>-<hash>".
    private static string FeedName(string reportId) =>
        reportId.StartsWith("feed-", StringComparison.Ordinal) && reportId.LastIndexOf('-') is > 5 and var end ? reportId[5..end] : "unknown";
}
