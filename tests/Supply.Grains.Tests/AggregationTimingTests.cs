using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests;

public class AggregationTimingTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Theory]
    [InlineData(50, 0, 250)]      // a small region: the base delay
    [InlineData(400, 0, 800)]     // a large region pushing back to back: twice its cost
    [InlineData(400, 300, 500)]   // ... counted from the end of the last push
    [InlineData(400, 700, 250)]   // ... and never below the base delay
    [InlineData(900, 60_000, 250)] // a slow push a minute ago (a load, a collection) holds a quiet change back no more
    public void A_region_waits_twice_its_last_summing_after_it_ended_and_at_least_the_push_delay(double costMs, double sinceMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.PushDelayAfter(Ms(costMs), Ms(sinceMs)));

    [Fact]
    public void A_region_that_never_pushed_waits_the_push_delay() =>
        Assert.Equal(AggregationTiming.PushDelay, AggregationTiming.PushDelayAfter(TimeSpan.Zero, TimeSpan.MaxValue));
}
