using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supply.Application;
using Supply.Domain.Coverage;

namespace Supply.Dashboard.Live;

/// <summary>
/// One watcher for every open page: the same <see cref="CoverageQueries.WatchAsync"/> as gRPC WatchAlerts (region
/// level, substitution groups, Supply:Dashboard:AlertThresholdDays), its events kept (the newest 500) and pushed to
/// subscribed circuits, each of which shows only the regions its caller may read.
/// </summary>
public sealed partial class AlertFeed(CoverageQueries queries, IOptions<DashboardOptions> options, IHostApplicationLifetime lifetime,
    ILogger<AlertFeed> logger) : BackgroundService
{
    private const int Kept = 500;
    private readonly Lock _gate = new();
    private readonly LinkedList<CoverageAlertEvent> _recent = new();
    private event Action<CoverageAlertEvent>? Arrived;

    /// <summary>The kept events, newest first.</summary>
    public IReadOnlyList<CoverageAlertEvent> Recent()
    {
        lock (_gate) return _recent.ToList();
    }

    /// <summary>Calls <paramref name="onAlert"/> for each new event until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<CoverageAlertEvent> onAlert)
    {
        lock (_gate) Arrived += onAlert;
        return new Subscription(() => { lock (_gate) Arrived -= onAlert; });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var alert in queries.WatchAsync(CoverageLevel.Region, byGroup: true, options.Value.AlertThresholdDays, follow: true, null,
                    stoppingToken))
                    Publish(alert);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The silo may not answer yet at start, or briefly in a cluster change: look again shortly.
                LogWatchFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Publish(CoverageAlertEvent alert)
    {
        Action<CoverageAlertEvent>? handlers;
        lock (_gate)
        {
            _recent.AddFirst(alert);
            if (_recent.Count > Kept) _recent.RemoveLast();
            handlers = Arrived;
        }
        handlers?.Invoke(alert);
    }

    [LoggerMessage(LogLevel.Warning, "The dashboard's alert watcher failed; retrying in 5 s")]
    private partial void LogWatchFailed(Exception e);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
