namespace Supply.Grains.Aggregation;

/// <summary>
/// How the aggregation path batches: a quiet report reaches the national totals in a few hundred milliseconds (a
/// location's publication, then its region's push, each after at least <see cref="QuietDelay"/>), and under a stream of
/// reports each location and region goes up at most every <see cref="MinInterval"/>, whatever the report rate.
/// </summary>
public static class AggregationTiming
{
    /// <summary>
    /// The least wait before a change goes up a level (a location publishing, a region pushing): reports that arrive
    /// together ride along in one publication. A quiet change reaches the national figures after about two of these.
    /// </summary>
    public static readonly TimeSpan QuietDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The least time between two publications of one location, or two pushes of one region: under a stream of reports
    /// a location publishes a few times a second, newest version only, whatever the report rate.
    /// </summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The wait before the next publication when the last one went out <paramref name="sinceLast"/> ago (never: <see cref="TimeSpan.MaxValue"/>).</summary>
    public static TimeSpan DelayAfter(TimeSpan sinceLast) =>
        sinceLast >= MinInterval ? QuietDelay : TimeSpan.FromTicks(Math.Max(QuietDelay.Ticks, (MinInterval - sinceLast).Ticks));

    /// <summary>
    /// The push delay when the last push's totals took <paramref name="lastCost"/> to compute and were computed
    /// <paramref name="sinceLastPush"/> ago, and the region's row budget (<see cref="RowBudget"/>) asks it to wait
    /// <paramref name="budgetWait"/>: as <see cref="DelayAfter"/>, and the next push starts at least twice that cost after the
    /// last one ended (so a region under a stream of publications spends at most about a third of its time on pushes). A push
    /// long ago holds nothing back: a slow one under a load minutes before (or one stretched by a collection) must not delay
    /// the next quiet change.
    /// </summary>
    public static TimeSpan PushDelayAfter(TimeSpan lastCost, TimeSpan sinceLastPush, TimeSpan budgetWait = default)
    {
        if (sinceLastPush == TimeSpan.MaxValue) return QuietDelay;
        var delay = Math.Max(DelayAfter(sinceLastPush).Ticks, 2 * lastCost.Ticks - sinceLastPush.Ticks);
        return TimeSpan.FromTicks(Math.Max(delay, budgetWait.Ticks));
    }

    /// <summary>Least time between the starts of two state writes of one aggregate (the nation's whole state, a region's changed rows): it can be rebuilt from the locations.</summary>
    public static readonly TimeSpan MinWriteInterval = TimeSpan.FromSeconds(2);

    /// <summary>Wait before retrying a failed publication or push: 0.5 s doubling up to 30 s.</summary>
    public static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));
}
