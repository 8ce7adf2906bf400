using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using Supply.Contracts.V1;
using Supply.CoverageBench;
using Supply.LoadTest;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions o;
try
{
    o = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}
if (o.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
ServerProcess? server = null;
PostgresProcess? postgres = null;
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true; // first Ctrl+C: stop, clean up (server, PostgreSQL, directories)
        Console.Error.WriteLine("\nCtrl+C: stopping (press again to kill at once)...");
        stop.Cancel();
    }
    else
    {
        server?.KillNow();
        postgres?.KillNow();
    }
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => { server?.KillNow(); postgres?.KillNow(); };
AppDomain.CurrentDomain.UnhandledException += (_, _) => { server?.KillNow(); postgres?.KillNow(); };

try
{
    return await RunAsync();
}
catch (Exception e) when (e is OperationCanceledException && stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped.");
    return 130;
}
catch (BaselineRefusedException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: {e}");
    if (server is not null) Console.Error.WriteLine($"--- server output (last lines) ---\n{server.LogTail(40)}");
    return 1;
}
finally
{
    if (postgres is not null) await postgres.DisposeAsync();
    if (server is not null) await server.DisposeAsync();
}

async Task<int> RunAsync()
{
    var ct = stop.Token;
    Console.WriteLine("== Supply.CoverageBench (issue 4)");
    HistoryMemory.Print(); // issue 15: what the consumption history costs per stock line
    StateMemory.Print(); // issue 18: where a stock line's memory goes
    if (o.MemoryOnly) return 0;
    Console.WriteLine($"configuration : {o.Locations:N0} locations x {o.Items:N0} items = {(long)o.Locations * o.Items:N0} stock lines; " +
                      $"{o.Streams} streams x window {o.Window}");
#if DEBUG
    Console.WriteLine("WARNING       : a Debug build of the benchmark; run it with -c Release (the server is always a Release build).");
#endif
    Console.WriteLine($"machine       : {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Show.LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

    var auth = Auth.ForStartedServer();
    var dll = ServerProcess.LocateDll(o.ServerDll);
    var workload = new Workload(o.Locations, o.Items, DateTimeOffset.UtcNow);
    // --baseline-dll / --ingest-only / --ingest-repeats: the load phase against each server in turn; the last run of this build's server
    // is kept for the phases below unless --ingest-only.
    var loaded = o.BaselineDll is not null || o.IngestOnly || o.IngestRepeats > 1
        ? await new IngestComparison(o, auth, workload, s => server = s).RunAsync(dll, keepLast: !o.IngestOnly, ct)
        : await LoadPhase.StartAndLoadAsync(dll, baseline: false, o, auth, workload, s => server = s, ct);
    if (loaded is null) return 0;
    await using var _ = loaded;
    server = loaded.Server;
    var channels = loaded.Channels;
    var converged = loaded.Load.National;
    var expected = loaded.Load.Expected;
    var query = new Supply.Contracts.V1.Coverage.CoverageClient(channels[0]);
    var national = new GetCoverageRequest { Level = CoverageLevel.Nation };
    CpuWindow cpu;

    // Each figure is measured on a quiet server, not in the aftermath of the phase before (aggregate state writes after a
    // load, collections after the scenarios): wait until the server uses under 20% of a core over 2 s (at most 180 s).
    async Task SettleAsync(string after)
    {
        var settling = Stopwatch.StartNew();
        while (settling.Elapsed < TimeSpan.FromSeconds(180))
        {
            var before = ProcStats.CpuSeconds(server.Pid) ?? 0;
            await Task.Delay(2000, ct);
            if ((ProcStats.CpuSeconds(server.Pid) ?? 0) - before < 0.4) break; // under 20% of one core
        }
        Console.WriteLine($"settled       : server quiet (< 20% of a core over 2 s) {settling.Elapsed.TotalSeconds:0} s {after}");
    }

    // ---- settle: the aggregates store their (large) states one at a time after a load; measure the steady state ----
    await SettleAsync("after the load");

    // ---- national coverage ----
    // Warm-up calls first, for a few seconds, reported but not counted (as for the scenario and PostgreSQL): during the
    // first second or two of a new call path the server's tiered JIT recompiles its hot framework code on a background
    // thread, and memory given back while idle is slow to touch again on this VM (~25 µs a page).
    // A call that gets no answer in a minute is a stall (seen twice in ~20 runs, right after an idle spell): before
    // giving up, ask the same on a new connection, which tells a stuck server from a stuck connection.
    using var httpTrace = new HttpTrace();
    using var stallWatch = new StallWatch(server.Pid);
    async Task<GetCoverageResponse> NationalCoverage()
    {
        stallWatch.Begin();
        try
        {
            return await query.GetCoverageAsync(national, auth.Reader, DateTime.UtcNow.AddMinutes(1), ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            using var fresh = LoadPhase.NewChannel(server.Url);
            var probing = Stopwatch.StartNew();
            try
            {
                var reply = await new Supply.Contracts.V1.Coverage.CoverageClient(fresh)
                    .GetCoverageAsync(national, auth.Reader, DateTime.UtcNow.AddSeconds(30), ct);
                Console.WriteLine($"stall         : no answer in 60 s; the same call on a new connection answered in {probing.Elapsed.TotalMilliseconds:N0} ms " +
                                  $"({reply.Rows.Count:N0} rows): the old connection was stuck, not the server");
                if (httpTrace.IsOn) httpTrace.Print(150);
                else Console.WriteLine("  (the client's HTTP/2 events are recorded only around the first call after the load, which answered; see the dumps)");
            }
            catch (RpcException again)
            {
                Console.WriteLine($"stall         : no answer in 60 s, nor on a new connection ({again.StatusCode} after {probing.Elapsed.TotalSeconds:0} s): the server was stuck");
            }
            throw;
        }
        finally
        {
            stallWatch.End();
        }
    }

    // The first call after the load is where a stall was seen: the client's HTTP/2 events are kept around it (HttpTrace).
    httpTrace.Start();
    await NationalCoverage();
    httpTrace.Stop();

    var warmMs = new List<double>();
    var warmingUp = Stopwatch.StartNew();
    while (warmingUp.Elapsed.TotalSeconds < o.CoverageWarmupSeconds)
    {
        var clock = Stopwatch.StartNew();
        await NationalCoverage();
        warmMs.Add(clock.Elapsed.TotalMilliseconds);
    }
    if (warmMs.Count > 0) Console.WriteLine($"  coverage warm-up (not counted): {Stats.Of(warmMs)}");
    cpu = new CpuWindow(server.Pid);
    var coverageMs = new List<double>();
    var coverageMonitorMs = new List<double>();
    var startedAt = new List<DateTime>();
    var bytes = 0;
    for (var k = 0; k < o.CoverageCalls; k++)
    {
        startedAt.Add(DateTime.UtcNow);
        var monitor = KernelMonitor.CpuMs();
        var clock = Stopwatch.StartNew();
        var reply = await NationalCoverage();
        coverageMs.Add(clock.Elapsed.TotalMilliseconds);
        coverageMonitorMs.Add(KernelMonitor.CpuMs() - monitor);
        bytes = reply.CalculateSize();
        if (reply.Rows.Count != o.Items) throw new InvalidOperationException($"GetCoverage returned {reply.Rows.Count} rows, expected {o.Items}");
    }
    var coverage = Stats.Of(coverageMs);
    Console.WriteLine($"GetCoverage   : nation, all items ({o.Items:N0} rows, {bytes / 1024.0:N0} KB): {coverage} (bar: p99 < 20 ms) {Bar(coverage.P99 < 20)} {cpu}");
    if (KernelMonitor.Without(coverageMs, coverageMonitorMs) is { } withoutMonitor) Console.WriteLine("                " + withoutMonitor);
    // Where the tail sits (call number and wall-clock start, to set beside a trace of the server).
    Console.WriteLine("  slowest calls : " + string.Join(", ", Enumerable.Range(0, coverageMs.Count).OrderByDescending(k => coverageMs[k]).Take(5)
        .Select(k => $"#{k + 1} {coverageMs[k]:0.0} ms at {startedAt[k]:HH:mm:ss.fff}")));

    // One untimed call (a new call path), then `count` timed ones; with `monitorMs`, what the kernel's memory monitor ran during each.
    async Task<List<double>> TimedCalls(int count, Func<Task> call, List<double>? monitorMs = null)
    {
        var ms = new List<double>();
        stallWatch.Begin();
        await call();
        for (var k = 0; k < count; k++)
        {
            var monitor = monitorMs is null ? 0 : KernelMonitor.CpuMs();
            var clock = Stopwatch.StartNew();
            stallWatch.Begin();
            await call();
            ms.Add(clock.Elapsed.TotalMilliseconds);
            monitorMs?.Add(KernelMonitor.CpuMs() - monitor);
        }
        stallWatch.End();
        return ms;
    }

    // ---- shortfalls: the worst 100 national item figures (a threshold every item is under, so the ranking is the work) ----
    var shortfallRequest = new ListShortfallsRequest { Level = CoverageLevel.Nation, ThresholdDays = 1_000_000, Limit = 100 };
    cpu = new CpuWindow(server.Pid);
    var shortfallMs = await TimedCalls(o.ShortfallCalls, async () =>
    {
        var reply = await query.ListShortfallsAsync(shortfallRequest, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct);
        if (reply.Shortfalls.Count != Math.Min(100, o.Items))
            throw new InvalidOperationException($"ListShortfalls returned {reply.Shortfalls.Count} rows, expected {Math.Min(100, o.Items)}");
    });
    Console.WriteLine($"ListShortfalls: nation, worst 100 items: {Stats.Of(shortfallMs)} {cpu}");

    // ---- projections (issue 15): national, all items; the first call walks every row, later ones reuse it until the nation changes ----
    var projectionRequest = new ListProjectionsRequest { Level = CoverageLevel.Nation, Limit = 10_000 };
    var coverageClient = query;
    cpu = new CpuWindow(server.Pid);
    var computing = Stopwatch.StartNew();
    var projected = await coverageClient.ListProjectionsAsync(projectionRequest, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct);
    var computedMs = computing.Elapsed.TotalMilliseconds;
    if (projected.Projections.Count != o.Items)
        throw new InvalidOperationException($"ListProjections returned {projected.Projections.Count} rows, expected {o.Items}");
    // The benchmark parses every reply (2,000 messages of messages), and its own collections pause it mid-call: timed
    // beside the calls, so the figure without them (the server's and the wire's part) can be read too.
    var projectionNetMs = new List<double>();
    var projectionMonitorMs = new List<double>();
    var projectionMs = await TimedCalls(o.CoverageCalls, async () =>
    {
        var (clock, paused) = (Stopwatch.StartNew(), GC.GetTotalPauseDuration());
        await coverageClient.ListProjectionsAsync(projectionRequest, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct);
        projectionNetMs.Add((clock.Elapsed - (GC.GetTotalPauseDuration() - paused)).TotalMilliseconds);
    }, projectionMonitorMs);
    var projection = Stats.Of(projectionMs);
    var projectionNet = Stats.Of(projectionNetMs.Skip(1).ToList()); // the first is TimedCalls' untimed call
    Console.WriteLine($"ListProjections: nation, all items ({o.Items:N0} rows): first call (walks every row) {computedMs:N0} ms; then {projection} " +
                      $"(bar: p99 < 20 ms) {Bar(projection.P99 < 20)} {cpu}");
    Console.WriteLine($"                 the same calls less the benchmark's own GC pauses during each: p50 {projectionNet.P50:0.0} ms, p99 {projectionNet.P99:0.0} ms, " +
                      $"max {projectionNet.Max:0.0} ms");
    if (KernelMonitor.Without(projectionMs, projectionMonitorMs) is { } projectionWithoutMonitor) Console.WriteLine("                 " + projectionWithoutMonitor);
    // The calls above use the channel that carried a report stream during the load (the one a stall was seen on): the same
    // calls on a new connection tell a worn connection from the server.
    using (var freshChannel = LoadPhase.NewChannel(server.Url))
    {
        var fresh = new Supply.Contracts.V1.Coverage.CoverageClient(freshChannel);
        var freshMs = await TimedCalls(o.CoverageCalls, async () =>
            await fresh.ListProjectionsAsync(projectionRequest, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct));
        Console.WriteLine($"                 the same calls on a new connection: {Stats.Of(freshMs)}");
    }
    // Where a call's time goes: the server and the wire (the reply left unparsed), and the client parsing the reply.
    var parts = await ReplyParts.MeasureAsync(channels[0].CreateCallInvoker(), projectionRequest, auth.Reader, o.CoverageCalls, ct);
    Console.WriteLine($"                 its parts ({parts.ReplyBytes / 1024.0:N0} KB reply): server and wire (reply not parsed) {Stats.Of(parts.UnparsedMs)}");
    Console.WriteLine($"                 the client parsing the reply: {Stats.Of(parts.ParseMs)}");
    // Not reused: a query not asked before (here a new horizon each time) walks every row, as after any change to the nation.
    var walkMs = new List<double>();
    for (var k = 0; k < Math.Min(20, o.ShortfallCalls * 2); k++)
    {
        var clock = Stopwatch.StartNew();
        await coverageClient.ListProjectionsAsync(new ListProjectionsRequest { Level = CoverageLevel.Nation, Limit = 10_000, HorizonDays = 700 + k },
            auth.Reader, DateTime.UtcNow.AddMinutes(2), ct); // a new horizon is a new query: computed, not reused
        walkMs.Add(clock.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"ListProjections: nation, all items, computed each call (new horizon): {Stats.Of(walkMs)}");

    // ---- location level: one region's locations for one item (rolled up from the cells of that region and item only) ----
    var localRequest = new GetCoverageRequest { Level = CoverageLevel.Location, ItemId = workload.ItemIds[0], RegionCodes = { "01" } };
    var localRows = 0;
    cpu = new CpuWindow(server.Pid);
    var localMs = await TimedCalls(o.ShortfallCalls, async () =>
        localRows = (await query.GetCoverageAsync(localRequest, auth.Reader, DateTime.UtcNow.AddMinutes(2), ct)).Rows.Count);
    if (localRows == 0) throw new InvalidOperationException("GetCoverage at location level for region 01 returned no rows");
    Console.WriteLine($"GetCoverage   : locations of region 01, one item ({localRows:N0} rows): {Stats.Of(localMs)} {cpu}");

    // ---- scenario ----
    var document = ScenarioDocument(workload, o.ScenarioItems, o.HorizonDays);
    var scenarios = new Scenarios.ScenariosClient(channels[0]);
    var scenarioMs = new List<double>();
    // One untimed run first (as for PostgreSQL's query): JIT tiering of the engine and the first activation costs.
    var warming = Stopwatch.StartNew();
    await scenarios.RunScenarioAsync(new RunScenarioRequest { Document = document }, auth.Reader, DateTime.UtcNow.AddMinutes(10), ct);
    Console.WriteLine($"  scenario warm-up run (not counted): {warming.Elapsed.TotalMilliseconds:N0} ms");
    cpu = new CpuWindow(server.Pid);
    Supply.Contracts.V1.ScenarioResult? last = null;
    for (var k = 0; k < o.ScenarioRuns; k++)
    {
        var clock = Stopwatch.StartNew();
        last = await scenarios.RunScenarioAsync(new RunScenarioRequest { Document = document }, auth.Reader, DateTime.UtcNow.AddMinutes(10), ct);
        scenarioMs.Add(clock.Elapsed.TotalMilliseconds);
        Console.WriteLine($"  scenario run {k + 1}: {scenarioMs[^1]:N0} ms");
    }
    var scenario = Stats.Of(scenarioMs);
    Console.WriteLine($"RunScenario   : 21 regions, {o.ScenarioItems} items, {o.HorizonDays} days: median {scenario.P50:N0} ms, max {scenario.Max:N0} ms (n = {scenario.Count}) " +
                      $"(bar: < 1 s) {Bar(scenario.P50 < 1000)} {cpu}");
    Console.WriteLine($"                result: {last!.Lines.Count:N0} lines, {last.Transfers.Count:N0} transfers; demand {last.Totals.Demand:N0}, met {last.Totals.Met:N0} " +
                      $"(own {last.Totals.MetBy.OwnRegion:N0}, same healthcare region {last.Totals.MetBy.SameHealthcareRegion:N0}, other regions {last.Totals.MetBy.OtherRegions:N0}), " +
                      $"shortfall {last.Totals.Shortfall:N0}");

    // ---- propagation lag: acknowledged report -> national figure ----
    // The scenarios leave hundreds of MB of garbage behind; let the server collect it first, as after the load.
    await SettleAsync("after the scenarios");
    var reporting = new StockReporting.StockReportingClient(channels[0]);
    var random = new Random(4242);
    var changed = new Dictionary<(int, int), long>();
    var lagMs = new List<double>();
    cpu = new CpuWindow(server.Pid);
    var timeouts = 0;
    for (var k = 0; k < o.LagSamples; k++)
    {
        var i = random.Next(o.Locations);
        var j = random.Next(o.Items);
        var old = changed.TryGetValue((i, j), out var c) ? c : LoadPhase.Available(0, Workload.VariantOf(i), j);
        var now = 50_000L + k;
        changed[(i, j)] = now;
        expected[j] += now - old;
        var report = new StockReport
        {
            ReportId = $"{workload.RunId}-lag-{k}",
            LocationId = workload.LocationIds[i],
            AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1)),
            Snapshot = new Snapshot { Lines = { new SnapshotLine { ItemId = workload.ItemIds[j], OnHand = now, AverageDailyConsumption = Workload.AverageDailyConsumption(j) } } },
        };
        var ack = await reporting.SubmitReportAsync(report, auth.Reporter, DateTime.UtcNow.AddSeconds(30), ct);
        if (ack.Outcome != ReportOutcome.Applied) throw new InvalidOperationException($"lag report {k}: {ack.Outcome}");
        var clock = Stopwatch.StartNew();
        var one = new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = workload.ItemIds[j] };
        while (true)
        {
            var reply = await query.GetCoverageAsync(one, auth.Reader, DateTime.UtcNow.AddSeconds(30), ct);
            if (reply.Rows.Count == 1 && reply.Rows[0].Usable == expected[j]) { lagMs.Add(clock.Elapsed.TotalMilliseconds); break; }
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) { timeouts++; lagMs.Add(clock.Elapsed.TotalMilliseconds); break; }
            await Task.Delay(5, ct);
        }
    }
    Stats? lag = lagMs.Count > 0 ? Stats.Of(lagMs) : null;
    if (lag is not null)
        Console.WriteLine($"propagation   : ack -> national coverage shows it: {lag}{(timeouts > 0 ? $", {timeouts} not seen within 30 s" : "")} " +
                          $"(bar: p99 < 2 s) {Bar(lag.P99 < 2000 && timeouts == 0)} {cpu}");
    Console.WriteLine($"server memory : RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))}, peak {Show.Mb(ProcStats.StatusKb(server.Pid, "VmHWM"))}");

    // ---- memory once the locations are idle: their grains are deactivated, the aggregates hold what reads need ----
    if (o.IdleSeconds > 0)
    {
        Console.WriteLine($"-- idle: no calls for {o.IdleSeconds:0} s (idle location grains are deactivated after Supply:Silo:LocationIdleMinutes)");
        var idle = Stopwatch.StartNew();
        // Stops within half a second of the end: a last wait of under a millisecond returns at once and would print again and again.
        for (var left = o.IdleSeconds; left > 0.5; left = o.IdleSeconds - idle.Elapsed.TotalSeconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, left)), ct);
            Console.WriteLine($"  [{idle.Elapsed.TotalSeconds,5:0} s] server RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))}");
        }
        var rss = ProcStats.StatusKb(server.Pid, "VmRSS") ?? 0;
        var totalLines = (long)o.Locations * o.Items;
        Console.WriteLine($"idle memory   : RSS {Show.Mb(rss)} holding {totalLines:N0} stock lines = {rss * 1024.0 / totalLines:N0} B per line " +
                          $"(bar: <= 400 B) {Bar(rss * 1024.0 / totalLines <= 400)}; peak {Show.Mb(ProcStats.StatusKb(server.Pid, "VmHWM"))}");
        // The national figures still answer, from the aggregates, with no location grain active.
        var after = await NationalCoverage();
        Console.WriteLine($"                national coverage after the idle spell: {after.Rows.Count:N0} rows; server RSS {Show.Mb(ProcStats.StatusKb(server.Pid, "VmRSS"))}");
    }

    // ---- PostgreSQL baseline: the same rows (as loaded, before the lag reports), COPY, GROUP BY ----
    if (o.Postgres) await PostgresBaselineAsync(workload, converged, coverage, ct);
    return 0;
}

async Task PostgresBaselineAsync(Workload workload, GetCoverageResponse server, Stats coverage, CancellationToken ct)
{
    Console.WriteLine("-- PostgreSQL baseline");
    var starting = Stopwatch.StartNew();
    postgres = await PostgresProcess.StartAsync(ct);
    Console.WriteLine($"postgres      : 15 on 127.0.0.1:{postgres.Port}, pid {postgres.Pid}, {postgres.Directory}, ready in {starting.Elapsed.TotalSeconds:0.0} s; " +
                      string.Join(", ", postgres.Settings));
    await using var conn = new NpgsqlConnection(postgres.ConnectionString);
    await conn.OpenAsync(ct);
    await Exec(conn, """
        CREATE TABLE stock (
          location_id text NOT NULL, region text NOT NULL, item_id text NOT NULL,
          on_hand bigint NOT NULL, reserved bigint NOT NULL, quarantined bigint NOT NULL, daily_consumption double precision NOT NULL)
        """, ct);

    var copying = Stopwatch.StartNew();
    await using (var writer = await conn.BeginBinaryImportAsync(
        "COPY stock (location_id, region, item_id, on_hand, reserved, quarantined, daily_consumption) FROM STDIN (FORMAT BINARY)", ct))
    {
        for (var i = 0; i < workload.LocationIds.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            var region = Workload.RegionCodes[i % Workload.RegionCodes.Length];
            var variant = Workload.VariantOf(i);
            for (var j = 0; j < workload.Items; j++)
            {
                var onHand = Workload.OnHand(0, variant, j);
                // Synchronous writes: the async ones cost a state machine per field for 28 million fields.
                writer.StartRow();
                writer.Write(workload.LocationIds[i], NpgsqlDbType.Text);
                writer.Write(region, NpgsqlDbType.Text);
                writer.Write(workload.ItemIds[j], NpgsqlDbType.Text);
                writer.Write(onHand, NpgsqlDbType.Bigint);
                writer.Write(Workload.Reserved(onHand, j), NpgsqlDbType.Bigint);
                writer.Write(Workload.Quarantined(j), NpgsqlDbType.Bigint);
                writer.Write(Workload.AverageDailyConsumption(j), NpgsqlDbType.Double);
            }
        }
        await writer.CompleteAsync(ct);
    }
    var copySeconds = copying.Elapsed.TotalSeconds;
    var analyzing = Stopwatch.StartNew();
    await Exec(conn, "VACUUM ANALYZE stock", ct);
    var rows = (long)workload.LocationIds.Length * workload.Items;
    Console.WriteLine($"COPY          : {rows:N0} rows in {copySeconds:0.0} s ({rows / copySeconds:N0} rows/s), then VACUUM ANALYZE {analyzing.Elapsed.TotalSeconds:0.0} s");

    const string sql = """
        SELECT item_id, sum(on_hand - reserved - quarantined)::bigint AS usable, sum(daily_consumption) AS daily, count(*) AS locations
        FROM stock GROUP BY item_id
        """;
    Dictionary<string, (long Usable, double Daily, long Locations)> totals = [];
    var ms = new List<double>();
    for (var k = 0; k <= o.PostgresRuns; k++) // the first run warms the cache and is not counted
    {
        var clock = Stopwatch.StartNew();
        totals = [];
        await using (var cmd = new NpgsqlCommand(sql, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) totals[reader.GetString(0)] = (reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3));
        }
        if (k > 0) ms.Add(clock.Elapsed.TotalMilliseconds);
    }
    var pg = Stats.Of(ms);
    Console.WriteLine($"GROUP BY item : {totals.Count:N0} rows: {pg}");

    // The same national totals? A sample of items spread over the catalog, against the server's converged figures.
    var sample = Enumerable.Range(0, 50).Select(k => k * workload.Items / 50).Distinct().Select(j => workload.ItemIds[j]).ToList();
    var byKey = server.Rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
    var mismatches = sample.Where(id => !totals.TryGetValue(id, out var t) || !byKey.TryGetValue(id, out var r)
        || t.Usable != r.Usable || t.Locations != r.Locations || Math.Abs(t.Daily - r.DailyConsumption) > 1e-6 * Math.Max(1, t.Daily)).ToList();
    Console.WriteLine($"same totals   : {(mismatches.Count == 0 ? "OK" : "MISMATCH")} ({sample.Count} items compared: usable, daily consumption, locations)" +
                      (mismatches.Count > 0 ? $"; differ: {string.Join(", ", mismatches.Take(5))}" : ""));
    Console.WriteLine();
    Console.WriteLine("                      p50 ms     p99 ms     max ms");
    Console.WriteLine($"Supply GetCoverage  {coverage.P50,9:N1}  {coverage.P99,9:N1}  {coverage.Max,9:N1}   (nation, all items, over gRPC)");
    Console.WriteLine($"PostgreSQL GROUP BY {pg.P50,9:N1}  {pg.P99,9:N1}  {pg.Max,9:N1}   (the same national totals, {rows:N0} rows)");
    Console.WriteLine($"ratio PostgreSQL / Supply: p50 {pg.P50 / coverage.P50:N1}x, p99 {pg.P99 / coverage.P99:N1}x");
}

static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
{
    await using var cmd = new NpgsqlCommand(sql, conn);
    await cmd.ExecuteNonQueryAsync(ct);
}

// A nation-wide mass-casualty scenario (JSON scenario file, docs/scenarios): casualties in all 21 regions, region 01
// hit hard enough that its own stock runs out and the other tiers are used; one inline profile using the first N items.
static string ScenarioDocument(Workload workload, int items, int horizon)
{
    string[] categories = ["T1", "T2", "T3", "Burns"];
    var profile = categories.Select((name, c) => (name, uses: Enumerable.Range(0, items).Where(k => k % categories.Length == c)
            .Select(k => new Dictionary<string, object> { ["item"] = workload.ItemIds[k], ["per_casualty_per_day"] = 0.1 * (1 + k % 5) }).ToList()))
        .ToDictionary(x => x.name, x => (object)x.uses);
    var regions = Workload.RegionCodes.Select((code, q) => new Dictionary<string, object>
    {
        ["region"] = code,
        ["casualties"] = code == "01"
            ? new Dictionary<string, int> { ["T1"] = 60_000, ["T2"] = 30_000, ["T3"] = 30_000, ["Burns"] = 10_000 }
            : new Dictionary<string, int> { ["T1"] = 50 + 10 * q, ["T2"] = 100, ["T3"] = 200, ["Burns"] = 20 },
        ["arrival_day"] = q % 3,
    }).ToList();
    return JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["id"] = "coverage-bench-nation",
        ["name"] = "Benchmark: nation-wide mass-casualty event",
        ["start"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["horizon_days"] = horizon,
        ["reserve_days"] = 3,
        ["profiles"] = new[] { new Dictionary<string, object> { ["id"] = "bench", ["name"] = $"{items} items", ["categories"] = profile } },
        ["regions"] = regions,
    });
}

static string Bar(bool met) => met ? "MET" : "NOT MET";


