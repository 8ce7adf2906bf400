using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Supply.Feeds;

namespace Microsoft.Extensions.DependencyInjection;

public static class FeedServiceCollectionExtensions
{
    /// <summary>Configuration section of the feeds: <c>Supply:Feeds:&lt;name&gt;</c>.</summary>
    public const string FeedsSection = "Supply:Feeds";

    /// <summary>Configuration section of the scheduler: <c>Supply:FeedScheduler</c> (SchedulerEnabled, StartDelay, MaxConcurrentPulls).</summary>
    public const string SchedulerSection = "Supply:FeedScheduler";

    /// <summary>
    /// Adds the supplier feeds, bound from <c>Supply:Feeds</c> and <c>Supply:FeedScheduler</c>, validated at
    /// start: <see cref="FeedHub"/> (also as <see cref="IFeedPuller"/> and <see cref="IFeedHealthRegistry"/>), the
    /// <see cref="FeedScheduler"/> hosted service, the named HttpClient and the <c>Supply.Feeds</c> meter.
    /// The host must register an <see cref="IStockReportSink"/>.
    /// </summary>
    public static IServiceCollection AddSupplyFeeds(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSupplyFeeds(o => Bind(configuration, o));

    /// <summary>As <see cref="AddSupplyFeeds(IServiceCollection, IConfiguration)"/>, configured in code (tests).</summary>
    public static IServiceCollection AddSupplyFeeds(this IServiceCollection services, Action<SupplyFeedsOptions> configure)
    {
        services.AddOptions<SupplyFeedsOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupplyFeedsOptions>, SupplyFeedsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(FeedHub.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(15),
            });
        services.TryAddSingleton(sp => new FeedHub(
            sp.GetRequiredService<IOptions<SupplyFeedsOptions>>(),
            sp.GetService<IStockReportSink>() ?? throw new InvalidOperationException(
                "Supply.Feeds needs an IStockReportSink: register one (the server's calls the location grain)"),
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IFeedPuller>(sp => sp.GetRequiredService<FeedHub>());
        services.TryAddSingleton<IFeedHealthRegistry>(sp => sp.GetRequiredService<FeedHub>());
        services.TryAddSingleton<FeedScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedScheduler>());
        return services;
    }

    /// <summary>Binds the feeds (each child of <c>Supply:Feeds</c> is one feed, named by its key) and the scheduler settings.</summary>
    public static void Bind(IConfiguration configuration, SupplyFeedsOptions options)
    {
        foreach (var child in configuration.GetSection(FeedsSection).GetChildren())
        {
            var feed = new FeedOptions();
            child.Bind(feed);
            feed.Name = child.Key;
            options.Feeds[child.Key] = feed;
        }
        configuration.GetSection(SchedulerSection).Bind(options);
    }
}
