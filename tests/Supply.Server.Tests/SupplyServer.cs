using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Grpc.Core;
using Supply.DevTokens;
using Supply.Contracts.V1;
using Supply.Domain.Catalog;
using Supply.Server.Security;
using Supply.Server;
using Supply.Server.Hosting;
using Microsoft.Extensions.Hosting;

namespace Supply.Server.Tests;

/// <summary>
/// The real Supply.Server host (Kestrel + co-hosted silo + SQLite) on free 127.0.0.1 ports, with a
/// real gRPC channel to it. Restartable on the same database file.
/// </summary>
public sealed class SupplyServer : IAsyncDisposable
{
    private readonly string _dbPath;
    private readonly string[] _extraArgs;
    private WebApplication? _app;

    public SupplyServer(string? dbPath = null, params string[] extraArgs)
    {
        _dbPath = dbPath ?? Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"), "supply.db");
        _extraArgs = extraArgs;
    }

    public string DatabasePath => _dbPath;
    public string Address { get; private set; } = "";
    public GrpcChannel Channel { get; private set; } = null!;
    /// <summary>The REST/JSON API's base URL when its endpoint is on (--Supply:Http:...), else null.</summary>
    public string? RestUrl { get; private set; }
    /// <summary>The running host's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the server is not running");

    /// <summary>Completes when this start's demo loader (--Supply:Demo=true) has loaded the demo data set.</summary>
    public Task DemoLoadedAsync() =>
        Services.GetServices<IHostedService>().OfType<DemoLoader>().Single().ExecuteTask!.WaitAsync(TimeSpan.FromMinutes(2));

    /// <summary>Every role, every region, and supplier "test-supplier": what tests that are not about access use.</summary>
    public static readonly string SuperuserToken = SupplyTokens.Mint("test-superuser", Roles.All, Regions.All.Select(r => r.Code), ["test-supplier"]);

    /// <summary>A channel to this server that sends the given bearer token (none when null).</summary>
    public GrpcChannel ChannelAs(string? token)
    {
        var options = new GrpcChannelOptions();
        if (token is not null)
        {
            options.Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            }));
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }
        return GrpcChannel.ForAddress(Address, options);
    }

    public Catalog.CatalogClient Catalog => new(Channel);
    public StockReporting.StockReportingClient Reporting => new(Channel);
    public StockQuery.StockQueryClient Query => new(Channel);

    public static async Task<SupplyServer> StartAsync(string? dbPath = null, params string[] extraArgs)
    {
        var server = new SupplyServer(dbPath, extraArgs);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        string[] args =
        [
            "--environment=Development",
            .. SupplyServer.DefaultListen(_extraArgs),
            $"--Supply:Storage:SqlitePath={_dbPath}",
            $"--Supply:Silo:SiloPort={FreePort()}",
            $"--Supply:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            .. _extraArgs,
        ];
        _app = SupplyApp.Create(args);
        await _app.StartAsync();
        var rest = _app.Services.GetRequiredService<HttpApiEndpoint>();
        RestUrl = rest.IsOn ? rest.Url : null;
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => RestUrl is null || new Uri(a).Port != new Uri(RestUrl).Port)
            .Replace("[::]", "127.0.0.1");
        Channel = ChannelAs(SuperuserToken);
    }

    public async Task StopAsync()
    {
        Channel?.Dispose();
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(Path.GetDirectoryName(_dbPath)!, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// A free port through Supply:Listen, unless the test names its own endpoint (an ASP.NET Core setting wins, and both are refused);
    /// no web dashboard (its own endpoint; tests/Supply.Dashboard.Tests) unless the test names a dashboard setting.
    /// </summary>
    public static string[] DefaultListen(string[] extraArgs) =>
    [
        .. extraArgs.Any(a => a.StartsWith("--urls", StringComparison.Ordinal) || a.StartsWith("--Kestrel:Endpoints", StringComparison.Ordinal)
            || a.StartsWith("--Supply:Listen:Port", StringComparison.Ordinal))
            ? Array.Empty<string>()
            : ["--Supply:Listen:Port=0"],
        .. extraArgs.Any(a => a.StartsWith("--Supply:Dashboard:", StringComparison.Ordinal)) ? Array.Empty<string>() : ["--Supply:Dashboard:Enabled=false"],
        // Nor the REST/JSON API's endpoint (RestApiTests name it).
        .. extraArgs.Any(a => a.StartsWith("--Supply:Http:", StringComparison.Ordinal)) ? Array.Empty<string>() : ["--Supply:Http:Enabled=false"],
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
