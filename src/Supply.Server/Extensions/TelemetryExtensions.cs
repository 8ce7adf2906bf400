using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Supply.Server.Telemetry;
using Supply.Storage;
using OrleansSources = Orleans.Diagnostics.ActivitySources;

namespace Supply.Server.Extensions;

public static class TelemetryExtensions
{
    /// <summary>
    /// The activity sources whose spans are exported: one gRPC call is one trace, from the ASP.NET Core server span
    /// through the Orleans grain calls (activity propagation is on in the silo) to the storage provider's span.
    /// </summary>
    public static readonly IReadOnlyList<string> TraceSources =
    [
        SupplyMetrics.Name,
        StorageTracing.ActivitySourceName,                 // "Supply.Storage": SQLite / Azure Table read, write, clear
        OrleansSources.ApplicationGrainActivitySourceName, // grain calls of our interfaces
        OrleansSources.LifecycleActivitySourceName,        // activation (placement, OnActivateAsync), deactivation
        OrleansSources.StorageActivitySourceName,          // Orleans' "read/write/clear storage" around the provider
        "System.Net.Http",                                 // outgoing HTTP: feed fetches, Azure Table requests
        // Not OrleansSources.RuntimeActivitySourceName: system-target calls and grain timer ticks, a root trace per tick.
    ];

    /// <summary>The meters exported (besides ASP.NET Core's, added by its instrumentation).</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        SupplyMetrics.Name,                 // reports, lines, refusals by reason, ingest latency
        Supply.Feeds.FeedMetrics.MeterName, // pulls, rows, HTTP attempts, breaker state, staleness, data age
        Supply.Grains.Aggregation.AggregationMetrics.MeterName, // report → national view lag
        "Microsoft.Orleans",                // activations, grain counts, messaging, storage latency
        "System.Runtime",                   // GC, heap, CPU, thread pool
    ];

    /// <summary>Path of the Prometheus scrape endpoint.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry. Exporters by configuration: OTLP when an endpoint is set
    /// (Supply:Telemetry:OtlpEndpoint or the standard OTEL_EXPORTER_OTLP_ENDPOINT), console when
    /// Supply:Telemetry:Console is true, and a Prometheus scrape endpoint at <c>/metrics</c> on its own plaintext
    /// HTTP/1.1 port when Supply:Telemetry:PrometheusPort is set (0, the default: none). Console logs carry the
    /// trace and span ids of the call they were written in.
    /// </summary>
    public static IHostApplicationBuilder AddSupplyTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SupplyMetrics>();
        var options = builder.GetSupplyOptions();
        var telemetry = options.Telemetry;
        var otlp = telemetry.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var scrape = ScrapeEndpoint.From(options, builder.GetListenEndpoints());

        // Logs: every record written under an activity gets its trace and span ids (as a scope, which the console
        // formatters print when they include scopes; the OpenTelemetry exporter sends them as fields of the record).
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // Without a formatter name the console logger falls back to its deprecated options, which leave scopes out.
        builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        if (builder.Configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
        {
            builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
            builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        }
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("supply-server", serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o =>
                {
                    // A scrape every few seconds is not a trace anyone wants.
                    if (scrape is not null) o.Filter = http => !scrape.IsScrape(http);
                })
                    .AddSource([.. TraceSources]);
                if (telemetry.Console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddMeter([.. Meters])
                    // Seconds, 10 ms .. 5 min: a pull is a download and a batch of reports, not a single call.
                    .AddView("supply.feeds.pull.duration", new ExplicitBucketHistogramConfiguration
                    {
                        Boundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
                    });
                if (telemetry.Console) m.AddConsoleExporter();
                if (scrape is not null) m.AddPrometheusExporter(o => o.ScrapeEndpointPath = ScrapePath);
            });
        if (!string.IsNullOrWhiteSpace(otlp))
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(otlp));

        if (scrape is not null)
        {
            // Its own listener beside the gRPC one (which is HTTP/2 only, so a scraper could not speak to it): Kestrel
            // options compose, so this adds to what AddSupplyGrpc's ConfigureKestrel sets up.
            builder.Services.Configure<KestrelServerOptions>(k => k.Listen(scrape.Address, scrape.Port, l => l.Protocols = HttpProtocols.Http1));
            // First in the pipeline: a scrape needs no token and is not rate limited, and that port serves nothing else.
            builder.Services.AddSingleton<IStartupFilter>(new ScrapeStartupFilter(scrape));
        }
        return builder;
    }
}
