using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;

namespace Supply.ConnectionSoak;

/// <summary>
/// One channel kept for the whole run, as a regional system keeps it, and every kind of call a real one makes on it.
/// Each cycle ends with probe calls; a probe that gets no answer before its deadline is a stall, and is repeated on a
/// new connection to tell a stuck connection from a busy server.
/// </summary>
public sealed class Soak(string url, Auth auth)
{
    /// <summary>The server's message limit in this soak; one report per refused stream is larger.</summary>
    public const int MaxMessageBytes = 64 * 1024;
    public static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(5);
    /// <summary>Deadline of each report stream a cycle completes or has refused.</summary>
    public static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(15);
    private const string Location = "soak-01-hospital";
    private const string Item = "npl:20090901100113";
    private DateTimeOffset _asOf = DateTimeOffset.UtcNow.AddDays(-5);
    private int _reportNumber;

    public async Task RegisterAsync(GrpcChannel channel)
    {
        var catalog = new Catalog.CatalogClient(channel);
        var items = new RegisterItemsRequest();
        items.Items.Add(new Item { Id = Item, Name = "Paracetamol (soak)", Category = ItemCategory.Medicine, BaseUnit = "tablet" });
        await catalog.RegisterItemsAsync(items, auth.Admin, DateTime.UtcNow.AddMinutes(1));
        var locations = new RegisterLocationsRequest();
        locations.Locations.Add(new Location { Id = Location, Name = "Soak hospital", Kind = LocationKind.Hospital, RegionCode = "01" });
        await catalog.RegisterLocationsAsync(locations, auth.Admin, DateTime.UtcNow.AddMinutes(1));
    }

    public async Task<SoakResult> RunAsync(TimeSpan duration)
    {
        // The client settings the docs advise for a long-lived channel (docs/connections.md).
        using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                // Replies need no WINDOW_UPDATE (a lost response in Kestrel, dotnet/aspnetcore#53736; docs/connections.md).
                InitialHttp2StreamWindowSize = 16 << 20,
            },
        });
        var reporting = new StockReporting.StockReportingClient(channel);
        var coverage = new Coverage.CoverageClient(channel);
        var forgotten = new List<IDisposable>();
        var busy = new Queue<(AsyncDuplexStreamingCall<StockReport, ReportAck> Call, CancellationTokenSource Stop)>();
        int cycles = 0, probes = 0, stalled = 0, fresh = 0, acknowledged = 0, failures = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            cycles++;
            try
            {
                acknowledged += await CompletedStream(reporting);
                await CancelledStream(reporting);
                await RefusedStream(reporting);
                forgotten.Add(coverage.WatchAlerts(new WatchAlertsRequest { ThresholdDays = 30, Follow = true }, auth.Reader));
                // A sender that writes and reads no acks; at most two stay open, the oldest is then cancelled.
                busy.Enqueue(await BusyStream(reporting));
                if (busy.Count > 2) { var (call, stop) = busy.Dequeue(); await stop.CancelAsync(); call.Dispose(); }
                await Task.Delay(TimeSpan.FromSeconds(3)); // idle past the server's 2 s keep-alive timeout
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                stalled++;
                Console.WriteLine($"  cycle {cycles}: a stream call got no answer before its deadline");
            }
            catch (RpcException e)
            {
                failures++;
                Console.WriteLine($"  cycle {cycles}: {e.StatusCode}: {e.Status.Detail}");
            }
            foreach (var probe in Probes())
            {
                probes++;
                try { await probe(channel, ProbeDeadline); }
                catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
                {
                    stalled++;
                    using var newChannel = GrpcChannel.ForAddress(url);
                    try { await probe(newChannel, ProbeDeadline); fresh++; } catch (RpcException) { }
                }
            }
        }
        foreach (var (call, stop) in busy) { await stop.CancelAsync(); call.Dispose(); }
        foreach (var call in forgotten) call.Dispose();
        return new SoakResult(cycles, probes, stalled, fresh, acknowledged, failures);
    }

    private IEnumerable<Func<GrpcChannel, TimeSpan, Task>> Probes() =>
    [
        async (c, d) => await new Coverage.CoverageClient(c).GetCoverageAsync(new GetCoverageRequest(), auth.Reader, DateTime.UtcNow + d),
        async (c, d) => await new StockQuery.StockQueryClient(c).GetLocationStockAsync(new GetLocationStockRequest { LocationId = Location }, auth.Reader, DateTime.UtcNow + d),
        async (c, d) => await new StockReporting.StockReportingClient(c).SubmitReportAsync(NextReport(), auth.Reporter, DateTime.UtcNow + d),
    ];

    private async Task<int> CompletedStream(StockReporting.StockReportingClient reporting)
    {
        using var call = reporting.StreamReports(auth.Reporter, DateTime.UtcNow + StepDeadline);
        for (var i = 0; i < 20; i++) await call.RequestStream.WriteAsync(NextReport());
        await call.RequestStream.CompleteAsync();
        var acks = 0;
        while (await call.ResponseStream.MoveNext()) acks++;
        return acks;
    }

    private async Task CancelledStream(StockReporting.StockReportingClient reporting)
    {
        using var cancel = new CancellationTokenSource();
        using var call = reporting.StreamReports(auth.Reporter, cancellationToken: cancel.Token);
        for (var i = 0; i < 10; i++) await call.RequestStream.WriteAsync(NextReport());
        await cancel.CancelAsync();
    }

    private async Task RefusedStream(StockReporting.StockReportingClient reporting)
    {
        using var call = reporting.StreamReports(auth.Reporter, DateTime.UtcNow + StepDeadline);
        try
        {
            for (var i = 0; i < 5; i++) await call.RequestStream.WriteAsync(NextReport());
            await call.RequestStream.WriteAsync(Oversized()); // over the server's message limit: the stream is refused
            for (var i = 0; i < 20; i++) await call.RequestStream.WriteAsync(NextReport());
            while (await call.ResponseStream.MoveNext()) { }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Cancelled) { }
        catch (InvalidOperationException) { } // writing after the server ended the call
    }

    private StockReport Oversized()
    {
        var report = NextReport();
        var line = report.Snapshot.Lines[0];
        for (var i = 0; i < 4_000; i++) report.Snapshot.Lines.Add(line.Clone());
        return report;
    }

    private async Task<(AsyncDuplexStreamingCall<StockReport, ReportAck>, CancellationTokenSource)> BusyStream(StockReporting.StockReportingClient reporting)
    {
        var stop = new CancellationTokenSource();
        var call = reporting.StreamReports(auth.Reporter, cancellationToken: stop.Token);
        // Writes until flow control holds it (nothing written for a second; at most 20 s), then leaves it open.
        var written = 0;
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
            {
                await call.RequestStream.WriteAsync(NextReport(), stop.Token);
                Interlocked.Increment(ref written);
            }
        });
        var clock = Stopwatch.StartNew();
        var last = -1;
        while (!writing.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(20) && Volatile.Read(ref written) != last)
        {
            last = Volatile.Read(ref written);
            await Task.WhenAny(writing, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        return (call, stop);
    }

    private StockReport NextReport()
    {
        var n = Interlocked.Increment(ref _reportNumber);
        var report = new StockReport
        {
            ReportId = $"soak-{n}",
            LocationId = Location,
            AsOf = Timestamp.FromDateTimeOffset(_asOf.AddSeconds(n)),
            Snapshot = new Snapshot(),
        };
        report.Snapshot.Lines.Add(new SnapshotLine { ItemId = Item, OnHand = 1000 + n % 500, AverageDailyConsumption = 20 });
        return report;
    }
}

public sealed record SoakResult(int Cycles, int Probes, int Stalled, int FreshAnswered, int Acknowledged, int Failures);
