using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Supply.Server.Security;

namespace Supply.Dashboard.Security;

/// <summary>
/// Sign-in for the dashboard: a cookie session, started by OpenID Connect (production) or by the development sign-in
/// page (Development only). The cookie holds the same claims as the gRPC tokens ("sub", "role", "region", "supplier"),
/// so <see cref="Caller.From"/> and the access policy read both alike.
/// </summary>
public static class DashboardAuth
{
    public const string CookieScheme = "supply-dashboard";
    public const string OidcScheme = "supply-dashboard-oidc";
    public const string Policy = "supply-dashboard";
    public const string DevSignInPath = "/signin";
    public const string OidcSignInPath = "/auth/login";

    public static void Add(IServiceCollection services, DashboardOptions options, bool development)
    {
        var oidc = options.Oidc.Authority is { Length: > 0 };
        var auth = services.AddAuthentication();
        auth.AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "supply.dashboard";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = oidc ? OidcSignInPath : DevSignInPath;
            o.AccessDeniedPath = "/";
            // Pages redirect to sign-in; anything a script or download asks for (exports, the circuit) gets 401.
            o.Events.OnRedirectToLogin = context =>
            {
                if (IsPageRequest(context.Request)) context.Response.Redirect(context.RedirectUri);
                else context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
        });
        if (oidc)
            auth.AddOpenIdConnect(OidcScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.Authority = options.Oidc.Authority;
                o.ClientId = options.Oidc.ClientId;
                o.ClientSecret = options.Oidc.ClientSecret;
                o.RequireHttpsMetadata = options.Oidc.RequireHttpsMetadata;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.SaveTokens = false; // the session needs the claims, not the tokens
                o.MapInboundClaims = false; // keep "role", "region", "supplier" as the gRPC tokens name them
                o.GetClaimsFromUserInfoEndpoint = false; // the id_token carries them
                o.CallbackPath = "/auth/signin-oidc";
                // The code comes back on a top-level GET, so the correlation and nonce cookies can be SameSite=Lax (None needs https).
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.SignedOutCallbackPath = "/auth/signout-oidc";
                o.Scope.Clear();
                foreach (var scope in options.Oidc.Scopes) o.Scope.Add(scope);
                o.TokenValidationParameters.NameClaimType = SupplyClaims.Name;
                o.TokenValidationParameters.RoleClaimType = SupplyClaims.Role;
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
    }

    private static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/_blazor")
        && !request.Path.StartsWithSegments("/export")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The cookie principal for a caller with these claims (development sign-in).</summary>
    public static ClaimsPrincipal Principal(IEnumerable<Claim> claims) =>
        new(new ClaimsIdentity(claims, CookieScheme, SupplyClaims.Name, SupplyClaims.Role));

    /// <summary>Starts OpenID Connect sign-in, back to <paramref name="returnUrl"/> (a local path) afterwards.</summary>
    public static IResult Challenge(string? returnUrl) =>
        Results.Challenge(new AuthenticationProperties { RedirectUri = IsLocal(returnUrl) ? returnUrl : "/" }, [OidcScheme]);

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
