using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;
using Options = Supply.LoadTest.Options;

namespace Supply.CoverageBench;

/// <summary>What one load measured: from the first report written to the national figures holding every location.</summary>
internal sealed record LoadResult(
    long Reports,
    long Lines,
    double LoadSeconds,
    double ConvergedSeconds,
    double ServerCpuSeconds,
    double OthersCpuPercent,
    long? PeakRssKb,
    GetCoverageResponse National,
    long[] Expected)
{
    public double LinesPerSecond => Lines / LoadSeconds;
    /// <summary>Server CPU per acknowledged line, load and convergence together: what other load on the machine moves least.</summary>
    public double ServerMicrosPerLine => ServerCpuSeconds * 1e6 / Lines;
}

/// <summary>A started server and the benchmark's channels to it, after the load: later phases read from it.</summary>
internal sealed class LoadedServer(ServerProcess server, GrpcChannel[] channels, LoadResult load) : IAsyncDisposable
{
    public ServerProcess Server { get; } = server;
    public GrpcChannel[] Channels { get; } = channels;
    public LoadResult Load { get; } = load;

    /// <summary>Closes the channels, stops the server and removes its directory (unless --keep).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var c in Channels) c.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// The load phase, used by the full benchmark and by the ingest comparison alike: start a server, register the
/// workload's locations and items, stream one snapshot of every item per location, wait until the national figures
/// hold every location's report. Only RPCs every Supply.Server since issue 4 has are used (RegisterItems,
/// RegisterLocations, StreamReports, GetCoverage, grpc.health), so an older server can be measured the same way.
/// </summary>
internal static class LoadPhase
{
    public static GrpcChannel NewChannel(string url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 256 << 20,
        MaxSendMessageSize = 256 << 20,
        // The stream window as docs/connections.md advises (a lost response in Kestrel, dotnet/aspnetcore#53736).
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan, InitialHttp2StreamWindowSize = 16 << 20,
        },
    });

    /// <param name="started">Told the server as soon as it runs, so Ctrl+C and failures can stop it.</param>
    /// <param name="baseline">An older server (--baseline-dll): a refused start says so.</param>
    public static async Task<LoadedServer> StartAndLoadAsync(string dll, bool baseline, BenchOptions o, Auth auth, Workload workload,
        Action<ServerProcess> started, CancellationToken ct)
    {
        ServerProcess server;
        try
        {
            server = await ServerProcess.StartAsync(dll, durable: true, o.ServerLogLevel, o.Keep, o.ServerEnvironment, auth.ServerArgs, TimeSpan.FromSeconds(90), ct);
        }
        catch (InvalidOperationException e) when (baseline)
        {
            throw new BaselineRefusedException(
                $"the baseline server {dll} did not start with the settings this benchmark gives every server " +
                "(Supply:Listen:Address/Port/AllowPlaintext, Supply:Http:Enabled, Supply:Storage:SqlitePath/DurableCommits, " +
                "Supply:Silo:SiloPort/GatewayPort, Supply:Auth:Jwt:SigningKeys/Issuer/Audience, Supply:Limits:CallsPerSecond/Burst, " +
                "Logging:LogLevel, and any --server-env): an older server refuses what it does not accept; its output below says what. " +
                "Nothing was compared.\n" + e.Message, e);
        }
        started(server);
        Console.WriteLine($"server        : pid {server.Pid}, {server.Url}, durable SQLite {server.DatabasePath}");
        var channels = Enumerable.Range(0, o.Streams).Select(_ => NewChannel(server.Url)).ToArray();
        try
        {
            var load = await LoadAsync(server, channels, o, auth, workload, ct);
            return new LoadedServer(server, channels, load);
        }
        catch
        {
            foreach (var c in channels) c.Dispose();
            throw; // the server is stopped by whoever was told of it
        }
    }

    private static async Task<LoadResult> LoadAsync(ServerProcess server, GrpcChannel[] channels, BenchOptions o, Auth auth, Workload workload,
        CancellationToken ct)
    {
        await WaitUntilServingAsync(channels[0], TimeSpan.FromSeconds(60), ct);
        var catalog = new Catalog.CatalogClient(channels[0]);
        foreach (var request in workload.ItemRequests()) await catalog.RegisterItemsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2), ct);
        foreach (var request in workload.LocationRequests()) await catalog.RegisterLocationsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2), ct);

        // ---- load: one snapshot of every item per location (round 0 of the load test's workload) ----
        Console.WriteLine("-- load");
        var loadOptions = Options.Parse(["--locations", $"{o.Locations}", "--items", $"{o.Items}", "--rounds", "1",
            "--streams", $"{o.Streams}", "--window", $"{o.Window}"]);
        var runner = new LoadRunner(workload, channels.Select(c => new StockReporting.StockReportingClient(c)).ToArray(), auth.Reporter, loadOptions);
        var loading = Stopwatch.StartNew();
        var cpu = new CpuWindow(server.Pid);
        var whole = new CpuWindow(server.Pid); // load and convergence: the work a report costs until it counts nationally
        using var progressStop = new CancellationTokenSource();
        var progress = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
            try
            {
                while (await timer.WaitForNextTickAsync(progressStop.Token))
                    Console.WriteLine($"  [{loading.Elapsed.TotalSeconds,5:0} s] {runner.AckedLines:N0} lines acknowledged; server RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))}");
            }
            catch (OperationCanceledException) { }
        });
        var results = await runner.RunAsync(ct, drain: TimeSpan.FromMinutes(5));
        var loadSeconds = loading.Elapsed.TotalSeconds;
        await progressStop.CancelAsync();
        await progress;
        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
        if (errors.Count > 0 || results.Sum(r => r.Rejected + r.Mismatched) > 0)
            throw new InvalidOperationException("loading failed: " + string.Join("; ", errors.Take(3)));
        var lines = results.Sum(r => r.Lines);
        var reports = results.Sum(r => r.Acked);
        Console.WriteLine($"loaded        : {reports:N0} reports, {lines:N0} stock lines acknowledged in {loadSeconds:0.0} s " +
                          $"({lines / loadSeconds:N0} lines/s); server RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))} {cpu}");

        // ---- convergence: the national figures hold every location's report ----
        // For this data set usable = on hand - reserved - quarantined: lots (20-50 units) sit within on hand, expire in 2027-28
        // and are consumed long before (1.5-7.5 a day), and withheld stock fits in the unlotted part.
        var expected = new long[o.Items];
        for (var i = 0; i < o.Locations; i++)
            for (var j = 0; j < o.Items; j++)
                expected[j] += Available(0, Workload.VariantOf(i), j);
        var query = new Coverage.CoverageClient(channels[0]);
        var national = new GetCoverageRequest { Level = CoverageLevel.Nation };
        var converging = Stopwatch.StartNew();
        GetCoverageResponse? converged = null;
        var lastProgress = TimeSpan.Zero;
        while (converged is null)
        {
            ct.ThrowIfCancellationRequested();
            var reply = await query.GetCoverageAsync(national, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct);
            var matching = reply.Rows.Count(r => workload.ItemIndex.TryGetValue(r.Key, out var j) && r.Locations == o.Locations && r.Usable == expected[j]);
            if (matching == o.Items) converged = reply;
            else
            {
                if (converging.Elapsed.TotalSeconds > o.ConvergeSeconds)
                    throw new TimeoutException($"the national figures did not converge within {o.ConvergeSeconds:0} s ({matching} of {o.Items} items right)");
                if (converging.Elapsed - lastProgress >= TimeSpan.FromSeconds(10))
                {
                    lastProgress = converging.Elapsed;
                    Console.WriteLine($"  [{converging.Elapsed.TotalSeconds,5:0} s] {matching:N0} of {o.Items:N0} national item figures hold every location");
                }
                await Task.Delay(250, ct); // a national call costs ~2 ms: polling this often barely loads the server
            }
        }
        var convergedSeconds = converging.Elapsed.TotalSeconds;
        var peak = ProcStats.StatusKb(server.Pid, "VmHWM");
        Console.WriteLine($"converged     : {convergedSeconds:0.0} s after the last ack; server RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))}, " +
                          $"peak {Show.Mb(peak)}");
        return new LoadResult(reports, lines, loadSeconds, convergedSeconds, whole.ServerSeconds, whole.OthersPercent, peak, converged, expected);
    }

    /// <summary>Usable units of one line of round <paramref name="round"/>'s snapshot (see the convergence comment).</summary>
    public static long Available(int round, int variant, int item)
    {
        var onHand = Workload.OnHand(round, variant, item);
        return onHand - Workload.Reserved(onHand, item) - Workload.Quarantined(item);
    }

    private static async Task WaitUntilServingAsync(GrpcChannel channel, TimeSpan timeout, CancellationToken ct)
    {
        var health = new Health.HealthClient(channel);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (RpcException) when (clock.Elapsed < timeout) { }
            if (clock.Elapsed >= timeout) throw new TimeoutException("the server did not report SERVING");
            await Task.Delay(200, ct);
        }
    }
}

/// <summary>The older server given with --baseline-dll would not start with the benchmark's settings.</summary>
internal sealed class BaselineRefusedException(string message, Exception inner) : Exception(message, inner);
