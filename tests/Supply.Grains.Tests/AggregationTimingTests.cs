using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests;

public class AggregationTimingTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Theory]
    [InlineData(50, 0, 250)]      // right after a push: a quarter second
    [InlineData(400, 0, 800)]     // a large region pushing back to back: twice its cost
    [InlineData(400, 300, 500)]   // ... counted from the end of the last push
    [InlineData(400, 700, 100)]   // ... and no longer
    [InlineData(10, 100, 150)]    // a quarter second between two pushes under a stream
    [InlineData(10, 240, 50)]     // ... but never less than the quiet delay
    [InlineData(900, 60_000, 50)] // a slow push a minute ago (a load, a collection) holds a quiet change back no more
    public void A_region_waits_twice_its_last_summing_after_it_ended_and_a_quarter_second_between_pushes(double costMs, double sinceMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.PushDelayAfter(Ms(costMs), Ms(sinceMs)));

    [Theory]
    [InlineData(10, 2, 0, 250)]         // a quiet report changed two rows: the quarter second stands
    [InlineData(10, 1_000, 0, 500)]     // a thousand rows built afresh: half a second
    [InlineData(10, 4_000, 0, 2_000)]   // a region whose every row changed (a national load): two seconds
    [InlineData(10, 4_000, 1_500, 500)] // ... counted from the end of the last push
    [InlineData(10, 100_000, 0, 2_000)] // never more than two seconds for rows
    [InlineData(1_500, 4_000, 0, 3_000)] // twice the summing, if that is longer
    public void A_region_that_rebuilt_many_rows_waits_longer_before_its_next_push(double costMs, int rebuilt, double sinceMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.PushDelayAfter(Ms(costMs), Ms(sinceMs), rebuilt));

    [Fact]
    public void A_region_that_never_pushed_waits_the_quiet_delay() =>
        Assert.Equal(AggregationTiming.QuietDelay, AggregationTiming.PushDelayAfter(TimeSpan.Zero, TimeSpan.MaxValue));

    [Theory]
    [InlineData(double.MaxValue, 50)] // never published: soon
    [InlineData(1_000, 50)]           // quiet for a second: soon
    [InlineData(100, 150)]            // published 100 ms ago: a quarter second after that one
    public void A_location_publishes_soon_when_quiet_and_at_most_every_quarter_second_under_a_stream(double sinceMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.DelayAfter(sinceMs == double.MaxValue ? TimeSpan.MaxValue : Ms(sinceMs)));
}
