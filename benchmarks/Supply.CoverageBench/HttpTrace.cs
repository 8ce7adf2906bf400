using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>
/// The client's HTTP/2 events (System.Net.Http's own diagnostics: frames, windows, streams) while switched on, to show what
/// a stuck call waited for (issue 18, part 1: a call on a long-lived connection got no answer for 60 s, seen in about one
/// run in ten, on the first call after the load). Kept to the newest events; on only around that first call, so it does
/// not weigh on the timed calls.
/// </summary>
internal sealed class HttpTrace : EventListener
{
    private const int Kept = 4_000;
    private readonly ConcurrentQueue<string> _events = new();
    private readonly List<EventSource> _sources = [];
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name is not ("Private.InternalDiagnostics.System.Net.Http" or "System.Net.Http")) return;
        lock (this) // called from the base constructor too, before our fields are set
        {
            (_sources ?? []).Add(source);
            if (_on) EnableEvents(source, EventLevel.Verbose);
        }
    }

    public bool IsOn => _on;

    public void Start() => Switch(true);

    public void Stop() => Switch(false);

    private void Switch(bool on)
    {
        lock (this)
        {
            _on = on;
            foreach (var source in _sources)
                if (on) EnableEvents(source, EventLevel.Verbose); else DisableEvents(source);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on) return;
        _events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.EventName} {string.Join(" | ", e.Payload ?? [])}");
        while (_events.Count > Kept) _events.TryDequeue(out _);
    }

    /// <summary>Prints the newest <paramref name="count"/> events.</summary>
    public void Print(int count)
    {
        var all = _events.ToArray();
        Console.WriteLine($"  client HTTP events while the call waited (newest {Math.Min(count, all.Length)} of {all.Length}):");
        foreach (var line in all.Skip(Math.Max(0, all.Length - count))) Console.WriteLine("    " + (line.Length > 400 ? line[..400] : line));
    }
}
