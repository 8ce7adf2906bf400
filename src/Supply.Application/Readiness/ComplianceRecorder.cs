using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Supply.Application.Readiness;

/// <summary>The "Supply:Readiness" section.</summary>
public sealed class ReadinessOptions
{
    /// <summary>How often today's compliance is recorded (the day's last record stands); the first record is taken a few seconds after start.</summary>
    public TimeSpan RecordEvery { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Keeps the daily compliance record: every <see cref="ReadinessOptions.RecordEvery"/> it computes today's compliance and
/// stores it as the day's record, so the trend of readiness over weeks is there without anyone asking for it. Every silo
/// runs one; they write the same figures, the last of the day stands.
/// </summary>
public sealed partial class ComplianceRecorder(ReadinessQueries readiness, IOptions<ReadinessOptions> options, TimeProvider time,
    ILogger<ComplianceRecorder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.RecordEvery;
        if (every <= TimeSpan.Zero) return; // switched off
        try
        {
            // Let the silo and the aggregates come up first.
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, every.TotalSeconds)), time, stoppingToken);
            using var timer = new PeriodicTimer(every, time);
            do
            {
                try
                {
                    var summaries = await readiness.RecordTodayAsync(stoppingToken);
                    LogRecorded(summaries.Count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e); // the next tick tries again
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(LogLevel.Debug, "Recorded today's readiness compliance ({Areas} areas)")]
    private partial void LogRecorded(int areas);

    [LoggerMessage(LogLevel.Warning, "Recording today's readiness compliance failed; trying again at the next interval")]
    private partial void LogFailed(Exception e);
}
