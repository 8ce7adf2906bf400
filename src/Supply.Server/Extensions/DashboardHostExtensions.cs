using Supply.Dashboard;
using Supply.Dashboard.Hosting;
using Supply.Server.Hosting;

namespace Supply.Server.Extensions;

public static class DashboardHostExtensions
{
    /// <summary>The web dashboard (src/Supply.Dashboard) on its own endpoint (<see cref="DashboardEndpoint"/>), when on.</summary>
    public static WebApplicationBuilder AddSupplyDashboard(this WebApplicationBuilder builder)
    {
        var dashboard = builder.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        var endpoint = DashboardEndpoint.From(builder.Configuration, builder.GetSupplyOptions(), builder.GetListenEndpoints(), dashboard,
            builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(endpoint);
        if (!endpoint.IsOn) return builder;
        builder.WebHost.ConfigureKestrel(endpoint.Apply);
        builder.Services.AddSupplyDashboard(builder.Configuration, builder.Environment.IsDevelopment());
        return builder;
    }

    public static WebApplication MapSupplyDashboard(this WebApplication app)
    {
        var endpoint = app.Services.GetRequiredService<DashboardEndpoint>();
        if (endpoint.IsOn) app.MapSupplyDashboard(app.Environment.IsDevelopment());
        // Where to click, once the port is bound (0 = a free one).
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (endpoint.IsOn) app.Logger.LogInformation("Dashboard: {Url}", endpoint.Url);
            else app.Logger.LogWarning("Dashboard: off ({Reason})", endpoint.OffReason);
        });
        return app;
    }
}
