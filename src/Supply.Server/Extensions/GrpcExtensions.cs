using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Supply.Server.Grpc;
using Supply.Server.Hosting;
using Supply.Server.Security;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class GrpcExtensions
{
    /// <summary>gRPC over HTTP/2 where <see cref="Hosting.ListenEndpoints"/> says (127.0.0.1:5080 by default), with health and reflection.</summary>
    public static WebApplicationBuilder AddSupplyGrpc(this WebApplicationBuilder builder)
    {
        var options = builder.GetSupplyOptions();
        var endpoints = builder.GetListenEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel => endpoints.Apply(kestrel, builder.Configuration, options));
        // Kestrel's own limit names (Kestrel:Limits:KeepAliveTimeout, Kestrel:Limits:Http2:MaxStreamsPerConnection, ...), which
        // ASP.NET Core does not read from configuration by itself.
        builder.WebHost.ConfigureKestrel(kestrel => builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits));
        // After every other Kestrel setting, so the connection window covers the stream limits actually in force.
        builder.Services.PostConfigure<KestrelServerOptions>(kestrel => Http2ConnectionLimits.Apply(kestrel, options.Listen));

        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<AuthorizationInterceptor>();
            o.MaxReceiveMessageSize = options.Limits.MaxMessageBytes; // default 16 MiB: a 20,000-line report fits
        });
        builder.Services.AddGrpcReflection();
        // "" (readiness): the silo answers grain calls. "liveness": the process itself answers, so an
        // outage of shared storage (Azure Storage in cluster mode) makes pods unready instead of restarting all of them.
        builder.Services.AddGrpcHealthChecks(o =>
            {
                o.Services.Clear();
                o.Services.Map("", r => r.Tags.Contains("ready"));
                o.Services.Map("liveness", r => r.Tags.Contains("live"));
            })
            .AddCheck<SiloHealthCheck>("silo", tags: ["ready"])
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    public static WebApplication MapSupplyGrpc(this WebApplication app)
    {
        app.MapGrpcService<CatalogService>();
        app.MapGrpcService<StockReportingService>();
        app.MapGrpcService<StockQueryService>();
        app.MapGrpcService<AuditService>();
        app.MapGrpcService<FeedsService>();
        app.MapGrpcService<ShortageNoticesService>();
        app.MapGrpcService<ScenariosService>();
        app.MapGrpcService<CoverageService>();
        app.MapGrpcService<ReadinessService>();
        app.MapGrpcService<AlertWebhooksService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
