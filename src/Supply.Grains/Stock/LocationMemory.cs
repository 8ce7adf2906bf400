namespace Supply.Grains.Stock;

/// <summary>
/// What the location grains of this silo have let go of, for <c>IdleMemoryTrim</c> in the host: stock lines of ledgers
/// that were deactivated, and when a location last took a report. Process-wide counters, no locks.
/// </summary>
public static class LocationMemory
{
    private static long _releasedLines;
    private static long _lastReportTicks;

    /// <summary>Stock lines of deactivated ledgers since the process started (only grows).</summary>
    public static long ReleasedLines => Interlocked.Read(ref _releasedLines);

    /// <summary>When a location last applied a report (<see cref="Environment.TickCount64"/>; 0: never).</summary>
    public static long LastReportTicks => Interlocked.Read(ref _lastReportTicks);

    internal static void Released(int lines) => Interlocked.Add(ref _releasedLines, lines);

    internal static void ReportApplied() => Interlocked.Exchange(ref _lastReportTicks, Environment.TickCount64);
}
