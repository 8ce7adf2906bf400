using Microsoft.Extensions.Logging;
using Supply.Domain.Aggregation;

namespace Supply.Grains.Aggregation;

/// <summary>
/// Publishes a location's whole totals to its region after the location has stored them, without ever
/// holding the location up. <see cref="Changed"/> marks it dirty and arms a one-shot grain timer
/// (<see cref="AggregationTiming.DelayAfter"/>: soon when quiet, every quarter second under a stream); the tick builds the totals of the newest stored version and
/// starts the call to the region <em>without awaiting it in the grain's turn</em>: its completion is observed
/// later on the grain's scheduler. So the location keeps acknowledging reports while a publication is in flight,
/// and never waits on its region (no call cycle is possible, whatever the region does). At most one publication
/// is in flight; changes meanwhile go out, newest version only, when it completes. A failed publication is
/// retried with backoff; the region ignores versions it already holds, so repeats are harmless.
/// </summary>
/// <remarks>Use only from the owning grain's turns.</remarks>
internal sealed partial class LocationPublisher(
    IGrainBase grain, IGrainFactory grains, Func<ValueTask<LocationTotals?>> build, TimeProvider time, ILogger logger)
{
    private long _lastSent; // timestamp (TimeProvider) of the last publication's start; 0: none yet
    private IGrainTimer? _timer;
    private bool _armed, _dirty, _sending, _suspended;
    private int _failures;

    /// <summary>The stored state changed (or may not have been published yet): publish soon (AggregationTiming.DelayAfter).</summary>
    public void Changed()
    {
        if (_suspended) return;
        _dirty = true;
        Arm(NextDelay());
    }

    /// <summary>The in-memory state is no longer what storage holds (a write failed): publish nothing more from this activation.</summary>
    public void Suspend()
    {
        _suspended = true;
        _timer?.Dispose();
    }

    /// <summary>On deactivation: publish what is pending now (bounded by <paramref name="cancellationToken"/>), best effort.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (!_dirty || _suspended) return;
        try
        {
            if (await build() is { } totals)
                await Region(totals).Publish(totals.AsImmutable()).WaitAsync(cancellationToken);
            _dirty = false;
        }
        catch (Exception e)
        {
            LogPublishFailed(logger, e, 0);
        }
    }

    private void Arm(TimeSpan due)
    {
        if (_armed || _sending) return; // a send in flight re-arms when it completes
        _timer ??= grain.RegisterGrainTimer(static (self, _) => self.Due(), this,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
        _armed = true;
    }

    private async Task Due()
    {
        _armed = false;
        if (!_dirty || _sending || _suspended) return;
        LocationTotals? totals;
        try
        {
            totals = await build();
        }
        catch (Exception e)
        {
            Failed(e);
            return;
        }
        _dirty = false;
        if (totals is null) return; // not in the catalog: nothing to publish to
        _sending = true;
        _lastSent = time.GetTimestamp();
        _ = Send(totals); // not awaited: the location stays free while the region takes it
    }

    private async Task Send(LocationTotals totals)
    {
        try
        {
            await Region(totals).Publish(totals.AsImmutable());
            _failures = 0;
        }
        catch (Exception e)
        {
            Failed(e);
        }
        finally
        {
            _sending = false;
            if (_dirty && !_suspended) Arm(_failures == 0 ? NextDelay() : AggregationTiming.RetryDelay(_failures));
        }
    }

    private TimeSpan NextDelay() => AggregationTiming.DelayAfter(_lastSent == 0 ? TimeSpan.MaxValue : time.GetElapsedTime(_lastSent));

    private void Failed(Exception e)
    {
        _failures++;
        _dirty = true;
        LogPublishFailed(logger, e, _failures);
        if (!_sending) Arm(AggregationTiming.RetryDelay(_failures));
    }

    private IRegionAggregateGrain Region(LocationTotals totals) => grains.GetGrain<IRegionAggregateGrain>(totals.RegionCode);

    [LoggerMessage(LogLevel.Warning, "Publishing a location's totals to its region failed (attempt {Attempt}); retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception e, int attempt);
}
