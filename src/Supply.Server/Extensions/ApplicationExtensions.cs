using Supply.Application;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;
using Supply.Server.Services;

namespace Supply.Server.Extensions;

public static class ApplicationExtensions
{
    /// <summary>
    /// The application services the transports (gRPC, supplier feeds) call: report intake, the per-silo catalog
    /// copy, the coverage and stock read side
    /// (<see cref="CoverageQueries"/>, <see cref="StockQueries"/>).
    /// </summary>
    public static IHostApplicationBuilder AddSupplyApplication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddSingleton<ReportIntake>();
        builder.Services.AddSingleton<IntakeBudget>();

        builder.Services.Configure<CoverageOptions>(builder.Configuration.GetSection($"{SupplyOptions.Section}:Coverage"));
        builder.Services.AddSingleton<AggregateRebuilder>();
        // The read side both transports call (gRPC services translate; dashboard pages render): one reader of the
        // aggregates (plans, filters, caches) under the query services.
        builder.Services.AddSingleton<AggregateReader>();
        builder.Services.AddSingleton<CoverageQueries>();
        builder.Services.AddSingleton<StockQueries>();
        builder.Services.AddSingleton<Supply.Application.Forecast.ProjectionQueries>();
        builder.Services.AddSingleton<ReportingQueries>();
        builder.Services.AddSingleton<Application.Expiry.ExpiryQueries>();
        builder.Services.AddSingleton<Application.Readiness.ReadinessQueries>();
        builder.Services.Configure<Application.Readiness.ReadinessOptions>(builder.Configuration.GetSection($"{SupplyOptions.Section}:Readiness"));
        builder.Services.AddHostedService<Application.Readiness.ComplianceRecorder>();
        builder.Services.AddSingleton<ScenarioRuns>();
        return builder;
    }
}
