using Supply.Server.Extensions;

namespace Supply.Server.Telemetry;

/// <summary>Serves GET /metrics on the scrape port ahead of everything else, and nothing more on that port.</summary>
internal sealed class ScrapeStartupFilter(ScrapeEndpoint endpoint) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: endpoint.IsScrape, path: null,
            configureBranchedPipeline: null, optionsName: null);
        app.Use((http, rest) =>
        {
            if (!endpoint.IsOnPort(http)) return rest(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return http.Response.WriteAsync($"Only GET {TelemetryExtensions.ScrapePath} is served on this port.");
        });
        next(app);
    };
}
