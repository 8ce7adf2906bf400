using System.Runtime;
using Supply.Grains.Stock;

namespace Supply.Server.Hosting;

/// <summary>
/// Gives memory back once many idle locations have left it (docs/operating.md#memory). A deactivated ledger is garbage,
/// but resident memory only falls after a collection, and a quiet server allocates too little to run one. So, when at
/// least <see cref="TrimPolicy.MinReleasedLines"/> stock lines of ledgers have been let go since the last trim and no
/// report has been applied for <see cref="TrimPolicy.Quiet"/>, one compacting collection that returns free memory to
/// the system. It runs only in quiet spells (after a national load, at night), never under report load.
/// </summary>
internal sealed partial class IdleMemoryTrim(ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var trimmedAt = LocationMemory.ReleasedLines;
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var released = LocationMemory.ReleasedLines;
            var last = LocationMemory.LastReportTicks;
            var quietFor = last == 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Environment.TickCount64 - last);
            var lines = released - trimmedAt;
            if (!TrimPolicy.ShouldTrim(lines, quietFor)) continue;
            trimmedAt = released;
            var before = Environment.WorkingSet;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            LogTrimmed(logger, lines, before >> 20, Environment.WorkingSet >> 20);
        }
    }

    [LoggerMessage(LogLevel.Information, "Idle locations left memory ({Lines} stock lines since the last trim): collected, working set {Before} MB -> {After} MB")]
    private static partial void LogTrimmed(ILogger logger, long lines, long before, long after);
}

/// <summary>When <see cref="IdleMemoryTrim"/> collects: plain rules, tested on their own.</summary>
internal static class TrimPolicy
{
    /// <summary>About 20 MB of ledgers or more (~440 B a line): less is not worth a full compacting collection.</summary>
    public const long MinReleasedLines = 50_000;

    /// <summary>No report applied for this long: intake is not running, so the pause holds no report up.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    public static bool ShouldTrim(long releasedLinesSinceTrim, TimeSpan quietFor) =>
        releasedLinesSinceTrim >= MinReleasedLines && quietFor >= Quiet;
}
