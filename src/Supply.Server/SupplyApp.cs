using Supply.Server.Exports;
using Supply.Server.Extensions;
using Supply.Server.Security;

namespace Supply.Server;

/// <summary>Builds the host; Program runs it, and tests start the same host on free loopback ports.</summary>
public static class SupplyApp
{
    public static WebApplication Create(string[] args)
    {
        // appsettings.json ships beside the binary; relative data paths stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            // Names the static web assets manifest the dashboard is served from, also when a test process hosts the server.
            ApplicationName = typeof(SupplyApp).Assembly.GetName().Name,
        });
        builder.AddSupplyTelemetry();
        builder.AddSupplySilo();
        builder.AddSupplyApplication();
        builder.AddSupplySecurity();
        builder.AddSupplyGrpc();
        builder.AddSupplyFeeds();
        builder.AddSupplyWebhooks();
        builder.AddSupplyDemo();
        builder.AddSupplyDashboard();
        builder.AddSupplyRestApi(); // after the dashboard: its port must differ
        builder.AddSupplyFhir();

        var app = builder.Build();
        app.UseSupplySecurity();
        app.MapSupplyDashboard();
        app.MapSupplyRestApi(); // after the dashboard's guard, which keeps the API page off the dashboard's endpoint
        app.MapSupplyGrpc();
        app.MapSupplyFhir();
        app.MapSupplyExports();
        if (app.Environment.IsDevelopment())
            app.Logger.LogWarning("Development: tokens signed with the well-known development key are accepted. Get one with " +
                "`dotnet run --project src/Supply.Cli -- dev token --role national-coordinator` and pass it as SUPPLY_TOKEN or --token.");
        return app;
    }
}
