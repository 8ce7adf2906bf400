using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Supply.DevTokens;
using Supply.Server.Extensions;

namespace Supply.Server.Security;

public static class SecurityExtensions
{
    private const string Either = "bearer-or-certificate";

    /// <summary>
    /// Authentication (JWT bearer tokens and/or client certificates), the access policy and per-caller
    /// rate limiting. Outside Development the server refuses to start without a way to authenticate,
    /// with the development key, or on plaintext unless that is asked for explicitly.
    /// </summary>
    public static WebApplicationBuilder AddSupplySecurity(this WebApplicationBuilder builder)
    {
        var options = builder.GetSupplyOptions();
        var auth = options.Auth;
        var development = builder.Environment.IsDevelopment();
        SecurityStartupRules.Check(options, builder.GetListenEndpoints(), development);
        // In Development without a key or authority of its own, the server accepts the well-known development key.
        var developmentKey = development && auth.Jwt.Authority is null && auth.Jwt.SigningKeys.Count == 0;
        if (developmentKey) builder.Services.PostConfigure<SupplyOptions>(o => o.Auth.AnonymousReflection = true);
        IReadOnlyList<string> signingKeys = developmentKey ? [SupplyTokens.DevelopmentKey] : auth.Jwt.SigningKeys;
        var issuer = developmentKey ? SupplyTokens.DevelopmentIssuer : auth.Jwt.Issuer;

        builder.Services.AddSingleton<AccessPolicy>();
        builder.Services.AddAuthentication(Either)
            // On the dashboard's endpoint the session cookie is the only way in (Supply.Dashboard's DashboardAuth).
            .AddPolicyScheme(Either, "Bearer token, else client certificate", o => o.ForwardDefaultSelector = http =>
                Dashboard.Hosting.DashboardConnection.Is(http) ? Dashboard.Security.DashboardAuth.CookieScheme
                : http.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(o => ConfigureClientCertificates(o, auth.ClientCertificates))
            .AddCertificateCache() // a chain is built once per certificate, not on every call of a stream of calls
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (auth.Jwt.Authority is { Length: > 0 } authority) o.Authority = authority;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Jwt.Authority ?? issuer,
                    ValidAudience = auth.Jwt.Audience,
                    IssuerSigningKeys = signingKeys.Select(k => new SymmetricSecurityKey(Convert.FromBase64String(k))),
                    NameClaimType = SupplyClaims.Name,
                    RoleClaimType = SupplyClaims.Role,
                    ClockSkew = TimeSpan.FromMinutes(2),
                };
            });

        builder.Services.AddRateLimiter(o =>
        {
            // Per caller: the authenticated name, else the peer address.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.Limits.Burst,
                        TokensPerPeriod = options.Limits.CallsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            o.OnRejected = (context, _) =>
            {
                var response = context.HttpContext.Response;
                // REST/JSON callers (docs/rest.md) read the HTTP status: 429 with a problem body.
                if (!IsGrpc(context.HttpContext.Request))
                    return new ValueTask(Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                        detail: "rate limit exceeded for this caller; retry later").ExecuteAsync(context.HttpContext));
                // gRPC clients read the status from trailers, not the HTTP status: answer RESOURCE_EXHAUSTED properly.
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = "8";
                response.Headers["grpc-message"] = "rate limit exceeded for this caller; retry later";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static WebApplication UseSupplySecurity(this WebApplication app)
    {
        app.UseAuthentication(); // the caller is known before the rate limiter partitions by it
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Mutual TLS: a client certificate must chain to Supply:Auth:ClientCertificates:TrustedCaPath (revocation is not
    /// checked: no CRL or OCSP responder is reachable; docs/security.md) and be mapped by an identity to a caller.
    /// </summary>
    private static void ConfigureClientCertificates(CertificateAuthenticationOptions o, SupplyOptions.ClientCertificateOptions certificates)
    {
        o.AllowedCertificateTypes = CertificateTypes.Chained; // self-signed certificates never authenticate
        o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        if (certificates.TrustedCaPath is { Length: > 0 } ca) o.CustomTrustStore = ServerTls.LoadCertificateAuthorities(ca);
        o.RevocationMode = X509RevocationMode.NoCheck;
        o.Events = new CertificateAuthenticationEvents
        {
            OnCertificateValidated = context =>
            {
                var identities = context.HttpContext.RequestServices.GetRequiredService<IOptions<SupplyOptions>>().Value.Auth.ClientCertificates.Identities;
                if (ClientCertificateCallers.Map(context.ClientCertificate, identities, context.Scheme.Name) is { } caller)
                {
                    context.Principal = new ClaimsPrincipal(caller);
                    context.Success();
                }
                else context.Fail($"no caller is configured for certificate '{context.ClientCertificate.Subject}'");
                return Task.CompletedTask;
            },
        };
    }
}
