using System.Globalization;

namespace Supply.LoadTest;

/// <summary>
/// Reads Linux /proc: a process's CPU time and peak memory, CPU time per thread name (a poor man's
/// profile: GC threads, thread-pool workers, the SQLite writer ...), and the machine's CPU counters.
/// Every reader returns null/empty where /proc is missing, so the load test still runs elsewhere.
/// </summary>
public static class ProcStats
{
    /// <summary>USER_HZ; 100 on every Linux the .NET runtime supports.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU seconds of a process (all its threads), or null.</summary>
    public static double? CpuSeconds(int pid) => ReadStat($"/proc/{pid}/stat") is { } f ? Ticks(f) / TicksPerSecond : null;

    /// <summary>A field of /proc/PID/status in kB (e.g. VmHWM = peak resident set, VmRSS = now), or null.</summary>
    public static long? StatusKb(int pid, string field) => StatusKb($"/proc/{pid}/status", field);

    public static long? SelfStatusKb(string field) => StatusKb("/proc/self/status", field);

    private static long? StatusKb(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var parts = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Whether the process exists and is not a zombie (always true where there is no /proc).</summary>
    public static bool IsAlive(int pid) => !OperatingSystem.IsLinux() || File.Exists($"/proc/{pid}/stat") && ReadStat($"/proc/{pid}/stat") is { } f && f[0] != "Z";

    /// <summary>Bytes the process caused to be written to storage (write_bytes of /proc/PID/io), or null.</summary>
    public static long? IoWriteBytes(int pid)
    {
        var text = TryRead($"/proc/{pid}/io");
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(12).Trim(), CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>CPU seconds per thread, keyed by thread id, with the thread's name (comm, 15 characters at most).</summary>
    public static Dictionary<int, (string Name, double Seconds)> Threads(int pid)
    {
        var result = new Dictionary<int, (string, double)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var tid)) continue;
                var raw = TryRead(Path.Combine(dir, "stat"));
                if (raw is null) continue;
                var open = raw.IndexOf('(');
                var close = raw.LastIndexOf(')');
                if (open < 0 || close < open) continue;
                var name = raw[(open + 1)..close];
                var fields = raw[(close + 2)..].Split(' ');
                result[tid] = (name, Ticks(fields) / TicksPerSecond);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return result;
    }

    /// <summary>
    /// CPU seconds per thread name between two samples. Threads are grouped by name with digits removed
    /// (".NET TP Worker" stays, "Thread 12" becomes "Thread"); threads that ended in between are lost.
    /// </summary>
    public static List<(string Name, int Threads, double Seconds)> ByName(
        Dictionary<int, (string Name, double Seconds)> before, Dictionary<int, (string Name, double Seconds)> after)
    {
        var groups = new Dictionary<string, (int Threads, double Seconds)>(StringComparer.Ordinal);
        foreach (var (tid, (name, seconds)) in after)
        {
            var start = before.TryGetValue(tid, out var b) && b.Name == name ? b.Seconds : 0;
            var key = new string(name.Where(c => !char.IsAsciiDigit(c)).ToArray()).Trim();
            if (key.Length == 0) key = name;
            var g = groups.GetValueOrDefault(key);
            groups[key] = (g.Threads + 1, g.Seconds + (seconds - start));
        }
        return groups.Select(kv => (kv.Key, kv.Value.Threads, kv.Value.Seconds)).OrderByDescending(g => g.Seconds).ToList();
    }

    /// <summary>The machine's CPU counters (first line of /proc/stat), in seconds summed over all cores.</summary>
    public readonly record struct MachineCpu(double User, double System, double Idle, double IoWait, double Steal, double Other)
    {
        public double Busy => User + System + Other + Steal;
        public double Total => Busy + Idle + IoWait;

        public static MachineCpu operator -(MachineCpu a, MachineCpu b) =>
            new(a.User - b.User, a.System - b.System, a.Idle - b.Idle, a.IoWait - b.IoWait, a.Steal - b.Steal, a.Other - b.Other);
    }

    public static MachineCpu? Machine()
    {
        var text = TryRead("/proc/stat");
        if (text is null) return null;
        var line = text.AsSpan(0, text.IndexOf('\n') is var nl and >= 0 ? nl : text.Length).ToString();
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu") return null;
        double F(int i) => long.Parse(f[i], CultureInfo.InvariantCulture) / TicksPerSecond;
        // user nice system idle iowait irq softirq steal
        return new MachineCpu(F(1) + F(2), F(3), F(4), F(5), F(8), F(6) + F(7));
    }

    private static string[]? ReadStat(string path)
    {
        var raw = TryRead(path);
        if (raw is null) return null;
        var close = raw.LastIndexOf(')'); // the name may contain spaces and parentheses
        return close < 0 ? null : raw[(close + 2)..].Split(' ');
    }

    /// <summary>utime + stime: fields 14 and 15 of stat, i.e. 11 and 12 after "pid (comm) ".</summary>
    private static long Ticks(string[] fieldsAfterName) =>
        long.Parse(fieldsAfterName[11], CultureInfo.InvariantCulture) + long.Parse(fieldsAfterName[12], CultureInfo.InvariantCulture);

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
