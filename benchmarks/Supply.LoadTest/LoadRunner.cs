using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Supply.Contracts.V1;

namespace Supply.LoadTest;

/// <summary>
/// Streams the rounds over K concurrent StreamReports calls. Location i belongs to stream i % K, so a
/// location's reports go out in round order on one stream. Each stream keeps at most --window reports
/// in flight; the server answers one ack per report, in order, so acks are matched to a FIFO of what
/// was sent. Latency is from just before a report is written to the moment its ack is read.
/// </summary>
public sealed class LoadRunner(Workload workload, StockReporting.StockReportingClient[] clients, Metadata? headers, Options options)
{
    private readonly Stopwatch _clock = new();
    private long _ackedReports;
    private long _ackedLines;
    private long _sentReports;

    /// <summary>Per location, the last round whose report was acknowledged as applied (-1: none).</summary>
    public int[] LastAckedRound { get; } = Enumerable.Repeat(-1, workload.LocationIds.Length).ToArray();
    /// <summary>Per location, the last round whose report was written to the stream (-1: none).</summary>
    public int[] LastSentRound { get; } = Enumerable.Repeat(-1, workload.LocationIds.Length).ToArray();

    public long AckedReports => Interlocked.Read(ref _ackedReports);
    public long AckedLines => Interlocked.Read(ref _ackedLines);
    public long SentReports => Interlocked.Read(ref _sentReports);
    public TimeSpan Elapsed => _clock.Elapsed;

    public sealed class StreamResult
    {
        public long Acked, Lines, Applied, Historical, Duplicates, Rejected, Mismatched;
        public int Rounds;
        public List<int> LatencyMicros { get; } = new(4096);
        public TimeSpan LastAck;
        public string? Error;
    }

    private readonly record struct Pending(int Location, int Round, string ReportId, long SentAt);

    /// <param name="stopSending">Cancelled at --max-seconds or on Ctrl+C: no new report is written after it.</param>
    /// <param name="drain">How long to wait for the acks of reports already sent once sending stopped.</param>
    public async Task<StreamResult[]> RunAsync(CancellationToken stopSending, TimeSpan drain)
    {
        _clock.Start();
        var streams = Enumerable.Range(0, options.Streams)
            .Select(s => Task.Run(() => RunStreamAsync(s, stopSending, drain)))
            .ToArray();
        return await Task.WhenAll(streams);
    }

    private async Task<StreamResult> RunStreamAsync(int stream, CancellationToken stopSending, TimeSpan drain)
    {
        var result = new StreamResult();
        var mine = Enumerable.Range(0, workload.LocationIds.Length).Where(i => i % options.Streams == stream).ToArray();
        if (mine.Length == 0) return result;

        using var callCts = new CancellationTokenSource();                 // ends the call (after the drain)
        using var sendCts = CancellationTokenSource.CreateLinkedTokenSource(stopSending); // also cancelled when the call fails
        using var call = clients[stream % clients.Length].StreamReports(headers, cancellationToken: callCts.Token);
        var window = new SemaphoreSlim(options.Window, options.Window);
        var pending = new ConcurrentQueue<Pending>();
        var items = workload.Items;

        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var ack in call.ResponseStream.ReadAllAsync(callCts.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (!pending.TryDequeue(out var p))
                    {
                        result.Error ??= "an ack arrived for no report in flight";
                        break;
                    }
                    window.Release();
                    result.LatencyMicros.Add((int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(p.SentAt, now).Ticks / 10));
                    result.LastAck = _clock.Elapsed;
                    if (ack.ReportId != p.ReportId || ack.LocationId != workload.LocationIds[p.Location])
                    {
                        result.Mismatched++;
                        result.Error ??= $"ack out of order: expected {workload.LocationIds[p.Location]}/{p.ReportId}, got {ack.LocationId}/{ack.ReportId}";
                        continue;
                    }
                    switch (ack.Outcome)
                    {
                        case ReportOutcome.Applied or ReportOutcome.Historical:
                            if (ack.Outcome == ReportOutcome.Applied) result.Applied++; else result.Historical++;
                            if (ack.Duplicate) result.Duplicates++;
                            result.Acked++;
                            result.Lines += items;
                            Interlocked.Increment(ref _ackedReports);
                            Interlocked.Add(ref _ackedLines, items);
                            if (p.Round > LastAckedRound[p.Location]) LastAckedRound[p.Location] = p.Round;
                            break;
                        default:
                            result.Rejected++;
                            result.Error ??= $"report {ack.LocationId}/{ack.ReportId} was {ack.Outcome}: " +
                                string.Join("; ", ack.Violations.Take(3).Select(v => $"{v.Field}: {v.Description}"));
                            break;
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && callCts.IsCancellationRequested)
            {
                // Ended by us after the drain time.
            }
            catch (Exception e)
            {
                result.Error ??= $"stream {stream} failed: {e.Message}";
            }
            finally
            {
                sendCts.Cancel(); // a writer waiting for window space must not wait for acks that will never come
            }
        });

        var round = 0;
        try
        {
            for (; options.Rounds == 0 || round < options.Rounds; round++)
            {
                if (options.Rounds == 0 && _clock.Elapsed.TotalSeconds >= options.DurationSeconds) break;
                var r = workload.GetRound(round);
                foreach (var i in mine)
                {
                    await window.WaitAsync(sendCts.Token);
                    var report = new StockReport
                    {
                        ReportId = r.ReportId, LocationId = workload.LocationIds[i], AsOf = r.AsOf,
                        Snapshot = r.Snapshots[Workload.VariantOf(i)],
                    };
                    pending.Enqueue(new Pending(i, round, r.ReportId, Stopwatch.GetTimestamp()));
                    await call.RequestStream.WriteAsync(report);
                    LastSentRound[i] = round;
                    Interlocked.Increment(ref _sentReports);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // --max-seconds, Ctrl+C, or the call failed (the reader has the error).
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            result.Error ??= $"stream {stream}: writing failed: {e.Message}";
        }
        result.Rounds = round;

        try
        {
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The call is already over; the reader reports why.
        }

        // Wait for the acks of what was sent; past the drain time they are given up (and not counted).
        if (await Task.WhenAny(reader, Task.Delay(drain)) != reader)
        {
            result.Error ??= $"stream {stream}: {pending.Count} acks still missing {drain.TotalSeconds:0} s after sending stopped; call cancelled";
            await callCts.CancelAsync();
            await reader;
        }
        return result;
    }
}
