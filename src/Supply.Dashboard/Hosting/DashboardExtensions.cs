using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Supply.Dashboard.Components;
using Supply.Dashboard.Live;
using Supply.Dashboard.Security;
using Supply.Dashboard.Tables;
using Supply.Server.Coverage;

namespace Supply.Dashboard.Hosting;

/// <summary>Registers and maps the dashboard; Supply.Server decides where it listens (Hosting/DashboardEndpoint.cs there).</summary>
public static class DashboardExtensions
{
    private const string NotFoundPage = "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Supply – 404</title></head><body>" +
        "<h1>Sidan finns inte <span lang=\"en\">(page not found)</span></h1><p><a href=\"/\">Lägesbild / Overview</a></p></body></html>";

    public static IServiceCollection AddSupplyDashboard(this IServiceCollection services, IConfiguration configuration, bool development)
    {
        var options = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        services.Configure<DashboardOptions>(configuration.GetSection(DashboardOptions.Section));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddLocalization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<DashboardCaller>();
        services.AddDashboardTables(); // drill-down, shortfall, reporting, scenario tables and their exports
        services.TryAddSingleton<CoverageVersion>();
        services.AddSingleton<OverviewSnapshots>();
        services.AddSingleton<OverviewLoader>();
        services.AddSingleton<TrendLoader>();
        services.AddSingleton<AlertFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertFeed>());
        DashboardAuth.Add(services, options, development);
        return services;
    }

    /// <summary>
    /// The dashboard's middleware and endpoints. Every dashboard endpoint carries <see cref="DashboardEndpointMetadata"/>;
    /// a guard answers 404 for dashboard endpoints off the dashboard endpoint and for anything else on it (gRPC included).
    /// </summary>
    public static WebApplication MapSupplyDashboard(this WebApplication app, bool development)
    {
        app.Use((http, next) =>
        {
            var isDashboardEndpoint = http.GetEndpoint()?.Metadata.GetMetadata<DashboardEndpointMetadata>() is not null;
            var onDashboard = DashboardConnection.Is(http);
            if (isDashboardEndpoint == onDashboard) return next(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            // A browser shows its own error page for an empty 404; say what happened and where to go instead.
            return onDashboard && HttpMethods.IsGet(http.Request.Method)
                ? http.Response.WriteAsync(NotFoundPage, http.RequestAborted)
                : Task.CompletedTask;
        });
        app.UseWhen(DashboardConnection.Is, branch => branch.UseRequestLocalization(DashboardCultures.LocalizationOptions()));
        app.UseAuthorization();
        app.UseAntiforgery();

        var group = app.MapGroup("").WithMetadata(DashboardEndpointMetadata.Instance);
        app.MapStaticAssets().WithMetadata(DashboardEndpointMetadata.Instance);
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .WithMetadata(DashboardEndpointMetadata.Instance)
            .RequireAuthorization(DashboardAuth.Policy);

        group.MapGet("/culture/{culture}", (HttpContext http, string culture, string? returnUrl) =>
        {
            if (!DashboardCultures.IsSupported(culture)) return Results.NotFound();
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true });
            return Results.LocalRedirect(DashboardAuth.IsLocal(returnUrl) ? returnUrl! : "/");
        });
        group.MapGet("/export/overview.csv", OverviewExport.CsvAsync).RequireAuthorization(DashboardAuth.Policy);
        group.MapGet(DashboardAuth.OidcSignInPath, (string? returnUrl) => DashboardAuth.Challenge(returnUrl));
        group.MapPost("/auth/signout", async (HttpContext http) =>
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(http, DashboardAuth.CookieScheme);
            return Results.LocalRedirect("/");
        }).RequireAuthorization(DashboardAuth.Policy);
        if (development)
        {
            group.MapGet(DashboardAuth.DevSignInPath, DevSignIn.Page);
            group.MapPost("/auth/dev-sign-in", DevSignIn.SignInAsync);
        }
        group.MapDashboardExports();
        return app;
    }
}

/// <summary>Swedish by default, English by the switch. Needs real cultures (InvariantGlobalization off).</summary>
public static class DashboardCultures
{
    public const string Swedish = "sv-SE";
    public const string English = "en-GB";
    public static readonly string[] Supported = [Swedish, English];

    public static bool IsSupported(string culture) => Supported.Contains(culture, StringComparer.OrdinalIgnoreCase);

    public static RequestLocalizationOptions LocalizationOptions()
    {
        var cultures = Supported.Select(Create).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(cultures[0]),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
        };
        // The switch (a cookie) decides; the browser's Accept-Language does not: Swedish unless English is chosen.
        options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        return options;
    }

    /// <summary>The culture, or the invariant one in a process run with invariant globalization (the host's tests).</summary>
    private static CultureInfo Create(string name)
    {
        try { return CultureInfo.GetCultureInfo(name, predefinedOnly: true); }
        catch (CultureNotFoundException) { return CultureInfo.InvariantCulture; }
    }
}
