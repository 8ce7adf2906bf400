using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;

namespace Supply.FaultBench;

/// <summary>
/// A sustained report stream that behaves as a careful regional system does: K senders, each with its own
/// connection and its own share of the locations (so a location's reports go out in order on one stream), at most
/// <c>window</c> reports in flight each. When a stream breaks, the sender counts the status, waits a little,
/// reconnects (to the next server address: round-robin when there are several) and first resends, in order, every
/// report it had sent and not yet seen acknowledged, with the same report id (reports are idempotent).
/// It keeps the record the verification compares with: which rounds of which location were acknowledged.
/// </summary>
public sealed class ReportStream
{
    private readonly Workload _workload;
    private readonly string[] _urls;
    private readonly Metadata? _headers;
    private readonly int _senders;
    private readonly int _window;
    private readonly double _reportsPerSecond; // all senders together; 0 = as fast as the server takes them
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly ConcurrentBag<(double AckAt, double CallOpenedAt, int Server)> _ackTimes = [];
    private long _acked, _duplicates, _sent, _reconnects;

    public ReportStream(Workload workload, string[] urls, Metadata? headers, int senders, int window, double reportsPerSecond)
    {
        _workload = workload;
        _urls = urls;
        _headers = headers;
        _senders = senders;
        _window = window;
        _reportsPerSecond = reportsPerSecond;
        var n = workload.LocationIds.Length;
        AckedRounds = new HashSet<int>[n];
        for (var i = 0; i < n; i++) AckedRounds[i] = [];
        UnackedAtEnd = new List<int>[n];
        for (var i = 0; i < n; i++) UnackedAtEnd[i] = [];
    }

    /// <summary>Per location: the rounds whose report was acknowledged (APPLIED or HISTORICAL, first time or as a duplicate).</summary>
    public HashSet<int>[] AckedRounds { get; }
    /// <summary>Per location: rounds sent and never acknowledged (in flight when the run ended).</summary>
    public List<int>[] UnackedAtEnd { get; }
    public long Acked => Interlocked.Read(ref _acked);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Sent => Interlocked.Read(ref _sent);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public IReadOnlyDictionary<string, int> Errors => _errors;
    public TimeSpan Elapsed => _clock.Elapsed;
    /// <summary>
    /// Every acknowledgement: when it arrived and when the call that carried it was opened (seconds on <see cref="Elapsed"/>),
    /// and which server address the call went to.
    /// </summary>
    public IReadOnlyCollection<(double AckAt, double CallOpenedAt, int Server)> AckTimes => _ackTimes;

    public async Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        await Task.WhenAll(Enumerable.Range(0, _senders).Select(s => Task.Run(() => SenderAsync(s, stop))));
    }

    private void CountError(string what) => _errors.AddOrUpdate(what, 1, (_, n) => n + 1);

    private async Task SenderAsync(int sender, CancellationToken stop)
    {
        var mine = Enumerable.Range(0, _workload.LocationIds.Length).Where(i => i % _senders == sender).ToArray();
        if (mine.Length == 0) return;
        var resend = new LinkedList<(int Location, int Round)>();
        var (round, next) = (0, 0);
        var url = sender % _urls.Length;
        var perSender = _reportsPerSecond / _senders;
        long written = 0;
        var backoff = TimeSpan.FromMilliseconds(100);
        GrpcChannel? channel = null;

        while (!stop.IsCancellationRequested)
        {
            channel ??= Channel(_urls[url]);
            var client = new StockReporting.StockReportingClient(channel);
            using var callCts = new CancellationTokenSource();
            using var call = client.StreamReports(_headers, cancellationToken: callCts.Token);
            var opened = _clock.Elapsed.TotalSeconds;
            var server = url;
            var pending = new ConcurrentQueue<(int Location, int Round)>();
            using var windowSlots = new SemaphoreSlim(_window, _window);
            using var broken = CancellationTokenSource.CreateLinkedTokenSource(stop);
            string? failure = null;

            var reader = Task.Run(async () =>
            {
                try
                {
                    await foreach (var ack in call.ResponseStream.ReadAllAsync(callCts.Token))
                    {
                        if (!pending.TryDequeue(out var p)) { failure = "ack for nothing sent"; break; }
                        windowSlots.Release();
                        if (ack.LocationId != _workload.LocationIds[p.Location] || RoundOf(ack.ReportId) != p.Round)
                        {
                            failure = "ack out of order";
                            break;
                        }
                        if (ack.Outcome is ReportOutcome.Applied or ReportOutcome.Historical)
                        {
                            lock (AckedRounds[p.Location]) AckedRounds[p.Location].Add(p.Round);
                            Interlocked.Increment(ref _acked);
                            if (ack.Duplicate) Interlocked.Increment(ref _duplicates);
                            _ackTimes.Add((_clock.Elapsed.TotalSeconds, opened, server));
                            backoff = TimeSpan.FromMilliseconds(100);
                        }
                        else
                        {
                            CountError("ack " + ack.Outcome);
                        }
                    }
                }
                catch (RpcException e) when (callCts.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled) { }
                catch (RpcException e) { failure = e.StatusCode.ToString(); }
                catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or OperationCanceledException)
                {
                    failure = e.GetType().Name;
                }
                finally { await broken.CancelAsync(); }
            });

            try
            {
                while (!broken.IsCancellationRequested)
                {
                    (int Location, int Round) report;
                    if (resend.First is { } first) { report = first.Value; resend.RemoveFirst(); }
                    else
                    {
                        report = (mine[next], round);
                        if (++next == mine.Length) (next, round) = (0, round + 1);
                    }
                    try { await windowSlots.WaitAsync(broken.Token); }
                    catch (OperationCanceledException) { resend.AddFirst(report); break; }
                    pending.Enqueue(report);
                    var r = _workload.GetRound(report.Round);
                    await call.RequestStream.WriteAsync(new StockReport
                    {
                        ReportId = r.ReportId, LocationId = _workload.LocationIds[report.Location], AsOf = r.AsOf,
                        Snapshot = r.Snapshots[Workload.VariantOf(report.Location)],
                    }, broken.Token);
                    Interlocked.Increment(ref _sent);
                    // Paced to the rate when one is set: sleep while ahead of it.
                    var ahead = perSender > 0 ? ++written / perSender - _clock.Elapsed.TotalSeconds : 0;
                    if (ahead > 0.002) await Task.Delay(TimeSpan.FromSeconds(ahead), broken.Token);
                }
            }
            catch (Exception e) when (e is RpcException or IOException or InvalidOperationException or OperationCanceledException) { }

            if (stop.IsCancellationRequested && failure is null)
            {
                // The end of the run: stop writing and give the acks of what was sent 30 s to arrive.
                try { await call.RequestStream.CompleteAsync(); } catch (Exception e) when (e is RpcException or IOException or InvalidOperationException) { }
                if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(30))) != reader) await callCts.CancelAsync();
                await reader;
                foreach (var p in pending) lock (AckedRounds[p.Location]) UnackedAtEnd[p.Location].Add(p.Round);
                foreach (var p in resend) UnackedAtEnd[p.Location].Add(p.Round);
                break;
            }

            await callCts.CancelAsync();
            await reader;
            // Broken: everything in flight goes back to the front, in the order it was sent, ahead of what was queued.
            var inFlight = pending.ToArray();
            for (var k = inFlight.Length - 1; k >= 0; k--) resend.AddFirst(inFlight[k]);
            if (stop.IsCancellationRequested)
            {
                foreach (var p in resend) UnackedAtEnd[p.Location].Add(p.Round);
                break;
            }
            CountError(failure ?? "stream ended");
            Interlocked.Increment(ref _reconnects);
            try { await Task.Delay(backoff, stop); } catch (OperationCanceledException) { }
            backoff = TimeSpan.FromMilliseconds(Math.Min(2_000, backoff.TotalMilliseconds * 2));
            if (_urls.Length > 1)
            {
                // Round-robin to the next server; the connection to the old one is dropped.
                url = (url + 1) % _urls.Length;
                channel.Dispose();
                channel = null;
            }
        }
        foreach (var p in resend.Where(p => !UnackedAtEnd[p.Location].Contains(p.Round))) UnackedAtEnd[p.Location].Add(p.Round);
        channel?.Dispose();
    }

    /// <summary>The workload's report ids are "{run}-{round}".</summary>
    public static int RoundOf(string reportId) =>
        int.TryParse(reportId.AsSpan(reportId.LastIndexOf('-') + 1), out var round) ? round : -1;

    /// <summary>Each sender its own connection, with the keep-alive settings docs/connections.md advises.</summary>
    public static GrpcChannel Channel(string url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 << 20,
        HttpHandler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        },
    });
}
