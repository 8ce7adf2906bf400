using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Supply.Server.Services;

/// <summary>
/// The server-wide bound on report lines being processed at once (Supply:Limits:ReportLinesInFlight), whatever the
/// number of streams and callers. Each stream already keeps at most 64 reports in flight, but that is per stream: 48
/// streams of 1,000-line reports held about a gigabyte of parsed reports waiting for storage (Supply.FaultBench,
/// overload). With the budget, a report waits for room before it is started, a stream stops reading while it waits,
/// and HTTP/2 flow control holds the sender back: memory stays bounded, first come first served.
/// </summary>
public sealed class IntakeBudget : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private long _inFlight;
    private long _peak;

    public IntakeBudget(IOptions<SupplyOptions> options)
    {
        Limit = options.Value.Limits.ReportLinesInFlight;
        ArgumentOutOfRangeException.ThrowIfLessThan(Limit, 1, "Supply:Limits:ReportLinesInFlight");
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Limit,
            QueueLimit = int.MaxValue, // waiting costs a parsed report per stream at most; a caller's deadline ends the wait
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Lines the server may be processing at once.</summary>
    public int Limit { get; }

    /// <summary>The most lines that were ever in flight at once (for tests and benchmarks).</summary>
    public long PeakLines => Interlocked.Read(ref _peak);

    /// <summary>
    /// Waits until <paramref name="lines"/> fit (a report larger than the whole budget waits until it runs alone), then
    /// holds them until the lease is disposed.
    /// </summary>
    public async ValueTask<Lease> AcquireAsync(int lines, CancellationToken cancellationToken)
    {
        var permits = Math.Clamp(lines, 1, Limit);
        var lease = await _limiter.AcquireAsync(permits, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new InvalidOperationException("the intake budget refused a lease it should have queued");
        }
        var now = Interlocked.Add(ref _inFlight, permits);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak) { }
        return new Lease(this, lease, permits);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>Lines held by one report until it is answered.</summary>
    public sealed class Lease(IntakeBudget budget, RateLimitLease lease, int permits) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Interlocked.Add(ref budget._inFlight, -permits);
            lease.Dispose();
        }
    }
}
