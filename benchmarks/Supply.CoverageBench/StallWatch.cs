using Microsoft.Diagnostics.NETCore.Client;

namespace Supply.CoverageBench;

/// <summary>
/// Dumps of both processes while a national call is stalled (issue 18, part 1), to read later with <c>dotnet-dump analyze</c>
/// (<c>dumpasync</c>, <c>clrstack -all</c>): in the client, what the waiting call's async chain is parked on; in the server,
/// whether the request is being handled at all. One watch for every national call, not a timer per call: a call only
/// sets a start time, and a background loop looks once a second.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    private static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(30);
    private readonly int _serverPid;
    private readonly CancellationTokenSource _stop = new();
    private long _pendingSince; // Stopwatch timestamp of the call in flight; 0 when none
    private bool _dumped;

    public StallWatch(int serverPid)
    {
        _serverPid = serverPid;
        _ = Task.Run(LookAsync);
    }

    public void Begin() => Volatile.Write(ref _pendingSince, System.Diagnostics.Stopwatch.GetTimestamp());

    public void End() => Volatile.Write(ref _pendingSince, 0);

    private async Task LookAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            var since = Volatile.Read(ref _pendingSince);
            if (_dumped || since == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(since) < StalledAfter) continue;
            _dumped = true; // once a run: dumps are large (the server's heap holds the national load)
            Console.WriteLine($"stalling      : a national call has had no answer for {StalledAfter.TotalSeconds:0} s; dumping both processes");
            foreach (var (pid, who) in new[] { (Environment.ProcessId, "client"), (_serverPid, "server") })
                if (Write(pid, who) is { } path)
                    Console.WriteLine($"  {who,-6} dumped to {path} ({new FileInfo(path).Length / (1 << 20):N0} MB; dotnet-dump analyze, dumpasync)");
        }
    }

    /// <summary>Writes one process's dump (threads and heap) to the temporary directory; null with the reason printed.</summary>
    private static string? Write(int pid, string who)
    {
        var path = Path.Combine(Path.GetTempPath(), $"coveragebench-stall-{who}-{pid}-{DateTime.UtcNow:HHmmss}.dmp");
        try
        {
            new DiagnosticsClient(pid).WriteDump(DumpType.WithHeap, path);
            return path;
        }
        catch (Exception e) when (e is ServerErrorException or ServerNotAvailableException or UnsupportedCommandException or IOException)
        {
            Console.WriteLine($"  no dump of the {who}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
