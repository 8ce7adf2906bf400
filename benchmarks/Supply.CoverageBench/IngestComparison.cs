using System.Diagnostics;
using Supply.LoadTest;

namespace Supply.CoverageBench;

/// <summary>
/// Issue 15's "ingest speed did not drop, same run, before and after": the load phase against an older server
/// (--baseline-dll) and this build's server, one at a time and alternately (baseline, current, baseline, current, ...),
/// each on a fresh database with the same workload, then every run side by side, the ratio this build / baseline per
/// pair, and the medians. Alternating pairs put the machine's drift (other sessions' builds) on both sides and make
/// its noise visible in the spread of the pairs' ratios.
/// </summary>
internal sealed class IngestComparison(BenchOptions o, Auth auth, Workload workload, Action<ServerProcess> started)
{
    private sealed record Run(int Pair, string Side, LoadResult Result);

    /// <param name="currentDll">This build's server.</param>
    /// <param name="keepLast">Keep the last run of this build's server running (with its channels) for the phases after the load.</param>
    public async Task<LoadedServer?> RunAsync(string currentDll, bool keepLast, CancellationToken ct)
    {
        string? baselineDll = null;
        if (o.BaselineDll is not null)
        {
            baselineDll = File.Exists(o.BaselineDll) ? Path.GetFullPath(o.BaselineDll)
                : throw new FileNotFoundException($"--baseline-dll: {o.BaselineDll} does not exist");
        }
        Console.WriteLine($"-- ingest: {(baselineDll is null ? $"this build alone, {o.IngestRepeats} run(s)" : $"{o.IngestRepeats} pair(s), baseline first, alternately")}; " +
                          "each run on a fresh server and database, the same workload");
        if (baselineDll is not null) Console.WriteLine($"baseline      : {Describe(baselineDll)}");
        Console.WriteLine($"current       : {Describe(currentDll)}");
        if (baselineDll == currentDll) Console.WriteLine("WARNING       : --baseline-dll is this build's server: both sides measure the same code");

        var runs = new List<Run>();
        LoadedServer? kept = null;
        for (var pair = 1; pair <= o.IngestRepeats; pair++)
        {
            foreach (var (side, dll) in baselineDll is null ? [("current", currentDll)] : new[] { ("baseline", baselineDll), ("current", currentDll) })
            {
                // The client's garbage from the run before is not left to be collected during this one.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Console.WriteLine($"-- ingest run {pair}/{o.IngestRepeats}: {side}; load average {Show.LoadAverage()}");
                var loaded = await LoadPhase.StartAndLoadAsync(dll, baseline: side == "baseline", o, auth, workload, started, ct);
                runs.Add(new Run(pair, side, loaded.Load));
                if (keepLast && side == "current" && pair == o.IngestRepeats) kept = loaded;
                else
                {
                    var stopping = Stopwatch.StartNew();
                    await loaded.DisposeAsync(); // stops the server and removes its directory before the next one starts
                    Console.WriteLine($"stopped       : in {stopping.Elapsed.TotalSeconds:0.0} s{(o.Keep ? $"; kept {loaded.Server.Directory}" : ", directory removed")}");
                }
            }
        }
        Print(runs, baselineDll is not null);
        return kept;
    }

    private void Print(List<Run> runs, bool compared)
    {
        Console.WriteLine();
        Console.WriteLine($"== ingest: {(long)o.Locations * o.Items:N0} stock lines a run ({o.Locations:N0} locations x {o.Items:N0} items, one snapshot each), " +
                          $"{o.Streams} streams x window {o.Window}, durable SQLite");
        Console.WriteLine($"{"run",-18} {"lines acked",12} {"load s",8} {"lines/s",10} {"converged s",12} {"server CPU s",13} {"CPU µs/line",12} {"peak RSS MB",12} {"others CPU",11}");
        foreach (var pair in runs.GroupBy(r => r.Pair))
        {
            foreach (var run in pair) Console.WriteLine(Row($"{run.Pair} {run.Side}", run.Result));
            if (compared) Console.WriteLine(RatioRow($"{pair.Key} ratio", Figures(pair.Single(r => r.Side == "current").Result), Figures(pair.Single(r => r.Side == "baseline").Result)));
        }
        var sides = runs.GroupBy(r => r.Side).ToDictionary(g => g.Key, g => Medians(g.Select(r => r.Result)));
        if (runs.Count > (compared ? 2 : 1))
            foreach (var (side, medians) in sides) Console.WriteLine(Row($"median {side}", medians));
        if (!compared) return;
        if (runs.Count > 2) Console.WriteLine(RatioRow("ratio of medians", sides["current"], sides["baseline"]));
        Console.WriteLine("(ratio = this build / baseline: lines/s above 1 is faster ingest; the other columns below 1 are better; " +
                          "others CPU = other processes on the machine, in % of one core, while loading and converging)");

        // Did ingest drop? Said per pair, so the run's own noise is in view rather than hidden in one number.
        var ratios = runs.GroupBy(r => r.Pair)
            .Select(p => p.Single(r => r.Side == "current").Result.LinesPerSecond / p.Single(r => r.Side == "baseline").Result.LinesPerSecond)
            .ToList();
        var verdict = ratios.All(r => r >= 1) ? "did not drop: this build was as fast or faster in every pair"
            : ratios.All(r => r < 1) ? "dropped: this build was slower in every pair"
            : "mixed: faster in some pairs, slower in others (within this run's noise; more --ingest-repeats or a quieter machine)";
        Console.WriteLine($"ingest speed  : this build / baseline, lines/s: median {Stats.Median(ratios):0.00} " +
                          $"(pairs {string.Join(", ", ratios.Select(r => r.ToString("0.00")))}); {verdict}");
    }

    /// <summary>lines acked, load s, lines/s, converged s, server CPU s, CPU µs/line, peak RSS MB, others CPU %.</summary>
    private static double[] Figures(LoadResult r) =>
        [r.Lines, r.LoadSeconds, r.LinesPerSecond, r.ConvergedSeconds, r.ServerCpuSeconds, r.ServerMicrosPerLine, (r.PeakRssKb ?? 0) / 1024.0, r.OthersCpuPercent];

    private static double[] Medians(IEnumerable<LoadResult> results)
    {
        var all = results.Select(Figures).ToList();
        return Enumerable.Range(0, all[0].Length).Select(k => Stats.Median(all.Select(f => f[k]))).ToArray();
    }

    private static string Row(string label, LoadResult r) => Row(label, Figures(r));

    private static string Row(string label, double[] f) =>
        $"{label,-18} {f[0],12:N0} {f[1],8:N1} {f[2],10:N0} {f[3],12:N1} {f[4],13:N1} {f[5],12:N1} {f[6],12:N0} {f[7],10:N0}%";

    private static string RatioRow(string label, double[] current, double[] baseline)
    {
        string R(int k) => baseline[k] > 0 ? (current[k] / baseline[k]).ToString("0.00") : "-";
        // Lines acked are the same on both sides by construction (every report must be acknowledged); others CPU is the machine, not the server.
        return $"{label,-18} {"",12} {R(1),8} {R(2),10} {R(3),12} {R(4),13} {R(5),12} {R(6),12} {"",11}";
    }

    /// <summary>The dll, the commit it was built from (the SDK puts it in the informational version) and when it was built.</summary>
    private static string Describe(string dll)
    {
        var version = FileVersionInfo.GetVersionInfo(dll).ProductVersion ?? "";
        var commit = version.IndexOf('+') is var plus and >= 0 ? version[(plus + 1)..] : "unknown";
        return $"{dll} (commit {(commit.Length > 12 ? commit[..12] : commit)}, built {File.GetLastWriteTimeUtc(dll):yyyy-MM-dd HH:mm} UTC)";
    }
}
