using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Supply.Contracts.V1;
using Supply.Server.Hosting;
using Xunit.Abstractions;
using CoverageClient = Supply.Contracts.V1.Coverage.CoverageClient;

namespace Supply.Server.Tests.Connections;

/// <summary>
/// A regional system keeps one channel (one HTTP/2 connection) open for days and mixes report streams with
/// queries on it. Nothing that happens to one call may hold up the others on that connection (issue 18, part 1).
/// </summary>
public sealed class LongLivedChannelTests(ITestOutputHelper output)
{
    /// <summary>Every call below gets this deadline; a healthy server answers each in milliseconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly string[] Unthrottled =
        ["--Supply:Limits:CallsPerSecond=100000", "--Supply:Limits:Burst=100000", "--Supply:Storage:DurableCommits=false"];

    [Fact]
    public async Task Report_streams_whose_acks_are_not_read_do_not_stall_a_query_on_the_same_connection()
    {
        // Before the fix (Kestrel's default 1 MiB connection window) this query waited until its deadline: the two
        // stalled streams' unread request bytes held the whole connection window, so its request body could not be sent.
        await using var server = await SupplyServer.StartAsync(null, Unthrottled);
        var location = (await TestData.RegisterAsync(server, ("01", LocationKind.Hospital)))[0];
        using var channel = server.ChannelAs(SupplyServer.SuperuserToken);
        var reporting = new StockReporting.StockReportingClient(channel);
        var coverage = new CoverageClient(channel);
        await coverage.GetCoverageAsync(new GetCoverageRequest(), deadline: Deadline());

        using var stop = new CancellationTokenSource();
        var sent = new int[2];
        var calls = Enumerable.Range(0, 2).Select(_ => reporting.StreamReports(cancellationToken: stop.Token)).ToArray();
        var senders = Enumerable.Range(0, 2).Select(s => BusySender(calls[s], location, s, sent, stop.Token)).ToArray();
        await WaitUntilStalledOrDone(sent, senders);
        output.WriteLine($"reports written before flow control held the senders: {sent[0]} and {sent[1]}");

        var answer = await coverage.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location }, deadline: Deadline());
        Assert.NotEmpty(answer.Rows);
        var stock = await new StockQuery.StockQueryClient(channel).GetLocationStockAsync(new GetLocationStockRequest { LocationId = location },
            deadline: Deadline());
        Assert.Equal(location, stock.LocationId);

        await stop.CancelAsync();
        foreach (var call in calls) call.Dispose();
        await Task.WhenAll(senders.Select(s => s.ContinueWith(_ => { })));
    }

    [Fact]
    public async Task A_channel_that_lived_through_cancelled_refused_and_abandoned_streams_and_idle_spells_still_answers()
    {
        await using var server = await SupplyServer.StartAsync(null,
        [
            .. Unthrottled, "--Supply:Limits:MaxReportsPerStream=5",
            // Kestrel closes a connection idle this long; the idle spells below outlast it.
            "--Kestrel:Limits:KeepAliveTimeout=00:00:02",
        ]);
        var location = (await TestData.RegisterAsync(server, ("01", LocationKind.Hospital)))[0];
        using var channel = server.ChannelAs(SupplyServer.SuperuserToken);
        var reporting = new StockReporting.StockReportingClient(channel);
        var coverage = new CoverageClient(channel);
        var query = new StockQuery.StockQueryClient(channel);
        var asOf = TestData.Now.AddDays(-1);
        var acknowledged = new List<(string ReportId, long OnHand)>();
        var abandoned = new List<IDisposable>();

        for (var round = 0; round < 3; round++)
        {
            // A stream that ends normally.
            using (var call = reporting.StreamReports(deadline: Deadline()))
            {
                for (var i = 0; i < 3; i++)
                {
                    asOf = asOf.AddMinutes(1);
                    var onHand = 100 * round + i;
                    await call.RequestStream.WriteAsync(TestData.Snapshot(location, $"r{round}-{i}", asOf, TestData.Line(TestData.Paracetamol, onHand, adc: 5)));
                    Assert.True(await call.ResponseStream.MoveNext());
                    Assert.Equal(ReportOutcome.Applied, call.ResponseStream.Current.Outcome);
                    acknowledged.Add(($"r{round}-{i}", onHand));
                }
                await call.RequestStream.CompleteAsync();
                Assert.False(await call.ResponseStream.MoveNext());
            }

            // A stream the client cancels mid-way, with reports still in flight.
            using (var cancel = new CancellationTokenSource())
            using (var call = reporting.StreamReports(cancellationToken: cancel.Token))
            {
                await call.RequestStream.WriteAsync(TestData.Snapshot(location, $"c{round}", TestData.Now.AddDays(-3), TestData.Line(TestData.Morphine, 7)));
                await cancel.CancelAsync();
                var cancelled = await Assert.ThrowsAnyAsync<Exception>(async () => { while (await call.ResponseStream.MoveNext()) { } });
                output.WriteLine($"round {round}: cancelled stream ended with {cancelled.GetType().Name}");
            }

            // A stream the server refuses mid-way (more reports than one stream may carry), the sender still writing.
            using (var call = reporting.StreamReports(deadline: Deadline()))
            {
                var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    for (var i = 0; i < 50; i++)
                        await call.RequestStream.WriteAsync(TestData.Snapshot(location, $"x{round}-{i}", TestData.Now.AddDays(-3), TestData.Line(TestData.Morphine, i)));
                    while (await call.ResponseStream.MoveNext()) { }
                });
                Assert.Contains(refused.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Cancelled, StatusCode.Unavailable });
            }

            // A watcher that is opened and then forgotten: never read, never disposed until the test ends.
            var watch = coverage.WatchAlerts(new WatchAlertsRequest { ThresholdDays = 30, Level = CoverageLevel.Location, Follow = true });
            abandoned.Add(watch);

            // An idle spell longer than Kestrel's keep-alive timeout.
            await Task.Delay(TimeSpan.FromSeconds(3));

            var answer = await coverage.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Location }, deadline: Deadline());
            Assert.NotEmpty(answer.Rows);
            var single = await reporting.SubmitReportAsync(TestData.Snapshot(location, $"u{round}", asOf = asOf.AddMinutes(1),
                TestData.Line(TestData.Paracetamol, 1000 + round, adc: 5)), deadline: Deadline());
            Assert.Equal(ReportOutcome.Applied, single.Outcome);
            acknowledged.Add(($"u{round}", 1000 + round));
        }

        // Every acknowledged report is there: the last one's stock is what the location holds.
        var stock = await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location, ItemId = TestData.Paracetamol }, deadline: Deadline());
        Assert.Equal(acknowledged[^1].OnHand, Assert.Single(stock.Lines).OnHand);
        foreach (var watch in abandoned) watch.Dispose();
    }

    [Fact]
    public async Task The_server_sets_a_connection_window_covering_every_stream_and_keep_alive_pings()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Kestrel:Limits:Http2:MaxStreamsPerConnection=50");
        var http2 = server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;
        Assert.Equal(50, http2.MaxStreamsPerConnection);
        Assert.Equal(50L * http2.InitialStreamWindowSize, http2.InitialConnectionWindowSize);
        Assert.Equal(TimeSpan.FromSeconds(30), http2.KeepAlivePingDelay);
        Assert.Equal(Http2ConnectionLimits.PingTimeout, http2.KeepAlivePingTimeout);

        await using var tuned = await SupplyServer.StartAsync(null, "--Supply:Listen:Http2ConnectionWindowBytes=4194304", "--Supply:Listen:KeepAlivePingSeconds=0");
        var tunedHttp2 = tuned.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;
        Assert.Equal(4_194_304, tunedHttp2.InitialConnectionWindowSize);
        Assert.Equal(TimeSpan.MaxValue, tunedHttp2.KeepAlivePingDelay);
    }

    private static DateTime Deadline() => DateTime.UtcNow + Patience;

    /// <summary>Writes reports and reads no acknowledgements, as a client whose ack handling is slow or stuck.</summary>
    private static Task BusySender(AsyncDuplexStreamingCall<StockReport, ReportAck> call, string location, int sender, int[] sent, CancellationToken stop) =>
        Task.Run(async () =>
        {
            var start = TestData.Now.AddDays(-2);
            for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
            {
                var report = TestData.Snapshot(location, $"busy-{sender}-{i}", start.AddSeconds(2 * i + sender),
                    TestData.Line(TestData.Paracetamol, 1000 + i, adc: 10), TestData.Line(TestData.Morphine, 500, adc: 2));
                await call.RequestStream.WriteAsync(report, stop);
                Interlocked.Increment(ref sent[sender]);
            }
        });

    /// <summary>Waits until no sender has written anything for two seconds (flow control holds them), or all are done.</summary>
    private static async Task WaitUntilStalledOrDone(int[] sent, Task[] senders)
    {
        var last = -1;
        var quiet = 0;
        while (!senders.All(s => s.IsCompleted) && quiet < 8)
        {
            await Task.Delay(250);
            var now = sent.Sum();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }
}
