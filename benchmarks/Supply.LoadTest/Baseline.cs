using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Supply.Contracts.V1;

namespace Supply.LoadTest;

/// <summary>Acknowledged stock lines over a run: the overall rate and the rate after warm-up.</summary>
public sealed record RunFigures(long Lines, double WallSeconds, (double Rate, double From)? Steady)
{
    public double Rate => WallSeconds > 0 ? Lines / WallSeconds : 0;

    public static RunFigures Of(IReadOnlyList<LoadRunner.StreamResult> results, List<(double Seconds, long Lines)> samples)
    {
        var lines = results.Sum(r => r.Lines);
        var wall = results.Select(r => r.LastAck).DefaultIfEmpty().Max().TotalSeconds;
        return new RunFigures(lines, wall, SteadyState(samples, wall, lines));
    }

    /// <summary>
    /// The rate from the first sample at or after 5 s (or a fifth of the run) to the end: excludes grain activation, JIT and
    /// connection set-up.
    /// </summary>
    public static (double Rate, double From)? SteadyState(List<(double Seconds, long Lines)> samples, double wall, long lines)
    {
        if (wall < 10) return null;
        var from = Math.Max(5, wall / 5);
        (double Seconds, long Lines) start;
        lock (samples) start = samples.FirstOrDefault(s => s.Seconds >= from);
        if (start.Seconds <= 0 || start.Seconds >= wall - 1) return null;
        return ((lines - start.Lines) / (wall - start.Seconds), start.Seconds);
    }
}

/// <summary>
/// Issue 18's yardstick, in the same run: the same workload (locations, items, streams, window, rounds or duration)
/// against benchmarks/Supply.BareGrpc, a server that only parses each report and acknowledges it, started after the real
/// server has been stopped so the two never share the CPU. Prints its rate and the real server's as a share of it.
/// </summary>
public static class Baseline
{
    public static async Task<(RunFigures? Figures, string? Error)> RunAsync(Workload workload, Options options, Metadata? headers,
        Action<ServerProcess?> track, CancellationToken stop)
    {
        var dll = ServerProcess.LocateBareDll(options.BareDll);
        await using var bare = await ServerProcess.StartBareAsync(dll, options.ServerEnvironment, TimeSpan.FromSeconds(60), stop);
        track(bare);
        Console.WriteLine();
        Console.WriteLine($"-- bare-gRPC baseline: {dll}");
        Console.WriteLine($"                pid {bare.Pid}, {bare.Url}; the same workload, {options.Streams} streams x window {options.Window}");
        var channels = LoadChannels.Open(bare.Url, options.Streams);
        try
        {
            var runner = new LoadRunner(workload, channels.Select(c => new StockReporting.StockReportingClient(c)).ToArray(), headers, options);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(stop);
            stopSending.CancelAfter(TimeSpan.FromSeconds(options.MaxSeconds));
            var samples = new List<(double Seconds, long Lines)> { (0, 0) };
            using var samplerStop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                try
                {
                    while (await timer.WaitForNextTickAsync(samplerStop.Token))
                        lock (samples) samples.Add((runner.Elapsed.TotalSeconds, runner.AckedLines));
                }
                catch (OperationCanceledException) { }
            });
            var cpu = Stopwatch.StartNew();
            var serverCpu0 = ProcStats.CpuSeconds(bare.Pid);
            var results = await runner.RunAsync(stopSending.Token, drain: TimeSpan.FromSeconds(30));
            var serverCpu = ProcStats.CpuSeconds(bare.Pid) - serverCpu0;
            await samplerStop.CancelAsync();
            await sampler;
            var figures = RunFigures.Of(results, samples);
            Console.WriteLine($"bare: acked {results.Sum(r => r.Acked):N0} reports, {figures.Lines:N0} lines in {figures.WallSeconds:0.00} s" +
                              (serverCpu is > 0 ? $"; its server CPU {serverCpu.Value / cpu.Elapsed.TotalSeconds * 100:0}%" : ""));
            var error = results.Select(r => r.Error).FirstOrDefault(e => e is not null)
                        ?? (results.Sum(r => r.Rejected + r.Mismatched) > 0 ? "the bare server rejected or misordered acks" : null);
            return (figures, error);
        }
        finally
        {
            foreach (var c in channels) c.Dispose();
            track(null);
        }
    }

    public static void Print(RunFigures real, RunFigures? bare, string? error)
    {
        Console.WriteLine();
        Console.WriteLine("== Bare-gRPC baseline (benchmarks/Supply.BareGrpc: parse each report, ack it; nothing else)");
        if (bare is null || error is not null)
        {
            Console.WriteLine($"ERROR                 : {error ?? "no figures"}");
            if (bare is null) return;
        }
        Console.WriteLine($"BARE LINES/S ACKED    : {bare.Rate:N0}" + (bare.Steady is { } bs ? $"   (after warm-up {bs.Rate:N0}, from {bs.From:0} s)" : ""));
        Console.WriteLine($"REAL SERVER LINES/S   : {real.Rate:N0}" + (real.Steady is { } rs ? $"   (after warm-up {rs.Rate:N0}, from {rs.From:0} s)" : ""));
        var ratio = bare.Rate > 0 ? real.Rate / bare.Rate : double.NaN;
        var steadyRatio = real.Steady is { } r && bare.Steady is { } b && b.Rate > 0 ? r.Rate / b.Rate : (double?)null;
        Console.WriteLine($"REAL / BARE           : {ratio:P1}" + (steadyRatio is { } s ? $"   (after warm-up {s:P1})" : "") + "   (bar for issue 18: at least 20 %)");
    }
}

/// <summary>One channel (HTTP/2 connection) per stream, as separate senders would have.</summary>
public static class LoadChannels
{
    public static GrpcChannel[] Open(string url, int streams) =>
        Enumerable.Range(0, streams).Select(_ => GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 256 << 20,
            MaxSendMessageSize = 256 << 20,
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        })).ToArray();
}
