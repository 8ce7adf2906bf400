using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supply.Feeds.Pulling;

namespace Supply.Feeds;

/// <summary>
/// Pulls every enabled feed with an interval, after <see cref="SupplyFeedsOptions.StartDelay"/>: one loop per
/// feed, the next pull <see cref="FeedOptions.Interval"/> after the previous one ended, so pulls of a feed never
/// overlap (an on-demand pull in between waits its turn), and at most
/// <see cref="SupplyFeedsOptions.MaxConcurrentPulls"/> feeds pull at once. A failing pull is logged and
/// recorded in health; the loop goes on.
/// </summary>
public sealed class FeedScheduler(FeedHub hub, IOptions<SupplyFeedsOptions> options, TimeProvider time, ILogger<FeedScheduler> logger)
    : BackgroundService
{
    /// <summary>Pulls one feed now, outside its schedule (tests, the admin RPC).</summary>
    public Task<FeedPullResult> PullNowAsync(string feed, CancellationToken cancellationToken = default) =>
        hub.PullNowAsync(feed, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var scheduled = hub.Runners.Where(r => r.Options.Interval > TimeSpan.Zero).ToList();
        if (!o.SchedulerEnabled || scheduled.Count == 0)
        {
            logger.LogInformation("Feed scheduler idle ({Reason})", o.SchedulerEnabled ? "no feed has an interval" : "disabled");
            return;
        }
        logger.LogInformation("Feed scheduler: {Feeds} starting in {Delay} s", string.Join(", ", scheduled.Select(r => r.Name)),
            o.StartDelay.TotalSeconds);
        try
        {
            await Task.Delay(o.StartDelay, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(scheduled.Select(r => RunAsync(r, stoppingToken))).ConfigureAwait(false);
    }

    private async Task RunAsync(FeedRunner runner, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.PullAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Pulls record their own failures; this is a bug or an unexpected sink failure: keep the schedule.
                logger.LogError(e, "Feed {Feed}: pull failed unexpectedly", runner.Name);
            }
            try
            {
                await Task.Delay(runner.Options.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
