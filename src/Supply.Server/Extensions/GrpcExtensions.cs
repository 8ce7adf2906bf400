using System.Net;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Supply.Grains.Catalog;
using Supply.Server.Grpc;
using Supply.Server.Security;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class GrpcExtensions
{
    /// <summary>gRPC over HTTP/2 on the configured address (loopback by default), with health and reflection.</summary>
    public static WebApplicationBuilder AddSupplyGrpc(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SupplyOptions.Section).Get<SupplyOptions>() ?? new SupplyOptions();
        var listen = options.Listen;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(listen.Address), listen.Port, l =>
        {
            // HTTP/2 only: plaintext gRPC has no TLS to negotiate the protocol; with TLS, ALPN picks h2.
            l.Protocols = HttpProtocols.Http2;
            l.UseSupplyTls(options);
        }));

        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<AuthorizationInterceptor>();
            o.MaxReceiveMessageSize = options.Limits.MaxMessageBytes; // default 16 MiB: a 20,000-line report fits
        });
        builder.Services.AddGrpcReflection();
        builder.Services.Configure<Coverage.CoverageOptions>(builder.Configuration.GetSection($"{SupplyOptions.Section}:Coverage"));
        builder.Services.AddSingleton<Coverage.ICoverageCellSource, Coverage.AggregateCellSource>();
        builder.Services.AddSingleton<Coverage.AggregateRebuilder>();
        builder.Services.AddSingleton<Coverage.NationalCoverageReader>();
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
        app.UseSupplySecurity();
        app.MapGrpcService<CatalogService>();
        app.MapGrpcService<StockReportingService>();
        app.MapGrpcService<StockQueryService>();
        app.MapGrpcService<AuditService>();
        app.MapGrpcService<FeedsService>();
        app.MapGrpcService<ShortageNoticesService>();
        app.MapGrpcService<ScenariosService>();
        app.MapGrpcService<CoverageService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}

/// <summary>Healthy when the silo answers a grain call (the catalog grain's version).</summary>
internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden).GetVersion().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy($"catalog version {version}");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("the silo did not answer", e);
        }
    }
}
