using Supply.Server.Extensions;

namespace Supply.Server;

/// <summary>Builds the host; Program runs it, and tests start the same host on free loopback ports.</summary>
public static class SupplyApp
{
    public static WebApplication Create(string[] args)
    {
        // appsettings.json ships beside the binary; relative data paths stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddSupplyTelemetry();
        builder.AddSupplySilo();
        builder.AddSupplyGrpc();
        builder.AddSupplyDemo();

        var app = builder.Build();
        app.MapSupplyGrpc();
        return app;
    }
}
