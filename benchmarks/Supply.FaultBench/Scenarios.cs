using System.Diagnostics;
using Supply.LoadTest;

namespace Supply.FaultBench;

/// <summary>The options of a run (Program parses them).</summary>
public sealed record BenchOptions(
    int Seconds, int Locations, int Items, int Senders, int Window, double Rate, int OutageSeconds,
    int OverloadSenders, int OverloadWindow, int OverloadItems, string Dll, bool Keep);

/// <summary>What one scenario printed and whether it failed.</summary>
public sealed record ScenarioResult(string Name, bool Failed);

/// <summary>
/// The single-node scenarios: a sustained report stream against one server on SQLite, a fault a third of the way in,
/// the stream kept up to the end, then every location read back and compared with the client's record.
/// </summary>
public static class Scenarios
{
    public static async Task<ScenarioResult> KillSingleAsync(BenchOptions o)
    {
        var auth = Auth.ForStartedServer();
        await using var node = await SingleNode.StartAsync(o.Dll, auth, [], o.Keep);
        var workload = new Workload(o.Locations, o.Items, DateTimeOffset.UtcNow);
        await SingleNode.RegisterAsync(node.Url, auth, workload);
        var stream = new ReportStream(workload, [node.Url], auth.Reporter, o.Senders, o.Window, o.Rate);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.Seconds));
        var run = stream.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(o.Seconds / 3.0));
        var ackedBefore = stream.Acked;
        var killedAt = stream.Elapsed.TotalSeconds;
        await node.KillAsync();
        var restartStarted = stream.Elapsed.TotalSeconds;
        await node.StartServerAsync();
        var servingAt = stream.Elapsed.TotalSeconds;
        await run;

        var verification = await Verifier.RunAsync(node.Url, auth.Reader, workload, stream);
        Print("kill-single", "SIGKILL of the single node mid-stream, restarted on the same SQLite file", o, stream, verification,
        [
            $"killed at {killedAt:0.0} s, after {ackedBefore:N0} acks; restart began {1000 * (restartStarted - killedAt):N0} ms later, SERVING after {servingAt - killedAt:0.0} s",
            $"time until writes were accepted again (kill → first ack on a stream opened after it): {Recovery(stream, killedAt):N0} ms",
            $"longest time without any ack: {LongestGap(stream):N0} ms",
        ]);
        return new ScenarioResult("kill-single", verification.Failed);
    }

    public static async Task<ScenarioResult> StorageDownSingleAsync(BenchOptions o)
    {
        var auth = Auth.ForStartedServer();
        await using var node = await SingleNode.StartAsync(o.Dll, auth, [], o.Keep);
        var workload = new Workload(o.Locations, o.Items, DateTimeOffset.UtcNow);
        await SingleNode.RegisterAsync(node.Url, auth, workload);
        var stream = new ReportStream(workload, [node.Url], auth.Reporter, o.Senders, o.Window, o.Rate);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.Seconds));
        var run = stream.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(o.Seconds / 3.0));
        var downAt = stream.Elapsed.TotalSeconds;
        double lockedAt, upAt;
        long ackedWhileDown;
        await using (var writeLock = await SqliteWriteLock.TakeAsync(node.DatabasePath))
        {
            lockedAt = stream.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(o.OutageSeconds));
        }
        upAt = stream.Elapsed.TotalSeconds;
        // Reports committed just before the lock are acknowledged a moment later (after their audit row): allow 1 s.
        ackedWhileDown = stream.AckTimes.Count(a => a.AckAt > lockedAt + 1 && a.AckAt < upAt);
        await run;
        var alive = node.Server is { } s && ProcStats.IsAlive(s.Pid);

        var verification = await Verifier.RunAsync(node.Url, auth.Reader, workload, stream);
        Print("storage-down", $"the SQLite database refusing writes for {o.OutageSeconds} s (another process holds its write lock), no restart", o, stream, verification,
        [
            $"writes refused from {lockedAt:0.0} s (lock asked at {downAt:0.0} s) to {upAt:0.0} s; acks from 1 s after the lock until its release: {ackedWhileDown:N0} (must be 0: nothing can be stored)",
            $"time until writes were accepted again (storage back → first ack after it): {FirstAckAfter(stream, upAt):N0} ms",
            $"longest time without any ack: {LongestGap(stream):N0} ms",
            $"server still running, not restarted: {(alive ? "yes" : "NO")}",
        ]);
        return new ScenarioResult("storage-down", verification.Failed || ackedWhileDown > 0 || !alive);
    }

    public static async Task<ScenarioResult> OverloadAsync(BenchOptions o)
    {
        var auth = Auth.ForStartedServer();
        await using var node = await SingleNode.StartAsync(o.Dll, auth, [], o.Keep);
        var pid = node.Server!.Pid;
        var workload = new Workload(o.Locations, o.OverloadItems, DateTimeOffset.UtcNow);
        await SingleNode.RegisterAsync(node.Url, auth, workload);
        var rssBefore = ProcStats.StatusKb(pid, "VmRSS") ?? 0;
        var stream = new ReportStream(workload, [node.Url], auth.Reporter, o.OverloadSenders, o.OverloadWindow, reportsPerSecond: 0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.Seconds));
        var run = stream.RunAsync(stop.Token);
        long peakRss = 0;
        var samples = new List<(double At, long Kb)>();
        while (!run.IsCompleted)
        {
            var rss = ProcStats.StatusKb(pid, "VmRSS") ?? 0;
            peakRss = Math.Max(peakRss, rss);
            samples.Add((stream.Elapsed.TotalSeconds, rss));
            await Task.WhenAny(run, Task.Delay(250));
        }
        await run;
        var alive = ProcStats.IsAlive(pid);
        var hwm = ProcStats.StatusKb(pid, "VmHWM") ?? peakRss;
        // Bounded: the second half of the run holds no more than the first half did (no growth with time).
        var half = samples.Count / 2;
        var firstHalf = samples.Take(half).Select(s => s.Kb).DefaultIfEmpty(0).Max();
        var secondHalf = samples.Skip(half).Select(s => s.Kb).DefaultIfEmpty(0).Max();

        var verification = await Verifier.RunAsync(node.Url, auth.Reader, workload, stream);
        Print("overload", $"{o.OverloadSenders} streams × window {o.OverloadWindow}, {o.OverloadItems}-line reports, sent as fast as the server takes them", o, stream, verification,
        [
            $"server RSS: {rssBefore / 1024:N0} MB before, peak {hwm / 1024:N0} MB (VmHWM), highest sample in the first half {firstHalf / 1024:N0} MB, second half {secondHalf / 1024:N0} MB",
            $"reports in flight at the client at most: {o.OverloadSenders * o.OverloadWindow:N0}; stock lines acknowledged: {stream.Acked * o.OverloadItems:N0} ({stream.Acked * o.OverloadItems / Math.Max(1, stream.Elapsed.TotalSeconds):N0}/s)",
            $"server still running: {(alive ? "yes" : "NO (crashed)")}",
        ]);
        return new ScenarioResult("overload", verification.Failed || !alive);
    }

    /// <summary>From the fault to the first ack carried by a stream opened after it.</summary>
    public static double Recovery(ReportStream stream, double faultAt)
    {
        var after = stream.AckTimes.Where(a => a.CallOpenedAt > faultAt).Select(a => a.AckAt).DefaultIfEmpty(double.NaN).Min();
        return 1000 * (after - faultAt);
    }

    public static double FirstAckAfter(ReportStream stream, double at) =>
        1000 * (stream.AckTimes.Where(a => a.AckAt > at).Select(a => a.AckAt).DefaultIfEmpty(double.NaN).Min() - at);

    public static double LongestGap(ReportStream stream)
    {
        var times = stream.AckTimes.Select(a => a.AckAt).Order().ToArray();
        var gap = 0.0;
        for (var i = 1; i < times.Length; i++) gap = Math.Max(gap, times[i] - times[i - 1]);
        return 1000 * gap;
    }

    public static void Print(string name, string what, BenchOptions o, ReportStream stream, Verification v, IEnumerable<string> lines)
    {
        Console.WriteLine();
        Console.WriteLine($"== {name}: {what}");
        Console.WriteLine($"  stream: {o.Seconds} s, {v.LocationsChecked:N0} locations, reports sent {stream.Sent:N0} (resends included), reconnects {stream.Reconnects:N0}");
        Console.WriteLine($"  reports acknowledged:                      {v.AckedReports:N0} (of them answered as duplicates of a resend: {stream.Duplicates:N0})");
        Console.WriteLine($"  acknowledged reports found afterwards:     {v.AckedFound:N0}{(v.OutsideHistory > 0 ? $" ({v.OutsideHistory:N0} older than the 500 receipts kept, counted by the newest)" : "")}");
        Console.WriteLine($"  acknowledged reports LOST:                 {v.AckedLost:N0}");
        Console.WriteLine($"  stored without the client seeing an ack:   {v.StoredUnacked:N0} (whole; resent, they are answered as duplicates)");
        Console.WriteLine($"  locations whose stock is not one whole report: {v.HalfApplied:N0}; newest stored older than acknowledged: {v.NewestBehind:N0}");
        var errors = stream.Errors.Count == 0 ? "none" : string.Join(", ", stream.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value:N0}"));
        Console.WriteLine($"  errors by status (one per broken stream):  {errors}");
        foreach (var line in lines) Console.WriteLine("  " + line);
        foreach (var p in v.Problems) Console.WriteLine("  PROBLEM: " + p);
        Console.WriteLine($"  verdict: {(v.Failed ? "FAILED" : "nothing lost, nothing half-applied")}");
    }
}
