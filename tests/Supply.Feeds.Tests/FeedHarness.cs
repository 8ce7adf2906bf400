using Microsoft.Extensions.DependencyInjection;
using Supply.Domain.Catalog;

namespace Supply.Feeds.Tests;

/// <summary>
/// A feed server, the real feed services (through <c>AddSupplyFeeds</c>) and a ledger sink over a real
/// catalog, sharing one clock. Feeds pull on demand here; the scheduler has its own tests.
/// </summary>
public sealed class FeedHarness : IAsyncDisposable
{
    private FeedHarness(FeedServer server, LedgerSink sink, ShiftedTime time, ServiceProvider services)
    {
        Server = server;
        Sink = sink;
        Time = time;
        Services = services;
    }

    public FeedServer Server { get; }
    public LedgerSink Sink { get; }
    public ShiftedTime Time { get; }
    public ServiceProvider Services { get; }
    public IFeedPuller Puller => Services.GetRequiredService<IFeedPuller>();
    public IFeedHealthRegistry Health => Services.GetRequiredService<IFeedHealthRegistry>();

    public static async Task<FeedHarness> StartAsync(Action<FeedServer, SupplyFeedsOptions> configure, CatalogBook? catalog = null)
    {
        var server = await FeedServer.StartAsync();
        var time = new ShiftedTime();
        var sink = new LedgerSink(catalog ?? TestCatalog.Create(), time);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IStockReportSink>(sink);
        services.AddSupplyFeeds(o =>
        {
            o.SchedulerEnabled = false;
            o.StartDelay = TimeSpan.Zero;
            configure(server, o);
        });
        return new FeedHarness(server, sink, time, services.BuildServiceProvider());
    }

    public Task<FeedPullResult> PullAsync(string feed) => Puller.PullNowAsync(feed, Bounded.Timeout);

    public FeedHealth HealthOf(string feed) => Health.Get(feed) ?? throw new InvalidOperationException($"no feed {feed}");

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Varunummer 100001-100020 and 100031 (not in the catalog) are mapped; 100021-100030 are in the catalog but unmapped.</summary>
    public static Dictionary<string, string> PharmacyMapping() =>
        Enumerable.Range(1, 20).Append(31).ToDictionary(i => $"{100000 + i}", TestCatalog.Vnr, StringComparer.Ordinal);

    /// <summary>A pharmacy-json feed for stores 1001 and 1002, pulled on demand, with short back-offs.</summary>
    public static FeedOptions PharmacyFeed(string url) => Tune(new FeedOptions
    {
        Url = url,
        Format = FeedFormats.PharmacyJson,
        Stores = { ["1001"] = TestCatalog.Store1, ["1002"] = TestCatalog.Store2 },
        Mapping = PharmacyMapping(),
    });

    /// <summary>A medtech-csv feed: article numbers A-1 … A-20 map to gtin items 1-20; GTINs of items 21-25 map by GTIN.</summary>
    public static FeedOptions MedtechFeed(string url)
    {
        var mapping = Enumerable.Range(1, 20).ToDictionary(i => $"A-{i}", i => $"gtin:{TestCatalog.Gtin(i)}", StringComparer.Ordinal);
        foreach (var i in Enumerable.Range(21, 5)) mapping[TestCatalog.Gtin(i)] = $"gtin:{TestCatalog.Gtin(i)}";
        return Tune(new FeedOptions { Url = url, Format = FeedFormats.MedtechCsv, Location = TestCatalog.Supplier, Mapping = mapping });
    }

    private static FeedOptions Tune(FeedOptions f)
    {
        f.Interval = TimeSpan.Zero;
        f.Timeout = TimeSpan.FromSeconds(5);
        f.Retries = 2;
        f.RetryDelay = TimeSpan.FromMilliseconds(10);
        f.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
        f.Breaker = new FeedBreakerOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 100,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromMilliseconds(500),
        };
        f.StaleAfter = TimeSpan.FromHours(1);
        return f;
    }
}

internal static class Bounded
{
    /// <summary>A bound on every await in a test, so a hang fails instead of stalling the suite.</summary>
    public static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
}
