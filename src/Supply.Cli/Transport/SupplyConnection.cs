using Grpc.Core;
using Grpc.Net.Client;
using Polly;
using Supply.Contracts.V1;

namespace Supply.Cli.Transport;

/// <summary>
/// A channel to the server, its three clients, and the resilience pipeline. Use <see cref="CallAsync{T}"/>
/// for every call so retries, the breaker and the time-out apply.
/// </summary>
public sealed class SupplyConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ResiliencePipeline _pipeline;

    public SupplyConnection(Uri server, ResilienceSettings settings, string? token = null)
    {
        Server = server;
        Settings = settings;
        // Cancellation surfaces as OperationCanceledException, so the pipeline's time-out can recognise its own.
        var options = new GrpcChannelOptions
        {
            ThrowOperationCanceledOnCancellation = true,
            // As the gRPC docs advise for long-lived channels: pings find a dead connection, and a full connection opens another.
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                // A reply fits in the stream's first window, so no WINDOW_UPDATE for it arrives after it ended: those
                // late updates trigger a lost response in Kestrel (docs/connections.md, dotnet/aspnetcore#53736).
                InitialHttp2StreamWindowSize = 16 << 20,
            },
        };
        if (token is { Length: > 0 })
        {
            var bearer = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
            options.Credentials = ChannelCredentials.Create(server.Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer);
            options.UnsafeUseInsecureChannelCallCredentials = true; // plaintext h2c on a developer's loopback
        }
        _channel = GrpcChannel.ForAddress(server, options);
        _pipeline = SupplyResilience.Build(settings);
        Catalog = new Catalog.CatalogClient(_channel);
        Reporting = new StockReporting.StockReportingClient(_channel);
        Query = new StockQuery.StockQueryClient(_channel);
        Scenarios = new Scenarios.ScenariosClient(_channel);
        Shortages = new ShortageNotices.ShortageNoticesClient(_channel);
        Coverage = new Coverage.CoverageClient(_channel);
        Readiness = new Readiness.ReadinessClient(_channel);
        Webhooks = new AlertWebhooks.AlertWebhooksClient(_channel);
    }

    public Uri Server { get; }
    public ResilienceSettings Settings { get; }
    public Catalog.CatalogClient Catalog { get; }
    public StockReporting.StockReportingClient Reporting { get; }
    public StockQuery.StockQueryClient Query { get; }
    public Scenarios.ScenariosClient Scenarios { get; }
    public ShortageNotices.ShortageNoticesClient Shortages { get; }
    public Coverage.CoverageClient Coverage { get; }
    public Readiness.ReadinessClient Readiness { get; }
    public AlertWebhooks.AlertWebhooksClient Webhooks { get; }

    /// <summary>Runs one call (or one whole stream) through the pipeline; <paramref name="call"/> must honour its token.</summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public void Dispose() => _channel.Dispose();
}
