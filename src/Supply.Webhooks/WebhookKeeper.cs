using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supply.Webhooks.Outbox;

namespace Supply.Webhooks;

/// <summary>
/// Keeps the outbox grain active: on every node, once the host has started and then every minute, it wakes the grain,
/// so after a restart (or after the silo holding it left the cluster) detection and delivery resume without waiting
/// for a call. The grain is single-activation: however many nodes wake it, one activation runs.
/// </summary>
public sealed partial class WebhookKeeper(IGrainFactory grains, IHostApplicationLifetime lifetime, IOptions<WebhookOptions> options,
    ILogger<WebhookKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        var every = options.Value.Interval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.Interval;
        using var timer = new PeriodicTimer(every);
        do
        {
            try
            {
                await grains.GetGrain<IWebhookOutboxGrain>(IWebhookOutboxGrain.Key).WakeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWakeFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "Webhooks: could not wake the outbox grain; trying again in a minute")]
    private partial void LogWakeFailed(Exception e);
}
