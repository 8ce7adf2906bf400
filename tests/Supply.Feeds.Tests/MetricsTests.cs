using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Supply.Feeds.Tests;

/// <summary>The Supply.Feeds meter: pulls and rows by outcome, HTTP attempts, breaker and staleness gauges.</summary>
public sealed class MetricsTests
{
    private const string Feed = "metered";

    [Fact]
    public async Task Pulls_rows_attempts_breaker_and_staleness_are_measured()
    {
        var counts = new ConcurrentDictionary<(string Instrument, string Outcome), long>();
        var gauges = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FeedMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? feed = null, outcome = null;
            foreach (var t in tags)
            {
                if (t.Key == "feed") feed = t.Value as string;
                if (t.Key == "outcome") outcome = t.Value as string;
            }
            if (feed != Feed) return; // other tests' feeds publish on the same meter name
            if (instrument.Name is "supply.feeds.breaker.state" or "supply.feeds.stale") gauges[instrument.Name] = value;
            else if (instrument is Counter<long>) counts.AddOrUpdate((instrument.Name, outcome ?? ""), (long)value, (_, v) => v + (long)value);
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => OnMeasurement(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => OnMeasurement(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => OnMeasurement(i, v, t));
        listener.Start();

        await using var h = await FeedHarness.StartAsync((server, o) =>
        {
            var f = FeedHarness.PharmacyFeed(server.Url("/m.json"));
            f.Breaker.MinimumThroughput = 3; // with the two good attempts: opens on the second failure (2 of 4)
            f.Retries = 1;
            o.Feeds[Feed] = f;
        });
        var endpoint = h.Server.At("/m.json").Serve(new PharmacyFile { Generated = PharmacyFile.Stamp(h.Time) }
            .Store("1001", PharmacyFile.Article("100001", 1), PharmacyFile.Article("100024", 2)).ToString());

        Assert.NotNull(h.HealthOf(Feed)); // the feeds (and their meter) exist from the first use
        listener.RecordObservableInstruments();
        Assert.Equal(1, gauges["supply.feeds.stale"]); // no data yet

        await h.PullAsync(Feed);
        await h.PullAsync(Feed); // the same file: unchanged, its rows duplicates
        listener.RecordObservableInstruments();
        Assert.Equal(0, gauges["supply.feeds.stale"]);
        Assert.Equal(0, gauges["supply.feeds.breaker.state"]);

        endpoint.Always(new Fault.Status(500));
        await h.PullAsync(Feed); // two failed attempts: the breaker opens
        await h.PullAsync(Feed); // not asked
        listener.RecordObservableInstruments();
        Assert.Equal(1, gauges["supply.feeds.breaker.state"]);

        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.pulls", "applied")));
        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.pulls", "unchanged")));
        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.rows", "duplicate")));
        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.pulls", "failed")));
        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.pulls", "circuit-open")));
        Assert.Equal(1, counts.GetValueOrDefault(("supply.feeds.rows", "applied")));
        Assert.Equal(2, counts.GetValueOrDefault(("supply.feeds.rows", "unmapped")));
        Assert.Equal(2, counts.GetValueOrDefault(("supply.feeds.http.attempts", "ok")));
        Assert.Equal(2, counts.GetValueOrDefault(("supply.feeds.http.attempts", "failed")));
    }
}
