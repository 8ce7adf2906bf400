using Microsoft.Diagnostics.NETCore.Client;

namespace Supply.CoverageBench;

/// <summary>
/// A dump of this process while a call is stalled, to read later with <c>dotnet-dump analyze</c> (<c>dumpasync</c>,
/// <c>clrstack -all</c>): what the waiting call's async chain is parked on. In the stall caught on 2026-12-07 the client's
/// HTTP/2 layer had the whole answer, trailers included, 13 ms after the call began (docs/connections.md), so the
/// question is above it, in this process.
/// </summary>
internal static class StallDump
{
    /// <summary>Writes the dump (threads and heap) to the temporary directory; returns its path, or null with the reason printed.</summary>
    public static string? Write()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coveragebench-stall-{Environment.ProcessId}-{DateTime.UtcNow:HHmmss}.dmp");
        try
        {
            new DiagnosticsClient(Environment.ProcessId).WriteDump(DumpType.WithHeap, path);
            return path;
        }
        catch (Exception e) when (e is ServerErrorException or ServerNotAvailableException or UnsupportedCommandException or IOException)
        {
            Console.WriteLine($"  no dump of the stalled client: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
