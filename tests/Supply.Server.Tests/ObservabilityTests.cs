using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Supply.Contracts.V1;
using Supply.Feeds;
using Supply.Server.Telemetry;
using Supply.Storage;
using Xunit.Abstractions;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>
/// The observability tests run alone (not beside other test classes): every server in the process shares the
/// global activity sources and meters, so other tests' calls would otherwise show up in these counters.
/// </summary>
[CollectionDefinition(nameof(ObservabilityCollection), DisableParallelization = true)]
public sealed class ObservabilityCollection;

/// <summary>One real server whose telemetry is captured in memory, with one (unreachable) supplier feed configured.</summary>
public sealed class ObservabilityFixture : IAsyncLifetime
{
    public const string Feed = "obs-feed";

    public ObservabilityCapture Capture { get; } = new();
    public SupplyServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SupplyServer.StartAsync(null,
    [
        .. Capture.Args,
        // On demand only, one attempt, at a port nothing listens on: a pull fails fast and is counted.
        $"--Supply:Feeds:{Feed}:Url=http://127.0.0.1:9/stock.csv",
        $"--Supply:Feeds:{Feed}:Format=medtech-csv",
        $"--Supply:Feeds:{Feed}:Location=se-01-sup-obs-feed",
        $"--Supply:Feeds:{Feed}:Interval=00:00:00",
        $"--Supply:Feeds:{Feed}:Retries=0",
        $"--Supply:Feeds:{Feed}:IdentityScheme=gtin",
        "--Supply:FeedScheduler:SchedulerEnabled=false",
    ]);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Capture.Dispose();
    }
}

[Collection(nameof(ObservabilityCollection))]
public sealed class ObservabilityTests(ObservabilityFixture fixture, ITestOutputHelper output) : IClassFixture<ObservabilityFixture>
{
    private const string SubmitPath = "/supply.v1.StockReporting/SubmitReport";

    private SupplyServer Server => fixture.Server;
    private ObservabilityCapture Capture => fixture.Capture;

    [Fact]
    public async Task One_SubmitReport_is_one_connected_trace_from_the_grpc_call_through_the_location_grain_to_storage()
    {
        var loc = (await RegisterAsync(Server, ("12", LocationKind.Hospital)))[0];
        var ack = await Server.Reporting.SubmitReportAsync(Snapshot(loc, "obs-trace", Now.AddHours(-1), Line(Paracetamol, 100), Line(Ffp2, 40)));
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);

        // The location grain's side of the call (this test's location is in its target id) names the trace.
        var grainCall = await Capture.WaitForSpanAsync(s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server
            && Tag(s, "orleans.rpc.target_id") == $"stocklocation/{loc}" && Tag(s, "rpc.method")?.EndsWith("IStockLocationGrain/Submit") == true,
            "for the location grain's Submit");
        var traceId = grainCall.TraceId;
        var http = await Capture.WaitForSpanAsync(s => s.TraceId == traceId && s.Source.Name == "Microsoft.AspNetCore", "for the gRPC call in the same trace");
        var write = await Capture.WaitForSpanAsync(s => s.TraceId == traceId && s.Source.Name == StorageTracing.ActivitySourceName
            && s.DisplayName == "sqlite write" && Tag(s, "orleans.grain.type") == "stocklocation", "for the location's storage write in the same trace");
        var trace = Capture.Spans.Where(s => s.TraceId == traceId).ToList();
        foreach (var s in trace)
            output.WriteLine($"{s.SpanId} <- {s.ParentSpanId} [{s.Source.Name}] {s.DisplayName} ({s.Kind})");

        // The gRPC server span is the call.
        Assert.Equal(ActivityKind.Server, http.Kind);
        Assert.Equal(SubmitPath, Tag(http, "url.path"));
        Assert.Equal("0", Tag(http, "grpc.status_code"));

        // gRPC span → the grain call (client side, then the grain's side) → Orleans' "write storage" → our provider's write.
        var grainClient = trace.Single(s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Client
            && Tag(s, "orleans.rpc.target_id") == $"stocklocation/{loc}");
        var orleansWrite = trace.Single(s => s.SpanId == write.ParentSpanId);
        Assert.True(IsAncestor(trace, http, grainClient), "the grain call is not inside the gRPC call");
        Assert.Equal(grainClient.SpanId, grainCall.ParentSpanId);
        Assert.Equal(("Microsoft.Orleans.Storage", "write storage"), (orleansWrite.Source.Name, orleansWrite.DisplayName));
        Assert.Equal($"stocklocation/{loc}", Tag(orleansWrite, "orleans.grain.id"));
        Assert.True(IsAncestor(trace, grainCall, orleansWrite), "the state write is not inside the grain call");

        // The grain's activation (its first call) and the state read belong to the same trace.
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.Orleans.Lifecycle" && s.DisplayName == "activate grain"
            && Tag(s, "orleans.grain.id") == $"stocklocation/{loc}");
        Assert.Contains(trace, s => s.Source.Name == StorageTracing.ActivitySourceName && s.DisplayName == "sqlite read"
            && Tag(s, "orleans.grain.type") == "stocklocation" && IsAncestor(trace, grainClient, s));

        // One connected trace: a single root, every other span's parent in the trace.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var root = Assert.Single(trace, s => !ids.Contains(s.ParentSpanId));
        Assert.True(root == http || IsAncestor(trace, root, http));
        Assert.DoesNotContain(Capture.Spans, s => s.TraceId != traceId && (Tag(s, "orleans.rpc.target_id") == $"stocklocation/{loc}"
            || Tag(s, "orleans.grain.id") == $"stocklocation/{loc}"));

        // Storage spans name the grain type and state, never the grain (a location id) or the state's contents.
        Assert.Equal("stocklocation", Tag(write, "orleans.grain.type"));
        Assert.Equal("stock", Tag(write, "orleans.storage.state.name"));
        Assert.Equal("sqlite", Tag(write, "db.system.name"));
        Assert.Equal("write", Tag(write, "db.operation.name"));
        Assert.True(write.GetTagItem("supply.storage.bytes") is long bytes && bytes > 0);
        Assert.Equal(ActivityStatusCode.Unset, write.Status);
        Assert.DoesNotContain(write.TagObjects, t => Convert.ToString(t.Value)?.Contains(loc) == true);
    }

    [Fact]
    public async Task Reports_lines_refusals_by_reason_and_ingest_latency_are_counted()
    {
        var loc = (await RegisterAsync(Server, ("01", LocationKind.RegionalWarehouse)))[0];
        var before = Capture.CollectMetrics();

        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "obs-m1", Now.AddHours(-2), Line(Paracetamol, 10), Line(Ffp2, 20), Line(Syringe, 30)));
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "obs-m1", Now.AddHours(-2), Line(Paracetamol, 10), Line(Ffp2, 20), Line(Syringe, 30)));
        // Older than the snapshot above: kept in the history, changes nothing current.
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "obs-m2", Now.AddHours(-3), Line(Paracetamol, 5)));
        await Assert.ThrowsAsync<RpcException>(() => Server.Reporting.SubmitReportAsync(
            Snapshot(loc, "obs-bad", Now.AddHours(-1), Line(Paracetamol, 10), Line(Ffp2, -4))).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => Server.Reporting.SubmitReportAsync(
            Snapshot("se-01-hosp-never-registered", "obs-unknown", Now.AddHours(-1), Line(Ffp2, 1))).ResponseAsync);

        var after = Capture.CollectMetrics();
        double Delta(string name, params (string Key, string Value)[] tags) => Sum(after, name, tags) - Sum(before, name, tags);

        Assert.Equal(1, Delta("supply.reports", ("outcome", "applied")));
        Assert.Equal(1, Delta("supply.reports", ("outcome", "duplicate")));
        Assert.Equal(1, Delta("supply.reports", ("outcome", "historical")));
        Assert.Equal(2, Delta("supply.reports", ("outcome", "refused")));
        Assert.Equal(3, Delta("supply.report.lines", ("outcome", "applied")));
        Assert.Equal(3, Delta("supply.report.lines", ("outcome", "duplicate")));
        Assert.Equal(1, Delta("supply.report.lines", ("outcome", "historical")));
        Assert.Equal(3, Delta("supply.report.lines", ("outcome", "refused")));
        Assert.Equal(5, Delta("supply.report.duration")); // one measurement per report, in seconds
        var duration = after.First(m => m.Name == "supply.report.duration");
        Assert.Equal("s", duration.Unit);
        Assert.InRange(after.Where(m => m.Name == "supply.report.duration").Sum(m => m.HistogramSum), 0, 60);

        // Refused by reason: the first violation's field without indexes, so the set of values stays small.
        Assert.True(Delta("supply.reports.refused", ("reason", "snapshot.lines[].on_hand")) == 1,
            "supply.reports.refused{reason=snapshot.lines[].on_hand} did not move: ReportIntake must pass the acknowledgement's " +
            "violations to SupplyMetrics.Report (metrics.Report(outcome, report.LineCount, elapsed, ack.Violations))");
        Assert.Equal(1, Delta("supply.reports.refused", ("reason", "location_id")));
        Assert.Equal(2, Delta("supply.reports.refused"));
    }

    [Fact]
    public async Task The_lag_from_a_report_to_the_national_view_is_measured()
    {
        var loc = (await RegisterAsync(Server, ("06", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "obs-lag", Now.AddMinutes(-5), Line(Ffp2, 12)));

        // The location publishes to its region, the region pushes to the nation (debounced): wait for it, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double measured;
        while ((measured = Sum(Capture.CollectMetrics(), "supply.aggregation.lag", ("region", "06"))) < 1 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.True(measured >= 1, "no aggregation lag was recorded for region 06");
    }

    [Fact]
    public async Task Feed_Orleans_and_AspNetCore_metrics_are_exported()
    {
        var result = await Capture.Services.GetRequiredService<IFeedPuller>().PullNowAsync(ObservabilityFixture.Feed);
        Assert.Equal(FeedPullOutcome.Failed, result.Outcome);

        var metrics = Capture.CollectMetrics();
        Assert.Equal(1, Sum(metrics, "supply.feeds.pulls", ("feed", ObservabilityFixture.Feed), ("outcome", "failed")));
        Assert.Equal(1, Sum(metrics, "supply.feeds.http.attempts", ("feed", ObservabilityFixture.Feed), ("outcome", "failed")));
        Assert.Equal(1, Sum(metrics, "supply.feeds.pull.duration", ("feed", ObservabilityFixture.Feed)));
        Assert.Contains(metrics, m => m.Name == "supply.feeds.breaker.state" && m.Tag("feed") == ObservabilityFixture.Feed);
        Assert.Contains(metrics, m => m.Name == "supply.feeds.stale" && m.Tag("feed") == ObservabilityFixture.Feed);

        // Orleans' own meter: activations (the catalog grain at least), and ASP.NET Core's request duration.
        Assert.Contains(metrics, m => m.Meter == "Microsoft.Orleans" && m.Name == "orleans-catalog-activations" && m.Value >= 1);
        Assert.Contains(metrics, m => m.Name == "http.server.request.duration" && m.Value >= 1);
        Assert.Contains(metrics, m => m.Meter == "System.Runtime");
    }

    [Fact]
    public void Logs_written_during_a_call_carry_its_trace_and_span_ids_on_the_console_too()
    {
        var factory = Capture.Services.GetRequiredService<ILoggerFactory>();
        var logs = new ScopeRecorder();
        factory.AddProvider(logs); // also hands it the factory's scope provider, the one the console logger gets
        // The console logger as configured: a named formatter (without one it falls back to deprecated options that drop scopes).
        var console = Capture.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var formatter = Assert.Single(Capture.Services.GetServices<ConsoleFormatter>(), f => f.Name == console.FormatterName);

        using var activity = new Activity("observability-test").Start();
        factory.CreateLogger("Supply.Tests").LogWarning("inside a call");
        var scope = Assert.Single(logs.Records, r => r.Message == "inside a call").Scope;
        Assert.Equal(activity.TraceId.ToString(), scope.GetValueOrDefault("TraceId"));
        Assert.Equal(activity.SpanId.ToString(), scope.GetValueOrDefault("SpanId"));

        var line = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Warning, "Supply.Tests", default, "inside a call", null, (s, _) => s), logs.Scopes, line);
        output.WriteLine(line.ToString());
        Assert.Contains($"TraceId:{activity.TraceId}", line.ToString());
        Assert.Contains($"SpanId:{activity.SpanId}", line.ToString());
    }

    [Fact]
    public async Task Prometheus_scrape_endpoint_serves_metrics_on_its_own_http1_port_only()
    {
        using var capture = new ObservabilityCapture();
        var dir = Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"));
        var metricsPort = FreePort();
        var app = SupplyApp.Create(
        [
            "--environment=Development",
            "--Supply:Listen:Port=0",
            "--Supply:Dashboard:Enabled=false",
            "--Supply:Http:Enabled=false",
            $"--Supply:Storage:SqlitePath={Path.Combine(dir, "supply.db")}",
            $"--Supply:Silo:SiloPort={FreePort()}",
            $"--Supply:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            $"--Supply:Telemetry:PrometheusPort={metricsPort}",
            .. capture.Args,
        ]);
        try
        {
            await app.StartAsync();
            var grpcAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single(a => new Uri(a).Port != metricsPort).Replace("[::]", "127.0.0.1");
            using var channel = SuperuserChannel(grpcAddress);
            await new Catalog.CatalogClient(channel).RegisterItemsAsync(Items());
            var loc = $"se-09-hospital-{Guid.NewGuid():N}"[..40];
            var locations = new RegisterLocationsRequest();
            locations.Locations.Add(new Location { Id = loc, Name = "Prometheus test", Kind = LocationKind.Hospital, RegionCode = "09" });
            await new Catalog.CatalogClient(channel).RegisterLocationsAsync(locations);
            await new StockReporting.StockReportingClient(channel).SubmitReportAsync(Snapshot(loc, "prom-1", Now.AddHours(-1), Line(Ffp2, 5)));

            using var http = new HttpClient();
            var scrape = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
            var text = await scrape.Content.ReadAsStringAsync();
            output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.StartsWith("supply_") || l.StartsWith("# TYPE supply_"))));
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.Equal(new Version(1, 1), scrape.Version);
            Assert.Contains("supply_reports_total{", text);
            Assert.Contains("outcome=\"applied\"", text);
            Assert.Contains("supply_report_duration_seconds_bucket{", text);
            Assert.Contains("orleans_catalog_activations", text);

            // Nothing else on the scrape port, and no /metrics on the gRPC port.
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{metricsPort}/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{metricsPort}{SubmitPath}")).StatusCode);
            using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            var onGrpcPort = await h2c.GetAsync($"{grpcAddress}/metrics");
            Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
            Assert.DoesNotContain("supply_reports_total", await onGrpcPort.Content.ReadAsStringAsync());

            // Scrapes are not traced.
            await capture.WaitForSpanAsync(s => s.Source.Name == "Microsoft.AspNetCore" && Tag(s, "url.path") == SubmitPath, "for the report");
            Assert.DoesNotContain(capture.Spans, s => Tag(s, "url.path") == "/metrics" && s.GetTagItem("server.port") is int p && p == metricsPort);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Storage_spans_name_the_operation_and_grain_type_and_mark_an_ETag_conflict_as_an_error()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StorageTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span => { lock (spans) spans.Add(span); },
        };
        ActivitySource.AddActivityListener(listener);
        var dir = Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Orleans.Serialization.Serializer>();
        var storage = new SqliteGrainStorage("obs", new SqliteGrainStorageOptions { DataSource = Path.Combine(dir, "obs.db") },
            new Orleans.Storage.OrleansGrainStorageSerializer(serializer),
            Options.Create(new Orleans.Configuration.ClusterOptions { ServiceId = "obs", ClusterId = "obs" }));
        try
        {
            var grain = Orleans.Runtime.GrainId.Create("obsgrain", "se-01-hosp-secret-key");
            var state = new Orleans.GrainState<string>("on hand 40");
            await storage.WriteStateAsync("ledger", grain, state);
            await storage.ReadStateAsync("ledger", grain, new Orleans.GrainState<string>());
            await Assert.ThrowsAsync<SqliteInconsistentStateException>(() =>
                storage.WriteStateAsync("ledger", grain, new Orleans.GrainState<string>("stale", "not-the-stored-etag")));
            await storage.ClearStateAsync("ledger", grain, state);
        }
        finally
        {
            await storage.StopAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }

        var ours = spans.Where(s => Tag(s, "orleans.grain.type") == "obsgrain").ToList();
        Assert.Equal(["sqlite write", "sqlite read", "sqlite write", "sqlite clear"], ours.Select(s => s.DisplayName));
        Assert.All(ours, s => Assert.Equal("ledger", Tag(s, "orleans.storage.state.name")));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Unset, ActivityStatusCode.Error, ActivityStatusCode.Unset], ours.Select(s => s.Status));
        Assert.Equal(true, ours[2].GetTagItem("supply.storage.etag_conflict"));
        Assert.Equal(true, ours[1].GetTagItem("supply.storage.found"));
        // Neither the grain's key nor the state's contents are in any span.
        Assert.DoesNotContain(ours.SelectMany(s => s.TagObjects), t => Convert.ToString(t.Value) is { } v && (v.Contains("secret-key") || v.Contains("on hand")));
    }

    [Theory]
    [InlineData("snapshot.lines[3].on_hand", "snapshot.lines[].on_hand")]
    [InlineData("snapshot.lines[12].lots[0].expires_on", "snapshot.lines[].lots[].expires_on")]
    [InlineData("movements.lines[0].reason_code", "movements.lines[].reason_code")]
    [InlineData("location_id", "location_id")]
    [InlineData("as_of", "as_of")]
    [InlineData("", SupplyMetrics.OtherReason)]
    [InlineData("snapshot.lines[0].item id with spaces", SupplyMetrics.OtherReason)]
    [InlineData("Stores:1001", SupplyMetrics.OtherReason)]
    public void A_refusal_reason_is_the_first_field_without_indexes(string field, string reason)
    {
        Assert.Equal(reason, SupplyMetrics.ReasonOf([new Domain.Violation(field, "why"), new Domain.Violation("as_of", "second")]));
        Assert.Equal(SupplyMetrics.OtherReason, SupplyMetrics.ReasonOf([]));
        Assert.Equal(SupplyMetrics.OtherReason, SupplyMetrics.ReasonOf(null));
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private static bool IsAncestor(IReadOnlyList<Activity> trace, Activity ancestor, Activity span)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var next); parent = next.ParentSpanId)
            if (next == ancestor) return true;
        return false;
    }

    private static double Sum(IEnumerable<MetricValue> metrics, string name, params (string Key, string Value)[] tags) =>
        metrics.Where(m => m.Name == name && tags.All(t => m.Tag(t.Key) == t.Value)).Sum(m => m.Value);

    private static GrpcChannel SuperuserChannel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + SupplyServer.SuperuserToken);
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Records each log message with the key/value scopes it was written under.</summary>
    private sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
    {
        public IExternalScopeProvider Scopes { get; private set; } = new LoggerExternalScopeProvider();

        public List<(string Message, Dictionary<string, string?> Scope)> Records { get; } = [];

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => Scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new Recorder(this);

        public void Dispose() { }

        private sealed class Recorder(ScopeRecorder owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.Scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
                owner.Scopes.ForEachScope((s, into) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (key, value) in pairs) into[key] = value?.ToString();
                }, scope);
                lock (owner.Records) owner.Records.Add((formatter(state, exception), scope));
            }
        }
    }
}
