using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supply.Feeds.Pulling;

namespace Supply.Feeds;

/// <summary>
/// All configured feeds: pulls them on demand (<see cref="IFeedPuller"/>) and reports their health
/// (<see cref="IFeedHealthRegistry"/>). The <see cref="FeedScheduler"/> drives it on the feeds' intervals.
/// </summary>
public sealed class FeedHub : IFeedPuller, IFeedHealthRegistry, IDisposable
{
    /// <summary>The named HttpClient feeds are fetched with (its time-out is off: the pipeline's applies).</summary>
    public const string HttpClientName = "Supply.Feeds";

    private readonly Dictionary<string, FeedRunner> _runners = new(StringComparer.Ordinal);
    private readonly List<FeedOptions> _all;
    private readonly SemaphoreSlim _concurrency;
    private readonly FeedMetrics _metrics;

    public FeedHub(IOptions<SupplyFeedsOptions> options, IStockReportSink sink, IHttpClientFactory http, TimeProvider time,
        ILoggerFactory loggers, IMeterFactory? meters = null)
    {
        var o = options.Value;
        _concurrency = new SemaphoreSlim(o.MaxConcurrentPulls, o.MaxConcurrentPulls);
        _metrics = new FeedMetrics(meters, time, List);
        _all = o.Feeds.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            kv.Value.Name = kv.Key;
            return kv.Value;
        }).ToList();
        foreach (var feed in _all.Where(f => f.Enabled))
            _runners[feed.Name] = new FeedRunner(feed, sink, http, HttpClientName, time, loggers.CreateLogger($"Supply.Feeds.{feed.Name}"),
                _metrics, _concurrency);
    }

    /// <summary>The enabled feeds (the ones that can be pulled).</summary>
    public IReadOnlyList<string> Feeds => _runners.Keys.Order(StringComparer.Ordinal).ToList();

    internal IEnumerable<FeedRunner> Runners => _runners.Values;

    public Task<FeedPullResult> PullNowAsync(string feed, CancellationToken cancellationToken = default) =>
        _runners.TryGetValue(feed, out var runner)
            ? runner.PullAsync(cancellationToken)
            : throw new KeyNotFoundException($"no enabled feed '{feed}' (feeds: {string.Join(", ", Feeds)})");

    public IReadOnlyList<FeedHealth> List() =>
        _all.Select(f => _runners.TryGetValue(f.Name, out var r) ? r.Health() : FeedRunner.Disabled(f)).ToList();

    public FeedHealth? Get(string feed) =>
        _runners.TryGetValue(feed, out var r) ? r.Health()
        : _all.FirstOrDefault(f => f.Name == feed) is { } disabled ? FeedRunner.Disabled(disabled) : null;

    public void Dispose()
    {
        _metrics.Dispose();
        _concurrency.Dispose();
    }
}
