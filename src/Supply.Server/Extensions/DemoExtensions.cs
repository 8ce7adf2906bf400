using Supply.Server.Hosting;

namespace Supply.Server.Extensions;

public static class DemoExtensions
{
    /// <summary>With Supply:Demo=true, loads the demo data set once the silo is up (idempotent: fixed report ids).</summary>
    public static IHostApplicationBuilder AddSupplyDemo(this IHostApplicationBuilder builder)
    {
        if (builder.GetSupplyOptions().Demo)
            builder.Services.AddHostedService<DemoLoader>();
        return builder;
    }
}
