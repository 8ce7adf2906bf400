using System.Diagnostics.Metrics;

namespace Supply.Feeds;

/// <summary>
/// The feeds' meter, <c>Supply.Feeds</c> (register it with OpenTelemetry: <c>.AddMeter(FeedMetrics.MeterName)</c>):
/// <list type="bullet">
/// <item><c>supply.feeds.pulls</c> (counter, tags feed, outcome = applied|unchanged|partial|refused|failed|circuit-open)</item>
/// <item><c>supply.feeds.rows</c> (counter, tags feed, outcome = applied|duplicate|rejected|unmapped)</item>
/// <item><c>supply.feeds.http.attempts</c> (counter, tags feed, outcome = ok|failed): retries show as attempts beyond pulls</item>
/// <item><c>supply.feeds.pull.duration</c> (histogram, seconds, tags feed, outcome)</item>
/// <item><c>supply.feeds.breaker.state</c> (gauge, tag feed: 0 closed, 1 open, 2 half-open, 3 isolated)</item>
/// <item><c>supply.feeds.stale</c> (gauge, tag feed: 1 stale, 0 fresh)</item>
/// <item><c>supply.feeds.data.age</c> (gauge, seconds since the file time of the last good data, tag feed; absent before any)</item>
/// </list>
/// </summary>
public sealed class FeedMetrics : IDisposable
{
    public const string MeterName = "Supply.Feeds";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _pulls;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;

    /// <param name="meters">The host's meter factory when there is one (hosts add it); otherwise a meter of our own.</param>
    /// <param name="health">Read by the observable gauges.</param>
    internal FeedMetrics(IMeterFactory? meters, TimeProvider time, Func<IReadOnlyList<FeedHealth>> health)
    {
        if (meters is not null) _meter = meters.Create(MeterName);
        else
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        _pulls = _meter.CreateCounter<long>("supply.feeds.pulls", "{pull}", "Feed pulls, by outcome");
        _rows = _meter.CreateCounter<long>("supply.feeds.rows", "{row}", "Feed file rows, by outcome (applied, duplicate, rejected, unmapped)");
        _attempts = _meter.CreateCounter<long>("supply.feeds.http.attempts", "{attempt}", "HTTP attempts to fetch feed files (retries included)");
        _duration = _meter.CreateHistogram<double>("supply.feeds.pull.duration", "s", "Time of one pull, fetch to last acknowledgement");
        _meter.CreateObservableGauge("supply.feeds.breaker.state",
            () => health().Select(h => new Measurement<int>((int)h.BreakerState, Feed(h.Name))), "{state}",
            "Circuit breaker per feed: 0 closed, 1 open, 2 half-open, 3 isolated");
        _meter.CreateObservableGauge("supply.feeds.stale",
            () => health().Select(h => new Measurement<int>(h.IsStale ? 1 : 0, Feed(h.Name))), "{feed}",
            "1 when a feed has had no good data within its staleness window");
        _meter.CreateObservableGauge("supply.feeds.data.age",
            () => health().Where(h => h.LastGoodDataAt is not null)
                .Select(h => new Measurement<double>((time.GetUtcNow() - h.LastGoodDataAt!.Value).TotalSeconds, Feed(h.Name))), "s",
            "Age of the newest good data of a feed (by the file's own time)");
    }

    public static string OutcomeName(FeedPullOutcome outcome) => outcome switch
    {
        FeedPullOutcome.Applied => "applied",
        FeedPullOutcome.Unchanged => "unchanged",
        FeedPullOutcome.Partial => "partial",
        FeedPullOutcome.Refused => "refused",
        FeedPullOutcome.Failed => "failed",
        FeedPullOutcome.CircuitOpen => "circuit-open",
        _ => "unknown",
    };

    internal void Pulled(FeedPullResult r)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", OutcomeName(r.Outcome));
        _pulls.Add(1, Feed(r.Feed), outcome);
        _duration.Record((r.FinishedAt - r.StartedAt).TotalSeconds, Feed(r.Feed), outcome);
        var applied = r.RowsApplied - r.RowsDuplicate;
        if (applied > 0) _rows.Add(applied, Feed(r.Feed), new KeyValuePair<string, object?>("outcome", "applied"));
        if (r.RowsDuplicate > 0) _rows.Add(r.RowsDuplicate, Feed(r.Feed), new KeyValuePair<string, object?>("outcome", "duplicate"));
        if (r.RowsRejected > 0) _rows.Add(r.RowsRejected, Feed(r.Feed), new KeyValuePair<string, object?>("outcome", "rejected"));
        if (r.RowsUnmapped > 0) _rows.Add(r.RowsUnmapped, Feed(r.Feed), new KeyValuePair<string, object?>("outcome", "unmapped"));
    }

    internal void Attempted(string feed, bool ok) =>
        _attempts.Add(1, Feed(feed), new KeyValuePair<string, object?>("outcome", ok ? "ok" : "failed"));

    private static KeyValuePair<string, object?> Feed(string name) => new("feed", name);

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
