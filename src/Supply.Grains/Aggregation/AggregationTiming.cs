namespace Supply.Grains.Aggregation;

/// <summary>
/// How the aggregation path batches: a report reaches the national totals in about a second
/// (publish delay + region write + push delay + national write), whatever the report rate.
/// </summary>
public static class AggregationTiming
{
    /// <summary>A location publishes at most this long after its first unpublished change (debounce: later changes ride along).</summary>
    public static readonly TimeSpan PublishDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>A region pushes its totals to the nation at most this long after its first unpushed change.</summary>
    public static readonly TimeSpan PushDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The push delay when the last push's totals took <paramref name="lastCost"/> to compute and were computed
    /// <paramref name="sinceLastPush"/> ago: the next push starts at least twice that cost after the last one ended, so a
    /// large region under a stream of publications spends at most about a third of its time summing, and never sooner
    /// than <see cref="PushDelay"/>. A push long ago holds nothing back: a slow sum under a load minutes before (or one
    /// stretched by a collection) must not delay the next quiet change by seconds.
    /// </summary>
    public static TimeSpan PushDelayAfter(TimeSpan lastCost, TimeSpan sinceLastPush) =>
        TimeSpan.FromTicks(Math.Max(PushDelay.Ticks, 2 * lastCost.Ticks - sinceLastPush.Ticks));

    /// <summary>Least time between the starts of two state writes of one aggregate: its whole state is rewritten, and it can be rebuilt from the locations.</summary>
    public static readonly TimeSpan MinWriteInterval = TimeSpan.FromSeconds(2);

    /// <summary>Wait before retrying a failed publication or push: 0.5 s doubling up to 30 s.</summary>
    public static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));
}
