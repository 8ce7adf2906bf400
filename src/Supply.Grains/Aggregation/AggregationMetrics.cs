using System.Diagnostics.Metrics;

namespace Supply.Grains.Aggregation;

/// <summary>The "Supply.Aggregation" meter: how long a report takes to reach the national view.</summary>
public static class AggregationMetrics
{
    public const string MeterName = "Supply.Aggregation";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>From the newest report a region's push carries being received to the nation accepting it.</summary>
    public static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("supply.aggregation.lag", "s",
        "Time from a report being received to the national aggregate reflecting it",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });
}
