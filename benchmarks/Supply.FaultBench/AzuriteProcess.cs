using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Supply.FaultBench;

/// <summary>
/// Azurite (the Azure Storage emulator the tests install: npm ci --prefix tests/tools) with its data in a directory
/// (--location), so it can be stopped and started again on the same ports with everything it had stored, as a storage
/// account that goes away for a while and comes back. Under an <c>sh</c> watchdog like the server's: if the benchmark
/// dies, the pipe closes and Azurite is stopped.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string Watchdog = """
        "$@" </dev/null >/dev/null 2>&1 &
        pid=$!
        echo "azurite-pid $pid"
        read -r _ || true
        kill -TERM "$pid" 2>/dev/null
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
        kill -KILL "$pid" 2>/dev/null
        """;
    public const string Account = "devstoreaccount1";
    // The emulator's fixed, public development-storage key (documented by Microsoft; not a secret).
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _bin;
    private Process? _watchdog;
    private int _pid;

    private AzuriteProcess(string bin, string location)
    {
        _bin = bin;
        Location = location;
        (BlobPort, TablePort, QueuePort) = (FreePort(), FreePort(), FreePort());
    }

    public string Location { get; }
    public int BlobPort { get; }
    public int TablePort { get; }
    public int QueuePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{Account};BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};";

    public static async Task<AzuriteProcess> StartAsync(string location)
    {
        var bin = Find() ?? throw new FileNotFoundException("Azurite not found: run `npm ci --prefix tests/tools` in the repository (or set AZURITE_BIN_DIR).");
        var azurite = new AzuriteProcess(bin, location);
        await azurite.StartAgainAsync();
        return azurite;
    }

    /// <summary>Starts Azurite (again) on the same ports and data directory; returns once both services accept connections.</summary>
    public async Task StartAgainAsync()
    {
        Directory.CreateDirectory(Location);
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["-c", Watchdog, "azurite-watchdog", _bin,
                     "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}", "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{QueuePort}", "--location", Location,
                     "--skipApiVersionCheck", "--disableTelemetry", "--silent"])
            psi.ArgumentList.Add(a);
        _watchdog = Process.Start(psi)!;
        var line = await _watchdog.StandardOutput.ReadLineAsync();
        _pid = int.Parse(line!["azurite-pid ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        while (!(Listening(BlobPort) && Listening(TablePort)))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("Azurite did not start within 60 s");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops Azurite the way a service stops (SIGTERM, so it saves its data), and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_watchdog is null) return;
        _watchdog.StandardInput.Close(); // the watchdog sends SIGTERM, then SIGKILL after 10 s
        await _watchdog.WaitForExitAsync();
        _watchdog.Dispose();
        _watchdog = null;
        while (File.Exists($"/proc/{_pid}/stat")) await Task.Delay(50);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BIN_DIR") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, "azurite"))) return Path.Combine(dir, "azurite");
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "tools", "node_modules", ".bin", "azurite");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
