namespace Supply.CoverageBench;

/// <summary>
/// The guest kernel's memory monitor on this VM: DAMON (<c>kdamond</c> threads; /sys/kernel/mm/damon), which the
/// sandbox runs to page out cold memory. It samples physical memory every 0.5 s and, while the server holds gigabytes,
/// takes 20–50 ms of one of the two cores each time (2026-12-07: every one of the slowest national calls fell on such a
/// burst). Read per call, so the figures can be given with and without the calls it interrupted, side by side.
/// </summary>
internal static class KernelMonitor
{
    private static readonly string[] SchedStats = Find();

    /// <summary>Whether this machine runs one (nothing to separate otherwise).</summary>
    public static bool Present => SchedStats.Length > 0;

    /// <summary>CPU time the monitor's threads have used so far, in ms (/proc/PID/schedstat: nanoseconds on the CPU).</summary>
    public static double CpuMs()
    {
        long ns = 0;
        foreach (var path in SchedStats)
        {
            try
            {
                var text = File.ReadAllText(path);
                ns += long.Parse(text.AsSpan(0, text.IndexOf(' ')));
            }
            catch (IOException) { } // the thread ended: it adds nothing more
        }
        return ns / 1e6;
    }

    private static string[] Find()
    {
        if (!OperatingSystem.IsLinux()) return [];
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out _) && File.ReadAllText(Path.Combine(dir, "comm")).StartsWith("kdamond", StringComparison.Ordinal))
                    found.Add(Path.Combine(dir, "schedstat"));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return [.. found];
    }

    /// <summary>A call counts as interrupted when the monitor ran more than this during it.</summary>
    public const double InterruptedAfterMs = 1;

    /// <summary>"the same calls less the N the kernel's memory monitor interrupted: p50 …, p99 …", or null when there is none.</summary>
    public static string? Without(IReadOnlyList<double> callMs, IReadOnlyList<double> monitorMs)
    {
        if (!Present) return null;
        var kept = callMs.Where((_, k) => monitorMs[k] <= InterruptedAfterMs).ToList();
        if (kept.Count == 0) return null;
        var s = Stats.Of(kept);
        return $"the same calls less the {callMs.Count - kept.Count} during which the kernel's memory monitor (kdamond) ran: " +
               $"p50 {s.P50:0.0} ms, p99 {s.P99:0.0} ms, max {s.Max:0.0} ms (n = {kept.Count})";
    }
}
