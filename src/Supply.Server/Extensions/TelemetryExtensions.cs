using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Supply.Server.Telemetry;

namespace Supply.Server.Extensions;

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces and metrics for ASP.NET Core (gRPC calls), Orleans and the Supply meter. Exporters by
    /// configuration: OTLP when an endpoint is set (Supply:Telemetry:OtlpEndpoint or the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT), console when Supply:Telemetry:Console is true.
    /// </summary>
    public static IHostApplicationBuilder AddSupplyTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SupplyMetrics>();
        var telemetry = builder.Configuration.GetSection($"{SupplyOptions.Section}:Telemetry").Get<SupplyOptions.TelemetryOptions>()
            ?? new SupplyOptions.TelemetryOptions();
        var otlp = telemetry.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("supply-server"))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation()
                    .AddSource(SupplyMetrics.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application");
                if (telemetry.Console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddMeter(SupplyMetrics.Name, Supply.Feeds.FeedMetrics.MeterName, "Microsoft.Orleans");
                if (telemetry.Console) m.AddConsoleExporter();
            });
        if (!string.IsNullOrWhiteSpace(otlp))
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(otlp));
        return builder;
    }
}
