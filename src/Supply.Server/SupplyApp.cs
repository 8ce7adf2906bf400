using Supply.Server.Extensions;

namespace Supply.Server;

/// <summary>Builds the host; Program runs it, and tests start the same host on free loopback ports.</summary>
public static class SupplyApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSupplyTelemetry();
        builder.AddSupplySilo();
        builder.AddSupplyGrpc();
//DEMO        builder.AddSupplyDemo();

        var app = builder.Build();
        app.MapSupplyGrpc();
        return app;
    }
}
