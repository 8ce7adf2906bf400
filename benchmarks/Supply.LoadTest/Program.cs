using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n");
    Console.Error.WriteLine(Options.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

using var stop = new CancellationTokenSource(); // Ctrl+C
ServerProcess? server = null;
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true; // first Ctrl+C: stop sending, report what was acknowledged, stop the server
        Console.Error.WriteLine("\nCtrl+C: stopping (press again to quit at once)...");
        stop.Cancel();
    }
    else
    {
        server?.KillNow();
    }
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => server?.KillNow();
AppDomain.CurrentDomain.UnhandledException += (_, _) => server?.KillNow();

try
{
    return await RunAsync();
}
catch (Exception e) when (e is OperationCanceledException && stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped before the load phase.");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    if (server is not null) Console.Error.WriteLine($"--- server output (last lines) ---\n{server.LogTail(40)}");
    return 1;
}
finally
{
    if (server is not null) await server.DisposeAsync();
}

async Task<int> RunAsync()
{
    var cores = Environment.ProcessorCount;
    Console.WriteLine("== Supply.LoadTest");
    Console.WriteLine($"configuration : {options.Locations} locations x {options.Items} items (= lines per report), " +
                      $"{options.Streams} streams x window {options.Window}, " +
                      (options.Rounds > 0 ? $"{options.Rounds} rounds" : $"rounds: as many as fit {options.DurationSeconds:0.#} s") +
                      $", max {options.MaxSeconds:0.#} s");
#if DEBUG
    Console.WriteLine("WARNING       : this load test is a Debug build; run it with -c Release (the server is always a Release build).");
#endif
    Console.WriteLine($"machine       : {cores} cores, .NET {Environment.Version}, load average {LoadAverage()}");

    string url;
    var auth = options.ServerUrl is null ? Auth.ForStartedServer() : Auth.ForExternalServer(options.Token);
    if (options.ServerUrl is null)
    {
        var dll = ServerProcess.LocateDll(options.ServerDll);
        var started = Stopwatch.StartNew();
        server = await ServerProcess.StartAsync(dll, options.Durable, options.ServerLogLevel ?? "Warning", options.Keep, options.ServerEnvironment,
            auth.ServerArgs, TimeSpan.FromSeconds(90), stop.Token);
        url = server.Url;
        Console.WriteLine($"server        : {dll}");
        Console.WriteLine($"                pid {server.Pid}, {url}, durable commits {(options.Durable ? "ON" : "OFF")}, database {server.DatabasePath}");
        Console.WriteLine($"                built {File.GetLastWriteTime(dll):yyyy-MM-dd HH:mm:ss}, listening after {started.Elapsed.TotalSeconds:0.0} s" +
                          (options.ServerEnvironment.Count > 0 ? $", environment {string.Join(' ', options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}"))}" : ""));
    }
    else
    {
        url = options.ServerUrl;
        Console.WriteLine($"server        : {url} (already running; --durable does not apply, no server memory/CPU/database figures)");
    }

    // One channel (HTTP/2 connection) per stream, as separate senders would have; channel 0 also does the rest.
    var channels = LoadChannels.Open(url, options.Streams);
    try
    {
        await WaitUntilServingAsync(channels[0], TimeSpan.FromSeconds(60));

        var workload = new Workload(options.Locations, options.Items, DateTimeOffset.UtcNow);
        var catalog = new Catalog.CatalogClient(channels[0]);
        var registering = Stopwatch.StartNew();
        foreach (var request in workload.ItemRequests())
            await catalog.RegisterItemsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2), stop.Token);
        foreach (var request in workload.LocationRequests())
            await catalog.RegisterLocationsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2), stop.Token);
        Console.WriteLine($"catalog       : {options.Items} items and {options.Locations} locations (over {Math.Min(options.Locations, Workload.RegionCodes.Length)} regions) registered in {registering.Elapsed.TotalSeconds:0.00} s; run id {workload.RunId}");

        // ---- the load phase ----
        var runner = new LoadRunner(workload, channels.Select(c => new StockReporting.StockReportingClient(c)).ToArray(), auth.Reporter, options);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        stopSending.CancelAfter(TimeSpan.FromSeconds(options.MaxSeconds));

        var before = Sample.Take(server?.Pid, threads: true);
        var samples = new List<(double Seconds, long Lines)> { (0, 0) };
        Console.WriteLine("-- load (progress every 5 s)");
        using var progressStop = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var last = before;
            var lastLines = 0L;
            var tick = 0;
            try
            {
                while (await timer.WaitForNextTickAsync(progressStop.Token))
                {
                    var ackedLines = runner.AckedLines;
                    lock (samples) samples.Add((runner.Elapsed.TotalSeconds, ackedLines));
                    if (++tick % 5 != 0) continue;
                    var now = Sample.Take(server?.Pid, threads: false);
                    var seconds = (now.At - last.At).TotalSeconds;
                    Console.WriteLine(
                        $"[{runner.Elapsed.TotalSeconds,6:0.0} s] acked {runner.AckedReports,8:N0} reports {ackedLines,12:N0} lines | last {seconds:0} s: " +
                        $"{(ackedLines - lastLines) / seconds,9:N0} lines/s | CPU server {Pct(now.ServerCpu - last.ServerCpu, seconds)} " +
                        $"client {Pct(now.ClientCpu - last.ClientCpu, seconds)} machine {Pct((now.Machine - last.Machine)?.Busy, seconds)}");
                    last = now;
                    lastLines = ackedLines;
                }
            }
            catch (OperationCanceledException) { }
        });

        var results = await runner.RunAsync(stopSending.Token, drain: TimeSpan.FromSeconds(30));
        var after = Sample.Take(server?.Pid, threads: true);
        await progressStop.CancelAsync();
        await progress;

        var stoppedByLimit = stopSending.IsCancellationRequested && !stop.IsCancellationRequested;
        var interrupted = stop.IsCancellationRequested;

        // ---- verification ----
        var verification = await VerifyAsync(workload, runner, new StockQuery.StockQueryClient(channels[0]), auth.Reader, options.Verify);

        // ---- figures ----
        Print(workload, runner, results, before, after, samples, stoppedByLimit, interrupted, verification);

        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
        var failed = errors.Count > 0 || results.Sum(r => r.Rejected + r.Mismatched) > 0 || !verification.Ok;

        // ---- the bare-gRPC baseline, same workload, the real server stopped first so they never share the CPU ----
        if (options.Baseline && !interrupted)
        {
            if (server is not null) { await server.DisposeAsync(); server = null; }
            var (bare, error) = await Baseline.RunAsync(workload, options, auth.Reporter, s => server = s, stop.Token);
            Baseline.Print(RunFigures.Of(results, samples), bare, error);
            failed |= error is not null;
        }
        return failed ? 1 : interrupted ? 130 : 0;
    }
    finally
    {
        foreach (var c in channels) c.Dispose();
    }

    void Print(Workload workload, LoadRunner runner, LoadRunner.StreamResult[] results, Sample before, Sample after,
        List<(double Seconds, long Lines)> samples, bool stoppedByLimit, bool interrupted, Verification verification)
    {
        var acked = results.Sum(r => r.Acked);
        var lines = results.Sum(r => r.Lines);
        var wall = results.Select(r => r.LastAck).DefaultIfEmpty().Max().TotalSeconds;
        var rounds = results.Select(r => r.Rounds).DefaultIfEmpty().Max();
        var latencies = results.SelectMany(r => r.LatencyMicros).ToArray();
        Array.Sort(latencies);
        double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(q * latencies.Length) - 1, 0, latencies.Length - 1)] / 1000.0;
        var span = (after.At - before.At).TotalSeconds;

        Console.WriteLine();
        Console.WriteLine("== Results" + (stoppedByLimit ? $" (stopped by --max-seconds {options.MaxSeconds:0})" : interrupted ? " (interrupted by Ctrl+C)" : ""));
        Console.WriteLine($"configuration         : {options.Locations} locations x {options.Items} items, {options.Streams} streams x window {options.Window}, " +
                          $"{rounds} rounds, durable commits {(options.ServerUrl is not null ? "(external server)" : options.Durable ? "ON" : "OFF")}" +
                          (options.ServerEnvironment.Count > 0 ? $", server environment {string.Join(' ', options.ServerEnvironment.Select(e => $"{e.Key}={e.Value}"))}" : ""));
        Console.WriteLine($"reports acknowledged  : {acked:N0} (applied {results.Sum(r => r.Applied):N0}, historical {results.Sum(r => r.Historical):N0}, " +
                          $"duplicate {results.Sum(r => r.Duplicates):N0}; rejected {results.Sum(r => r.Rejected):N0}, out of order {results.Sum(r => r.Mismatched):N0}) of {runner.SentReports:N0} sent");
        Console.WriteLine($"stock lines acked     : {lines:N0}");
        Console.WriteLine($"wall time             : {wall:0.00} s (first report written to last ack read)");
        Console.WriteLine($"STOCK LINES/S ACKED   : {Rate(lines, wall):N0}   (bar: 250,000)");
        var steady = RunFigures.SteadyState(samples, wall, lines);
        if (steady is { } s) Console.WriteLine($"  after warm-up       : {s.Rate:N0} lines/s (from {s.From:0} s to the end)");
        Console.WriteLine($"reports/s             : {Rate(acked, wall):N0}");
        Console.WriteLine($"ack latency (ms)      : p50 {P(0.50):0.0}  p95 {P(0.95):0.0}  p99 {P(0.99):0.0}  max {P(1):0.0}  (n = {latencies.Length:N0}; write of a report to read of its ack)");
        if (server is not null)
        {
            Console.WriteLine($"server memory         : peak {Mb(ProcStats.StatusKb(server.Pid, "VmHWM"))} (VmHWM), at the end {Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))} (VmRSS)");
        }
        Console.WriteLine($"client memory         : peak {Mb(ProcStats.SelfStatusKb("VmHWM"))} (VmHWM)");
        if (server is not null)
        {
            var (db, wal) = server.DatabaseBytes();
            Console.WriteLine($"SQLite                : {MbBytes(db)} database + {MbBytes(wal)} WAL = {MbBytes(db + wal)}; " +
                              $"~{(db + wal) / 1024.0 / Math.Max(1, options.Locations):N0} KB per location");
            if (after.ServerWriteBytes is { } w1 && before.ServerWriteBytes is { } w0)
                Console.WriteLine($"server disk writes    : {MbBytes(w1 - w0)} during the run = {(w1 - w0) / 1024.0 / Math.Max(1, acked):N1} KB per acknowledged report");
        }

        // ---- where the CPU went ----
        var serverCpu = after.ServerCpu - before.ServerCpu;
        var clientCpu = after.ClientCpu - before.ClientCpu;
        var machine = after.Machine - before.Machine;
        Console.WriteLine($"CPU over the run      : server {Pct(serverCpu, span)}, client {Pct(clientCpu, span)}" +
                          (machine is { } m
                              ? $", everything else {Pct(m.Busy - (serverCpu ?? 0) - clientCpu, span)}; machine busy {Pct(m.Busy, span)} of {cores * 100}%, " +
                                $"idle {Pct(m.Idle, span)}, iowait {Pct(m.IoWait, span)}"
                              : ""));
        if (serverCpu is > 0)
        {
            // Robust to other load on the machine: what one CPU-second of the server acknowledges.
            var perCpuSecond = lines / serverCpu.Value;
            Console.WriteLine($"server efficiency     : {perCpuSecond:N0} stock lines acked per server CPU-second = {1e6 / perCpuSecond:0.0} µs of server CPU per line; " +
                              $"{cores} cores for the server alone would cap it near {perCpuSecond * cores:N0} lines/s");
        }
        List<(string Name, int Threads, double Seconds)> threads = [];
        if (server is not null && before.ServerThreads is { } t0 && after.ServerThreads is { } t1)
        {
            threads = ProcStats.ByName(t0, t1);
            Console.WriteLine("server CPU by thread  : " + string.Join(" | ", threads.Take(8).Select(t => $"{t.Name} x{t.Threads} {Pct(t.Seconds, span)}")));
        }
        foreach (var line in Limit(serverCpu, clientCpu, machine, span, threads)) Console.WriteLine($"limit                 : {line}");

        foreach (var error in results.Where(r => r.Error is not null).Select(r => r.Error!).Distinct().Take(5))
            Console.WriteLine($"ERROR                 : {error}");
        Console.WriteLine($"verification          : {(verification.Ok ? "OK" : "MISMATCH")}: {verification.Text}");
        if (server is not null && options.Keep) Console.WriteLine($"kept                  : {server.Directory} (database; the server log is written there when it stops)");
    }

    IEnumerable<string> Limit(double? serverCpu, double clientCpu, ProcStats.MachineCpu? machine, double span,
        List<(string Name, int Threads, double Seconds)> threads)
    {
        if (machine is not { } m || span <= 0) yield break;
        if (serverCpu is null) yield return "external server: its CPU is counted in 'everything else' (run without --server-url for the server's own figures).";
        var busy = m.Busy / (cores * span);
        var others = Math.Max(0, m.Busy - (serverCpu ?? 0) - clientCpu);
        if (busy >= 0.85)
        {
            var who = serverCpu is { } sc && sc >= clientCpu + others ? "the server" : clientCpu >= others ? "the client" : "other processes on the machine";
            yield return $"CPU: the {cores} cores were {100 * busy:0}% busy; most of it was {who} " +
                         $"(server {Share(serverCpu ?? 0)}, client {Share(clientCpu)}, others {Share(others)} of the busy time).";
            if (others > 0.25 * m.Busy)
                yield return "other processes took a large share of the CPU: the figures understate what the server can do; run again on a quiet machine.";
        }
        else if (m.IoWait / (cores * span) >= 0.15)
        {
            yield return $"disk: {100 * m.IoWait / (cores * span):0}% iowait with the CPU {100 * busy:0}% busy; commits (fsync) are the limit.";
        }
        else
        {
            yield return $"latency, not CPU: the cores were only {100 * busy:0}% busy; acks wait on something (commit/fsync latency, " +
                         "the per-stream window); more --streams or a larger --window would show whether concurrency lifts it.";
        }
        if (serverCpu is > 0)
        {
            var gc = threads.Where(t => t.Name.Contains("GC", StringComparison.Ordinal)).Sum(t => t.Seconds);
            if (gc / serverCpu.Value >= 0.1) yield return $"GC threads took {100 * gc / serverCpu.Value:0}% of the server's CPU.";
            var writer = threads.FirstOrDefault(t => t.Name.StartsWith("SqliteGrain", StringComparison.Ordinal));
            if (writer.Name is not null)
                yield return $"the SQLite writer thread was busy {100 * writer.Seconds / span:0}% of the time" +
                             (writer.Seconds / span >= 0.85 ? " (saturated: one thread serialises every commit)" : "") + ".";
        }

        string Share(double seconds) => m.Busy <= 0 ? "-" : $"{100 * seconds / m.Busy:0}%";
    }

    async Task WaitUntilServingAsync(GrpcChannel channel, TimeSpan timeout)
    {
        var health = new Health.HealthClient(channel);
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            stop.Token.ThrowIfCancellationRequested();
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: stop.Token);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
                last = reply.Status.ToString();
            }
            catch (RpcException e)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }
            await Task.Delay(200, stop.Token);
        }
        throw new TimeoutException($"the server did not report SERVING within {timeout.TotalSeconds:0} s (last: {last})");
    }
}

// Reads back the stock of a few locations (spread over the id range) and compares it with what the
// last acknowledged report of each said.
static async Task<Verification> VerifyAsync(Workload workload, LoadRunner runner, StockQuery.StockQueryClient query, Metadata? headers, int verify)
{
    var n = workload.LocationIds.Length;
    var count = Math.Min(verify, n);
    if (count == 0) return new Verification(true, "skipped (--verify 0)");
    var picks = Enumerable.Range(0, count).Select(k => (int)((long)k * (n - 1) / Math.Max(1, count - 1))).Distinct().ToList();
    var ok = 0;
    var skipped = 0;
    var problems = new List<string>();
    foreach (var i in picks)
    {
        var id = workload.LocationIds[i];
        var lastAcked = runner.LastAckedRound[i];
        if (lastAcked < 0) { skipped++; continue; }
        LocationStock stock;
        try
        {
            stock = await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = id }, headers, DateTime.UtcNow.AddSeconds(30));
        }
        catch (RpcException e)
        {
            problems.Add($"{id}: GetLocationStock failed: {e.Status.StatusCode} {e.Status.Detail}");
            continue;
        }
        // A report sent after the last acknowledged one may have been stored without its ack being read.
        string? firstDifference = null;
        var matched = false;
        for (var round = lastAcked; round <= Math.Max(lastAcked, runner.LastSentRound[i]) && !matched; round++)
        {
            var difference = Difference(workload, stock, round, Workload.VariantOf(i));
            if (difference is null) matched = true;
            else firstDifference ??= difference;
        }
        if (matched) ok++;
        else problems.Add($"{id} (last acked round {lastAcked}): {firstDifference}");
    }
    var checkedCount = picks.Count - skipped;
    if (problems.Count > 0) return new Verification(false, $"{problems.Count} of {checkedCount} locations differ: " + string.Join("; ", problems.Take(3)));
    if (checkedCount == 0) return new Verification(false, "no checked location had an acknowledged report");
    return new Verification(true, $"{ok} of {checkedCount} locations read back hold on_hand/reserved/quarantined/lots exactly as their last acknowledged report " +
                                  $"({workload.Items} items each)" + (skipped > 0 ? $"; {skipped} never acked, skipped" : ""));
}

static string? Difference(Workload workload, LocationStock stock, int round, int variant)
{
    if (stock.Lines.Count != workload.Items) return $"{stock.Lines.Count} stock lines, expected {workload.Items}";
    foreach (var line in stock.Lines)
    {
        if (!workload.ItemIndex.TryGetValue(line.ItemId, out var j)) return $"unexpected item {line.ItemId}";
        var onHand = Workload.OnHand(round, variant, j);
        var lotCount = j % 3;
        var lotTotal = lotCount switch { 1 => 20, 2 => 50, _ => 0 };
        if (line.OnHand != onHand || line.Reserved != Workload.Reserved(onHand, j) || line.Quarantined != Workload.Quarantined(j)
            || line.Lots.Count != lotCount || line.Lots.Sum(l => l.Quantity) != lotTotal)
        {
            return $"{line.ItemId}: on_hand {line.OnHand} reserved {line.Reserved} quarantined {line.Quarantined} lots {line.Lots.Count}, " +
                   $"expected {onHand}/{Workload.Reserved(onHand, j)}/{Workload.Quarantined(j)}/{lotCount} (round {round})";
        }
    }
    return null;
}

static double Rate(double count, double seconds) => seconds > 0 ? count / seconds : 0;

static string Pct(double? cpuSeconds, double seconds) => cpuSeconds is { } c && seconds > 0 ? $"{100 * c / seconds:0}%" : "-";

static string Mb(long? kb) => kb is { } k ? $"{k / 1024.0:N0} MB" : "-";

static string MbBytes(long bytes) => $"{bytes / 1024.0 / 1024.0:N1} MB";

static string LoadAverage()
{
    try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "-"; }
}

internal sealed record Verification(bool Ok, string Text);

/// <summary>One sample of the counters the figures are computed from.</summary>
internal sealed record Sample(
    DateTime At, double? ServerCpu, double ClientCpu, ProcStats.MachineCpu? Machine, long? ServerWriteBytes,
    Dictionary<int, (string Name, double Seconds)>? ServerThreads)
{
    public static Sample Take(int? serverPid, bool threads)
    {
        using var self = Process.GetCurrentProcess();
        return new(
            DateTime.UtcNow,
            serverPid is { } p ? ProcStats.CpuSeconds(p) : null,
            self.TotalProcessorTime.TotalSeconds,
            ProcStats.Machine(),
            serverPid is { } q ? ProcStats.IoWriteBytes(q) : null,
            threads && serverPid is { } r ? ProcStats.Threads(r) : null);
    }
}
