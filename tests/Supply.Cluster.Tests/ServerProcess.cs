using Grpc.Core;
using Grpc.Health.V1;
using Supply.DevTokens;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.Testing;

namespace Supply.Cluster.Tests;

/// <summary>One real Supply.Server process in cluster mode on 127.0.0.1.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServerProcess(string name, ChildProcess process, int port)
    {
        Name = name;
        _process = process;
        Address = $"http://127.0.0.1:{port}";
        // Every call carries a token signed with this test's own key (production mode refuses the development key).
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + Token);
            return Task.CompletedTask;
        });
        Channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, bearer),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    private static readonly string SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private const string Issuer = "supply-cluster-test";

    /// <summary>An administrator and reporter for every region: this test is about crashes, not access.</summary>
    private static readonly string Token = SupplyTokens.Mint("cluster-test", ["admin", "region-reporter", "national-coordinator"],
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"],
        key: SigningKey, issuer: Issuer);

    public string Name { get; }
    public string Address { get; }
    public GrpcChannel Channel { get; }
    public bool Killed { get; private set; }
    public string Output => _process.Output;

    public StockReporting.StockReportingClient Reporting => new(Channel);
    public StockQuery.StockQueryClient Query => new(Channel);
    public Catalog.CatalogClient Catalog => new(Channel);

    public static async Task<ServerProcess> StartAsync(string name, string serviceId, string azure)
    {
        var port = FreePorts.Next();
        var dll = RepoPaths.ServerDll;
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build the solution first");
        var process = ChildProcess.Start("dotnet",
        [
            dll,
            "--Supply:Cluster:Mode=Cluster",
            $"--Supply:Storage:Azure:ConnectionString={azure}",
            $"--Supply:Silo:ServiceId={serviceId}",
            $"--Supply:Silo:ClusterId={serviceId}",
            $"--Supply:Silo:SiloPort={FreePorts.Next()}",
            $"--Supply:Silo:GatewayPort={FreePorts.Next()}",
            "--Supply:Silo:AdvertisedAddress=127.0.0.1",
            $"--Supply:Listen:Port={port}",
            "--Supply:Http:Enabled=false", // else every server would take the REST/JSON API's default port 5082
            // Declare a dead silo within seconds, not the production minute, so the test stays short.
            "--Supply:Cluster:Membership:ProbeTimeout=00:00:01",
            "--Supply:Cluster:Membership:NumMissedProbesLimit=2",
            "--Supply:Cluster:Membership:NumVotesForDeathDeclaration=1",
            "--Supply:Cluster:Membership:TableRefreshTimeout=00:00:02",
            "--Supply:Cluster:Membership:IAmAliveTablePublishTimeout=00:00:02",
            "--Supply:Cluster:Messaging:ResponseTimeout=00:00:05",
            "--Logging:LogLevel:Default=Warning",
            $"--Supply:Auth:Jwt:SigningKeys:0={SigningKey}",
            $"--Supply:Auth:Jwt:Issuer={Issuer}",
            "--Supply:Listen:AllowPlaintext=true", // loopback only
        ], workingDirectory: Path.GetTempPath());
        var server = new ServerProcess(name, process, port);
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var health = new Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited:\n{Output}");
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} not healthy after {timeout}:\n{Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL, mid-flight: a crash, not a shutdown.</summary>
    public void Kill()
    {
        Killed = true;
        _process.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _process.DisposeAsync();
    }
}
