using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Supply.LoadTest;

/// <summary>
/// Supply.Server as a child process: <c>dotnet Supply.Server.dll</c> on free loopback ports with a fresh
/// SQLite file in a temporary directory. It never outlives the load test: it is stopped on dispose
/// (normal end, failure, Ctrl+C), and on Linux a small <c>sh</c> watchdog between the two stops it
/// too when the load test dies without cleaning up (even by SIGKILL), because the watchdog's stdin,
/// a pipe from the load test, then closes.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    // The watchdog: starts the server in the background, says its pid, waits for stdin to close (or a
    // line), then stops the server: SIGTERM, up to 10 s to shut down, then SIGKILL.
    private const string Watchdog = """
        "$@" </dev/null 2>&1 &
        pid=$!
        echo "loadtest-server-pid $pid"
        read -r _ || true
        kill -TERM "$pid" 2>/dev/null
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        if [ -n "$LOADTEST_CLEANUP_DIR" ]; then rm -rf "$LOADTEST_CLEANUP_DIR"; fi
        echo "loadtest-server-exited"
        """;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<int> _serverPid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _keep;
    private bool _disposed;
    private volatile bool _gone; // the server and the watchdog have been stopped and waited for

    private ServerProcess(Process process, string directory, string databasePath, string dll, bool keep)
    {
        _process = process;
        Directory = directory;
        DatabasePath = databasePath;
        Dll = dll;
        _keep = keep;
    }

    public string Directory { get; }
    public string DatabasePath { get; }
    public string Dll { get; }
    public string LogPath => Path.Combine(Directory, "server.log");
    public int Pid { get; private set; }
    public string Url { get; private set; } = "";

    /// <summary>The Release Supply.Server.dll: --server-dll, else the path baked in at build time (see the .csproj).</summary>
    public static string LocateDll(string? explicitPath)
    {
        if (explicitPath is not null)
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--server-dll: {explicitPath} does not exist");
        var baked = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SupplyServerDll")?.Value;
        if (!string.IsNullOrEmpty(baked) && File.Exists(baked)) return baked;
        throw new FileNotFoundException(
            $"The Release build of Supply.Server was not found{(string.IsNullOrEmpty(baked) ? "" : $" at {baked}")}. " +
            "Build this project (it builds the server in Release), e.g. dotnet build -c Release benchmarks/Supply.LoadTest, or pass --server-dll.");
    }

    /// <summary>The bare-gRPC baseline server (benchmarks/Supply.BareGrpc, Release): --bare-dll, else the path baked in at build time.</summary>
    public static string LocateBareDll(string? explicitPath) =>
        explicitPath is not null
            ? File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--bare-dll: {explicitPath} does not exist")
            : typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "BareGrpcDll")?.Value is { Length: > 0 } baked
                && File.Exists(baked)
                ? baked
                : throw new FileNotFoundException("The Release build of Supply.BareGrpc was not found. Build this project (it builds it in Release), " +
                                                  "pass --bare-dll, or run with --baseline false.");

    /// <summary>Starts the bare-gRPC baseline (only StreamReports: parse, ack) on a free loopback port, under the same watchdog.</summary>
    public static Task<ServerProcess> StartBareAsync(string dll, IEnumerable<KeyValuePair<string, string>> environment, TimeSpan timeout, CancellationToken ct)
    {
        var directory = Path.Combine(Path.GetTempPath(), "supply-loadtest", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-bare");
        System.IO.Directory.CreateDirectory(directory);
        string[] args = [DotnetHost(), dll, "--environment=Production", "--Port=0"];
        return LaunchAsync(dll, args, directory, db: "", keep: false, environment, timeout, ct);
    }

    public static Task<ServerProcess> StartAsync(string dll, bool durable, string logLevel, bool keep,
        IEnumerable<KeyValuePair<string, string>> environment, IEnumerable<string> extraArgs, TimeSpan timeout, CancellationToken ct,
        string? existingDirectory = null)
    {
        // An existing directory (a restart on the same database, Supply.FaultBench) belongs to the caller: never removed here.
        keep |= existingDirectory is not null;
        var directory = existingDirectory ?? Path.Combine(Path.GetTempPath(), "supply-loadtest", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "supply.db");
        string[] serverArgs =
        [
            DotnetHost(),
            dll,
            "--environment=Production",
            "--Supply:Listen:Address=127.0.0.1",
            "--Supply:Listen:Port=0", // the server picks a free port and logs it
            "--Supply:Http:Enabled=false", // only the gRPC endpoint, the one "Now listening on" names
            $"--Supply:Storage:SqlitePath={db}",
            $"--Supply:Storage:DurableCommits={(durable ? "true" : "false")}",
            $"--Supply:Silo:SiloPort={FreePort()}",
            $"--Supply:Silo:GatewayPort={FreePort()}",
            $"--Logging:LogLevel:Default={logLevel}",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", // for the "Now listening on" line
            .. extraArgs,
        ];
        return LaunchAsync(dll, serverArgs, directory, db, keep, environment, timeout, ct);
    }

    /// <summary>Runs <paramref name="serverArgs"/> (host, dll, arguments) under the watchdog and waits for its "Now listening on" line.</summary>
    private static async Task<ServerProcess> LaunchAsync(string dll, string[] serverArgs, string directory, string db, bool keep,
        IEnumerable<KeyValuePair<string, string>> environment, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            // The server's appsettings.json sits beside the dll; WebApplication reads it from the working directory.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var watchdog = File.Exists("/bin/sh");
        if (watchdog)
        {
            psi.FileName = "/bin/sh";
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(Watchdog);
            psi.ArgumentList.Add("supply-server-watchdog"); // $0
        }
        else
        {
            psi.FileName = serverArgs[0];
        }
        foreach (var a in watchdog ? serverArgs : serverArgs[1..]) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        // The watchdog also removes the temporary directory once the server is gone (when the load test cannot).
        if (!keep) psi.Environment["LOADTEST_CLEANUP_DIR"] = directory;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var server = new ServerProcess(process, directory, db, dll, keep);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            server._listening.TrySetException(new InvalidOperationException("the server exited during start-up"));
            server._serverPid.TrySetException(new InvalidOperationException("the server exited during start-up"));
        };
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!watchdog) server._serverPid.TrySetResult(process.Id);

            using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
            startup.CancelAfter(timeout);
            server.Pid = await server._serverPid.Task.WaitAsync(startup.Token);
            while (!server._listening.Task.IsCompleted)
            {
                if (!ProcStats.IsAlive(server.Pid)) throw new InvalidOperationException("the server exited during start-up");
                await Task.WhenAny(server._listening.Task, Task.Delay(250, startup.Token));
                startup.Token.ThrowIfCancellationRequested();
            }
            server.Url = await server._listening.Task;
            return server;
        }
        catch (Exception e)
        {
            var tail = server.LogTail(30);
            await server.DisposeAsync();
            throw new InvalidOperationException(
                $"{Path.GetFileNameWithoutExtension(dll)} did not start ({(e is OperationCanceledException ? $"no 'Now listening on' within {timeout.TotalSeconds:0} s" : e.Message)}). " +
                $"Its output:\n{tail}", e);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.StartsWith("loadtest-server-pid ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(20), out var pid))
        {
            _serverPid.TrySetResult(pid);
            return;
        }
        lock (_log)
        {
            if (_log.Length < 4 << 20) _log.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } m) _listening.TrySetResult(m.Groups[1].Value);
    }

    [GeneratedRegex(@"Now listening on:\s*(http://[^\s]+)")]
    private static partial Regex ListeningLine();

    public string LogTail(int lines)
    {
        string text;
        lock (_log) text = _log.ToString();
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>Size of the database with its WAL and shared-memory files.</summary>
    public (long Db, long Wal) DatabaseBytes()
    {
        static long Size(string p) => File.Exists(p) ? new FileInfo(p).Length : 0;
        return (Size(DatabasePath), Size(DatabasePath + "-wal"));
    }

    /// <summary>Stops the server (gracefully, then by force) and removes the temporary directory unless --keep.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                // Closing the watchdog's stdin makes it stop the server (TERM, then KILL after 10 s).
                try { _process.StandardInput.Close(); } catch (IOException) { } catch (InvalidOperationException) { }
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await _process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { }
            }
        }
        finally
        {
            // Belt and braces: whatever is still alive now is killed.
            if (Pid > 0 && ProcStats.IsAlive(Pid))
            {
                try { Process.GetProcessById(Pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
            try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _gone = true;
            _process.Dispose();
            try { File.WriteAllText(LogPath, LogTail(int.MaxValue)); } catch (IOException) { }
            if (!_keep)
            {
                try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>Kills at once (used from the Ctrl+C / process-exit handlers, where nothing can be awaited).</summary>
    public void KillNow()
    {
        if (_gone) return; // stopped already; the pid may belong to another process by now
        try { if (Pid > 0 && ProcStats.IsAlive(Pid)) Process.GetProcessById(Pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    /// <summary>The dotnet host running this process (dotnet run starts an apphost, so look further), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root
            && Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet") is var rooted && File.Exists(rooted)) return rooted;
        return "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
