using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Supply.Feeds.Tests.TestCatalog;

namespace Supply.Feeds.Tests;

/// <summary>The scheduler and the registration extension.</summary>
public sealed class SchedulerTests
{
    [Fact]
    public async Task The_scheduler_pulls_on_the_interval_and_pulls_of_a_feed_never_overlap()
    {
        await using var h = await FeedHarness.StartAsync((server, o) =>
        {
            o.SchedulerEnabled = true;
            var f = FeedHarness.PharmacyFeed(server.Url("/s.json"));
            f.Interval = TimeSpan.FromMilliseconds(50);
            o.Feeds["sched"] = f;
        });
        var endpoint = h.Server.At("/s.json")
            .Serve(new PharmacyFile { Generated = PharmacyFile.Stamp(h.Time) }.Store("1001", PharmacyFile.Article("100001", 3)).ToString())
            .Always(new Fault.SlowBody(3, TimeSpan.FromMilliseconds(60)));
        var scheduler = h.Services.GetRequiredService<FeedScheduler>();

        await scheduler.StartAsync(Bounded.Timeout);
        // On-demand pulls while the schedule runs: they wait their turn.
        var manual = Enumerable.Range(0, 3).Select(_ => scheduler.PullNowAsync("sched", Bounded.Timeout)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (h.HealthOf("sched").Pulls < 6 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var results = await Task.WhenAll(manual);
        await scheduler.StopAsync(Bounded.Timeout);

        Assert.True(endpoint.Requests >= 6, $"only {endpoint.Requests} requests");
        Assert.Equal(1, endpoint.MaxInFlight);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        var health = h.HealthOf("sched");
        Assert.True(health.Pulls >= 6);
        Assert.Equal(0, health.FailedPulls);
        Assert.Equal(3L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
        Assert.Equal(1, h.Sink.Version(Store1)); // every later pull was a duplicate
    }

    [Fact]
    public async Task Feeds_are_bound_from_configuration_and_registered_for_the_host()
    {
        using var dir = new TempDir();
        var mapping = dir.Write("medtech.json", "{\"A-1\": \"gtin:" + Gtin(1) + "\"}");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Supply:Feeds:apotek-nord:Url"] = "https://feeds.example.se/apotek/stock.json?key=secret",
            ["Supply:Feeds:apotek-nord:Format"] = "pharmacy-json",
            ["Supply:Feeds:apotek-nord:Interval"] = "00:15:00",
            ["Supply:Feeds:apotek-nord:Stores:1001"] = Store1,
            ["Supply:Feeds:apotek-nord:Stores:1002"] = Store2,
            ["Supply:Feeds:apotek-nord:IdentityScheme"] = "vnr",
            ["Supply:Feeds:apotek-nord:Mapping:555555"] = "vnr:100001",
            ["Supply:Feeds:apotek-nord:Breaker:BreakDuration"] = "00:00:30",
            ["Supply:Feeds:apotek-nord:StaleAfter"] = "06:00:00",
            ["Supply:Feeds:medtech-ab:Url"] = "https://medtech.example.se/articles.csv",
            ["Supply:Feeds:medtech-ab:Format"] = "medtech-csv",
            ["Supply:Feeds:medtech-ab:Location"] = Supplier,
            ["Supply:Feeds:medtech-ab:MappingFile"] = mapping,
            ["Supply:Feeds:medtech-ab:Retries"] = "5",
            ["Supply:Feeds:medtech-ab:Headers:Authorization"] = "Bearer s3cret",
            ["Supply:Feeds:old-feed:Enabled"] = "false",
            ["Supply:FeedScheduler:SchedulerEnabled"] = "false",
            ["Supply:FeedScheduler:MaxConcurrentPulls"] = "2",
        });
        builder.Services.AddSingleton<IStockReportSink>(new LedgerSink(TestCatalog.Create(), TimeProvider.System));
        builder.Services.AddSupplyFeeds(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(Bounded.Timeout);

        var options = host.Services.GetRequiredService<IOptions<SupplyFeedsOptions>>().Value;
        var apotek = options.Feeds["apotek-nord"];
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30), TimeSpan.FromHours(6)),
            (apotek.Interval, apotek.Breaker.BreakDuration, apotek.StaleAfter));
        Assert.Equal(Store2, apotek.Stores["1002"]);
        Assert.Equal("vnr:100001", apotek.Mapping["555555"]);
        Assert.Equal((5, "Bearer s3cret"), (options.Feeds["medtech-ab"].Retries, options.Feeds["medtech-ab"].Headers["Authorization"]));
        Assert.Equal(2, options.MaxConcurrentPulls);

        var registry = host.Services.GetRequiredService<IFeedHealthRegistry>();
        Assert.Equal(["apotek-nord", "medtech-ab", "old-feed"], registry.List().Select(f => f.Name));
        Assert.False(registry.Get("old-feed")!.Enabled);
        Assert.Equal("https://feeds.example.se/apotek/stock.json", registry.Get("apotek-nord")!.Url); // no query (keys) shown
        Assert.Null(registry.Get("nope"));
        var puller = host.Services.GetRequiredService<IFeedPuller>();
        Assert.Equal(["apotek-nord", "medtech-ab"], puller.Feeds);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => puller.PullNowAsync("old-feed"));
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is FeedScheduler);

        await host.StopAsync(Bounded.Timeout);
    }

    [Fact]
    public async Task Bad_feed_configuration_stops_the_host_at_start_naming_each_setting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Supply:Feeds:Bad_Name:Url"] = "ftp://x/y",
            ["Supply:Feeds:Bad_Name:Format"] = "xml",
            ["Supply:Feeds:apotek:Url"] = "http://127.0.0.1:1/s.json",
            ["Supply:Feeds:apotek:Format"] = "pharmacy-json",
            ["Supply:Feeds:apotek:Stores:1001"] = "not a location!",
            ["Supply:Feeds:apotek:Mapping:1"] = "vnr:1",
            ["Supply:Feeds:apotek:Breaker:BreakDuration"] = "00:00:00.100",
        });
        builder.Services.AddSingleton<IStockReportSink>(new LedgerSink(TestCatalog.Create(), TimeProvider.System));
        builder.Services.AddSupplyFeeds(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Bounded.Timeout));
        var text = string.Join("\n", e.Failures);
        Assert.Contains("Supply:Feeds:Bad_Name: the feed name", text);
        Assert.Contains("Supply:Feeds:Bad_Name:Url", text);
        Assert.Contains("Supply:Feeds:Bad_Name:Format", text);
        Assert.Contains("Supply:Feeds:apotek:Stores:1001", text);
        Assert.Contains("Supply:Feeds:apotek:Mapping:1", text);
        Assert.Contains("Supply:Feeds:apotek:Breaker:BreakDuration", text);
    }

    [Fact]
    public void Without_a_sink_the_feeds_say_what_is_missing()
    {
        var services = new ServiceCollection();
        services.AddSupplyFeeds(o => { });
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IFeedHealthRegistry>());
        Assert.Contains("IStockReportSink", e.Message);
    }
}
