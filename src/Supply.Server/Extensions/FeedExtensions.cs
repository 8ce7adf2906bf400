using Supply.Feeds;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class FeedExtensions
{
    /// <summary>Supplier feeds from Supply:Feeds (none by default), applied through the same path as regional reports.</summary>
    public static IHostApplicationBuilder AddSupplyFeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IStockReportSink, IntakeReportSink>();
        builder.Services.AddSupplyFeeds(builder.Configuration);
        return builder;
    }
}
