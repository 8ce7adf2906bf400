using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;

namespace Supply.FaultBench;

/// <summary>
/// One Supply.Server on one SQLite file in a directory of the run, always on the same gRPC port so a restarted server
/// is where the clients look for it. Started again after a kill on the same database.
/// </summary>
public sealed class SingleNode : IAsyncDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _args;
    private readonly bool _keep;

    private SingleNode(string dll, string directory, int port, IReadOnlyList<string> args, bool keep)
    {
        _dll = dll;
        Directory = directory;
        Port = port;
        _args = args;
        _keep = keep;
    }

    public string Directory { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string DatabasePath => Path.Combine(Directory, "supply.db");
    public ServerProcess? Server { get; private set; }

    public static async Task<SingleNode> StartAsync(string dll, Auth auth, IEnumerable<string> extraArgs, bool keep)
    {
        var directory = Path.Combine(Path.GetTempPath(), "supply-faultbench", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort();
        var node = new SingleNode(dll, directory, port, [.. auth.ServerArgs, $"--Supply:Listen:Port={port}", .. extraArgs], keep);
        await node.StartServerAsync();
        return node;
    }

    /// <summary>Starts the server (again) on the same database and port; returns when it answers SERVING.</summary>
    public async Task StartServerAsync()
    {
        Server = await ServerProcess.StartAsync(_dll, durable: true, "Warning", keep: true, [], _args, TimeSpan.FromSeconds(120),
            CancellationToken.None, existingDirectory: Directory);
        using var channel = GrpcChannel.ForAddress(Url);
        await WaitUntilServingAsync(channel);
    }

    /// <summary>SIGKILL: no shutdown, no flush; whatever was not committed is gone.</summary>
    public async Task KillAsync()
    {
        var server = Server ?? throw new InvalidOperationException("not started");
        Process.GetProcessById(server.Pid).Kill(); // SIGKILL on Linux
        while (ProcStats.IsAlive(server.Pid)) await Task.Delay(10);
        await server.DisposeAsync(); // the watchdog and its pipe
        Server = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is { } server) await server.DisposeAsync();
        if (!_keep)
        {
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static async Task WaitUntilServingAsync(GrpcChannel channel)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (RpcException) when (clock.Elapsed < TimeSpan.FromSeconds(90)) { }
            await Task.Delay(200);
        }
    }

    public static async Task RegisterAsync(string url, Auth auth, Workload workload)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var catalog = new Catalog.CatalogClient(channel);
        foreach (var request in workload.ItemRequests()) await catalog.RegisterItemsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2));
        foreach (var request in workload.LocationRequests()) await catalog.RegisterLocationsAsync(request, auth.Admin, DateTime.UtcNow.AddMinutes(2));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
