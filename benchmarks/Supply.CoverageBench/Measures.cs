using System.Diagnostics;
using Supply.LoadTest;

namespace Supply.CoverageBench;

/// <summary>CPU used during a phase by the server, this benchmark and everything else (the machine is shared), in % of one core.</summary>
internal sealed class CpuWindow(int serverPid)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ProcStats.MachineCpu? _machine = ProcStats.Machine();
    private readonly double? _server = ProcStats.CpuSeconds(serverPid);
    private readonly double _self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    private readonly int _collections = GC.CollectionCount(0);
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    /// <summary>Seconds of CPU the server has used since the window opened.</summary>
    public double ServerSeconds => ProcStats.CpuSeconds(serverPid) - _server ?? 0;

    /// <summary>CPU used by other processes (not the server, not this benchmark) since the window opened, in % of one core.</summary>
    public double OthersPercent
    {
        get
        {
            var span = _clock.Elapsed.TotalSeconds;
            if (ProcStats.Machine() is not { } m1 || _machine is not { } m0 || span <= 0) return double.NaN;
            var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _self;
            return 100 * Math.Max(0, (m1 - m0).Busy - ServerSeconds - self) / span;
        }
    }

    public override string ToString()
    {
        var span = _clock.Elapsed.TotalSeconds;
        var server = ServerSeconds;
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _self;
        if (ProcStats.Machine() is not { } m1 || _machine is not { } m0 || span <= 0) return "";
        var busy = (m1 - m0).Busy;
        // The benchmark's own collections pause its clocks too: say how many there were and how long they took.
        return $"[CPU: server {100 * server / span:0}%, benchmark {100 * self / span:0}%, others {100 * Math.Max(0, busy - server - self) / span:0}% of {Environment.ProcessorCount * 100}%; " +
               $"benchmark GC: {GC.CollectionCount(0) - _collections} collections, paused {(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:0} ms]";
    }
}

/// <summary>Percentiles (nearest rank) of a set of timings in milliseconds.</summary>
internal sealed record Stats(int Count, double P50, double P99, double Max, double Mean)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double P(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Stats(sorted.Length, P(0.50), P(0.99), sorted[^1], sorted.Average());
    }

    /// <summary>The median (the mean of the middle two for an even count), for figures that are not timings of many calls.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public override string ToString() => $"p50 {P50:N1} ms, p99 {P99:N1} ms, max {Max:N1} ms, mean {Mean:N1} ms (n = {Count})";
}

/// <summary>How the benchmark writes sizes and the machine's state.</summary>
internal static class Show
{
    public static string Mb(long? kb) => kb is { } k ? $"{k / 1024.0:N0} MB" : "-";

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "-"; }
    }
}
