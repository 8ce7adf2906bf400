using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Supply.DevTokens;
using Supply.Domain.Catalog;
using Supply.Server;
using Supply.Server.Hosting;
using Supply.Server.Security;
using Supply.Testing;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>
/// The real Supply.Server (Kestrel, co-hosted silo, SQLite) in Development with the demo data, gRPC and the dashboard
/// each on a free 127.0.0.1 port.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "supply-dashboard-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    /// <summary>http://127.0.0.1:PORT of the dashboard.</summary>
    public string DashboardUrl { get; private set; } = "";
    /// <summary>http://127.0.0.1:PORT of gRPC (h2c).</summary>
    public string GrpcUrl { get; private set; } = "";
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("not started");

    /// <summary>Every role, every region: for setting data up over gRPC.</summary>
    public static readonly string SuperuserToken = SupplyTokens.Mint("dashboard-test", Roles.All, Regions.All.Select(r => r.Code), ["test-supplier"]);

    public static async Task<DashboardServer> StartAsync(params string[] extraArgs)
    {
        var server = new DashboardServer();
        Directory.CreateDirectory(server._directory);
        server._app = SupplyApp.Create(
        [
            "--environment=Development",
            "--Supply:Demo=true",
            "--Supply:Listen:Port=0",
            "--Supply:Dashboard:Port=0",
            "--Supply:Http:Enabled=false", // the REST/JSON API's endpoint: tests/Supply.Server.Tests/RestApiTests.cs
            $"--Supply:Storage:SqlitePath={Path.Combine(server._directory, "supply.db")}",
            "--Supply:Storage:DurableCommits=false",
            $"--Supply:Silo:SiloPort={FreePorts.Next()}",
            $"--Supply:Silo:GatewayPort={FreePorts.Next()}",
            "--Supply:Coverage:AlertInterval=00:00:01",
            "--Supply:Dashboard:RefreshInterval=00:00:01",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        await server._app.StartAsync();
        var dashboard = server._app.Services.GetRequiredService<DashboardEndpoint>();
        server.DashboardUrl = dashboard.Url;
        server.GrpcUrl = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => new Uri(a).Port != new Uri(server.DashboardUrl).Port);
        await server._app.Services.GetServices<IHostedService>().OfType<DemoLoader>().Single().ExecuteTask!.WaitAsync(TimeSpan.FromMinutes(2));
        return server;
    }

    /// <summary>A gRPC channel that sends <paramref name="token"/> (the superuser's by default).</summary>
    public GrpcChannel Channel(string? token = null)
    {
        var bearer = token ?? SuperuserToken;
        return GrpcChannel.ForAddress(GrpcUrl, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + bearer);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
