using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Supply.CoverageBench;

/// <summary>
/// A throwaway PostgreSQL 15 cluster on 127.0.0.1: initdb into a temporary directory owned by the
/// <c>postgres</c> user (trust authentication, loopback only), then <c>postgres</c> in the foreground under a
/// small <c>sh</c> watchdog, as the load test runs the server: the watchdog's stdin is a pipe from this process,
/// so when we stop it, or die without cleaning up (even by SIGKILL), it stops PostgreSQL (SIGINT = fast shutdown,
/// SIGKILL after 10 s) and removes the directory.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so initdb and postgres run as <c>postgres</c> via <c>setpriv</c>, which
/// execs (no intermediate process that would have to pass signals on).
/// </remarks>
public sealed class PostgresProcess : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    private const string Watchdog = """
        "$@" </dev/null >>"$PGBENCH_DIR/postgres.log" 2>&1 &
        pid=$!
        echo "pgbench-pid $pid"
        read -r _ || true
        kill -INT "$pid" 2>/dev/null
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rm -rf "$PGBENCH_DIR"
        echo "pgbench-exited"
        """;

    private readonly Process _watchdog;
    private readonly TaskCompletionSource<int> _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private PostgresProcess(Process watchdog, string directory, int port)
    {
        _watchdog = watchdog;
        Directory = directory;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=30;Command Timeout=600";
    }

    public string Directory { get; }
    public int Port { get; }
    public int Pid { get; private set; }
    public string ConnectionString { get; }
    public IReadOnlyList<string> Settings { get; } =
        ["shared_buffers=1GB", "work_mem=64MB", "max_parallel_workers_per_gather=2", "fsync=on", "synchronous_commit=on"];

    public static async Task<PostgresProcess> StartAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(BinDir, "postgres")))
            throw new FileNotFoundException($"PostgreSQL 15 is not installed ({BinDir}/postgres not found); run with --postgres false to skip the baseline");
        var directory = Path.Combine(Path.GetTempPath(), $"supply-coveragebench-pg-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            await RunAsync("chown", ["postgres:postgres", directory], ct);
            var data = Path.Combine(directory, "data");
            // --no-sync: a throwaway cluster; the timed COPY and queries still run with fsync on.
            await RunAsync("setpriv", [.. AsPostgres, Path.Combine(BinDir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], ct);
        }
        catch
        {
            TryDelete(directory);
            throw;
        }

        var port = FreePort();
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Watchdog);
        psi.ArgumentList.Add("supply-pg-watchdog"); // $0
        psi.ArgumentList.Add("setpriv");
        foreach (var a in AsPostgres) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(Path.Combine(BinDir, "postgres"));
        foreach (var a in new[] { "-D", Path.Combine(directory, "data"), "-p", port.ToString(), "-k", directory, "-c", "listen_addresses=127.0.0.1" })
            psi.ArgumentList.Add(a);
        var pg = new PostgresProcess(new Process { StartInfo = psi }, directory, port);
        foreach (var setting in pg.Settings)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(setting);
        }
        psi.Environment["PGBENCH_DIR"] = directory;
        pg._watchdog.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("pgbench-pid ", StringComparison.Ordinal) == true && int.TryParse(e.Data.AsSpan(12), out var pid)) pg._pid.TrySetResult(pid);
        };
        pg._watchdog.ErrorDataReceived += (_, _) => { };
        try
        {
            pg._watchdog.Start();
            pg._watchdog.BeginOutputReadLine();
            pg._watchdog.BeginErrorReadLine();
            pg.Pid = await pg._pid.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            await pg.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
            return pg;
        }
        catch
        {
            var log = pg.LogTail();
            await pg.DisposeAsync();
            throw new InvalidOperationException($"PostgreSQL did not start. Its log:\n{log}");
        }
    }

    private static readonly string[] AsPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"];

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(ConnectionString);
                await conn.OpenAsync(ct);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException && clock.Elapsed < timeout)
            {
                if (_watchdog.HasExited) throw new InvalidOperationException("postgres exited during start-up");
                await Task.Delay(200, ct);
            }
        }
    }

    public string LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(Directory, "postgres.log"));
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException) { return "(no log)"; }
        catch (UnauthorizedAccessException) { return "(no log)"; }
    }

    /// <summary>Stops PostgreSQL (fast shutdown, then SIGKILL) and removes the directory; the watchdog does both.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_watchdog.HasExited)
            {
                try { _watchdog.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await _watchdog.WaitForExitAsync(wait.Token); } catch (OperationCanceledException) { }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            KillNow();
            _watchdog.Dispose();
            TryDelete(Directory);
        }
    }

    /// <summary>Kills at once (Ctrl+C and process-exit handlers, where nothing can be awaited).</summary>
    public void KillNow()
    {
        if (Pid > 0)
        {
            try { using var p = Process.GetProcessById(Pid); p.Kill(entireProcessTree: true); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        try { if (!_watchdog.HasExited) _watchdog.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static void TryDelete(string directory)
    {
        try { if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static async Task RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var output = new StringBuilder();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        output.Append(await stdout).Append(await stderr);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}): {output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
