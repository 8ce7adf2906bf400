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
    [InlineData(10, 0, 0, 250)]         // within the row budget: the quarter second stands
    [InlineData(10, 0, 1_000, 1_000)]   // the budget asks for a second: a second
    [InlineData(1_500, 0, 1_000, 3_000)] // twice the summing, if that is longer
    public void A_region_waits_for_its_row_budget_too(double costMs, double sinceMs, double budgetMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.PushDelayAfter(Ms(costMs), Ms(sinceMs), Ms(budgetMs)));

    [Fact]
    public void A_row_budget_lets_a_few_full_pushes_through_then_about_one_a_second()
    {
        var time = new ManualTime();
        var budget = new RowBudget(time);
        // Four pushes of a national-size region (4,000 rows each) in quick succession: none waits.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(TimeSpan.Zero, budget.Wait());
            budget.Spend(4_000);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        // The fifth waits until the budget is back: about a second for 4,000 rows, less the time since.
        budget.Spend(4_000);
        Assert.InRange(budget.Wait(), TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(1_000));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, budget.Wait());
        // A quiet region refills to the burst, never beyond.
        time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 4; i++) budget.Spend(4_000);
        Assert.Equal(TimeSpan.Zero, budget.Wait());
        budget.Spend(1);
        Assert.True(budget.Wait() > TimeSpan.Zero);
    }

    [Fact]
    public void A_region_that_never_pushed_waits_the_quiet_delay() =>
        Assert.Equal(AggregationTiming.QuietDelay, AggregationTiming.PushDelayAfter(TimeSpan.Zero, TimeSpan.MaxValue));

    [Theory]
    [InlineData(double.MaxValue, 50)] // never published: soon
    [InlineData(1_000, 50)]           // quiet for a second: soon
    [InlineData(100, 150)]            // published 100 ms ago: a quarter second after that one
    public void A_location_publishes_soon_when_quiet_and_at_most_every_quarter_second_under_a_stream(double sinceMs, double expectedMs) =>
        Assert.Equal(Ms(expectedMs), AggregationTiming.DelayAfter(sinceMs == double.MaxValue ? TimeSpan.MaxValue : Ms(sinceMs)));

    /// <summary>A clock that moves only when told (TimeProvider's timestamps in ticks).</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = TimeSpan.TicksPerHour;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
