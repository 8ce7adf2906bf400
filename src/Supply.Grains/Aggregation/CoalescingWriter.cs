namespace Supply.Grains.Aggregation;

/// <summary>
/// Coalesces the state writes of a reentrant aggregate grain, as the Orleans Chirper sample does: at most
/// one write in flight; every change made while it runs is covered by one more write after it, shared by
/// all those changes. <see cref="WriteAsync"/> completes once a write that began after the call has stored,
/// so a caller that awaits it knows its change is durable, yet a burst of N changes costs two writes, not N.
/// </summary>
/// <remarks>
/// Use only from the grain's own turns (the grain's scheduler runs one piece of it at a time; no locks).
/// <paramref name="write"/> must take its snapshot of the state synchronously, before its first await, so
/// changes interleaved with a write in flight never reach that write half-made.
/// </remarks>
internal sealed class CoalescingWriter(Func<Task> write, TimeProvider time, TimeSpan minInterval)
{
    private TaskCompletionSource? _next;     // callers waiting for a write that has not started yet
    private TaskCompletionSource? _inFlight; // callers waiting for the write now running
    private long _lastStart;
    private TimeSpan _lastDuration;
    private bool _running;

    /// <summary>
    /// A write can cost tens of MB (the nation's whole state; a region's rows when all its locations changed): the next one waits at least
    /// this many times as long as the last took, so rewriting the state never takes more than a small share of the
    /// machine, however large it grows. Aggregates can be rebuilt from the locations; their writes may lag.
    /// </summary>
    public const int CostFactor = 20;

    /// <summary>
    /// One aggregate state write at a time per silo: every aggregate's whole state goes through the same storage (one
    /// SQLite writer) as the locations' reports, and 21 regions' rows, tens of MB each after a national load, written at once, would stall the
    /// reports behind them. Queued one by one, reports get their commits in between.
    /// </summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The cost-based wait never exceeds this (a publication waits for its region's write).</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(15);

    /// <summary>Completes when a write that began after this call has stored (faults if that write failed).</summary>
    public Task WriteAsync()
    {
        var next = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running) _ = RunAsync();
        return next.Task;
    }

    /// <summary>Completes when everything asked for so far is stored (at once when nothing is pending).</summary>
    public Task WhenStored() => _next?.Task ?? _inFlight?.Task ?? Task.CompletedTask;

    private async Task RunAsync()
    {
        _running = true;
        try
        {
            while (_next is not null)
            {
                var interval = TimeSpan.FromTicks(Math.Max(minInterval.Ticks, Math.Min(MaxInterval.Ticks, CostFactor * _lastDuration.Ticks)));
                if (_lastStart != 0 && interval - time.GetElapsedTime(_lastStart) is { Ticks: > 0 } wait)
                    await Task.Delay(wait, time); // more changes ride along meanwhile
                await OneAtATime.WaitAsync(); // more changes ride along meanwhile; the snapshot is taken after it
                var batch = _inFlight = _next!;
                _next = null; // changes from here on need the next write
                _lastStart = time.GetTimestamp();
                try
                {
                    await write();
                    _lastDuration = time.GetElapsedTime(_lastStart);
                    batch.TrySetResult();
                }
                catch (Exception e)
                {
                    batch.TrySetException(e);
                }
                finally
                {
                    OneAtATime.Release();
                    _inFlight = null;
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}
