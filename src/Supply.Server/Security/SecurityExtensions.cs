using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.IdentityModel.Tokens;
using Supply.DevTokens;

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
        var options = builder.Configuration.GetSection(SupplyOptions.Section).Get<SupplyOptions>() ?? new SupplyOptions();
        var auth = options.Auth;
        var development = builder.Environment.IsDevelopment();
        if (development && auth.Jwt.Authority is null && auth.Jwt.SigningKeys.Count == 0)
        {
            auth.Jwt.SigningKeys.Add(SupplyTokens.DevelopmentKey);
            auth.Jwt.Issuer = SupplyTokens.DevelopmentIssuer;
            builder.Services.PostConfigure<SupplyOptions>(o => o.Auth.AnonymousReflection = true);
        }
        CheckStartup(options, development);

        builder.Services.AddSingleton<AccessPolicy>();
        var authentication = builder.Services.AddAuthentication(Either)
            .AddPolicyScheme(Either, "Bearer token, else client certificate", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : ClientCertificateAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ClientCertificateAuthenticationHandler>(ClientCertificateAuthenticationHandler.SchemeName, _ => { })
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                if (auth.Jwt.Authority is { Length: > 0 } authority) o.Authority = authority;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Jwt.Authority ?? auth.Jwt.Issuer,
                    ValidAudience = auth.Jwt.Audience,
                    IssuerSigningKeys = auth.Jwt.SigningKeys.Select(k => new SymmetricSecurityKey(Convert.FromBase64String(k))),
                    NameClaimType = SupplyClaims.Name,
                    RoleClaimType = SupplyClaims.Role,
                    ClockSkew = TimeSpan.FromMinutes(2),
                };
            });
        _ = authentication;

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
            // gRPC clients read the status from trailers, not the HTTP status: answer RESOURCE_EXHAUSTED properly.
            o.OnRejected = (context, _) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = "8";
                response.Headers["grpc-message"] = "rate limit exceeded for this caller; retry later";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    public static WebApplication UseSupplySecurity(this WebApplication app)
    {
        app.UseAuthentication(); // the caller is known before the rate limiter partitions by it
        app.UseRateLimiter();
        return app;
    }

    /// <summary>HTTPS (and mutual TLS) on the gRPC endpoint when a certificate is configured.</summary>
    public static void UseSupplyTls(this Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, SupplyOptions options)
    {
        if (options.Listen.Certificate is not { Path.Length: > 0 } cert) return;
        var serverCertificate = Path.GetExtension(cert.Path) is ".pfx" or ".p12"
            ? X509CertificateLoader.LoadPkcs12FromFile(cert.Path, cert.Password)
            : X509Certificate2.CreateFromPemFile(cert.Path, cert.KeyPath);
        var trusted = options.Auth.ClientCertificates.TrustedCaPath is { Length: > 0 } ca ? LoadCas(ca) : null;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCertificate,
            // Allow, not require: callers with bearer tokens need no certificate.
            ClientCertificateMode = trusted is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (certificate, _, _) => trusted is not null && ChainsTo(certificate, trusted),
        });
    }

    private static X509Certificate2Collection LoadCas(string path)
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPemFile(path);
        return cas;
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // no CRL/OCSP reachable here; see README
        return chain.Build(certificate);
    }

    private static void CheckStartup(SupplyOptions options, bool development)
    {
        var auth = options.Auth;
        var hasJwt = auth.Jwt.Authority is { Length: > 0 } || auth.Jwt.SigningKeys.Count > 0;
        var hasCertificates = auth.ClientCertificates.TrustedCaPath is { Length: > 0 } && auth.ClientCertificates.Identities.Count > 0;
        if (development) return;
        if (!hasJwt && !hasCertificates)
            throw new InvalidOperationException("Refusing to run unauthenticated outside Development: configure Supply:Auth:Jwt " +
                "(Authority, or SigningKeys with Issuer and Audience) and/or Supply:Auth:ClientCertificates (TrustedCaPath and Identities).");
        if (auth.Jwt.SigningKeys.Any(IsDevelopmentKey))
            throw new InvalidOperationException("Refusing the well-known development signing key outside Development: configure a key of " +
                "your own in Supply:Auth:Jwt:SigningKeys.");
        if (auth.Jwt.SigningKeys.Any(k => !IsKey(k)))
            throw new InvalidOperationException("Supply:Auth:Jwt:SigningKeys: every key must be base64 of at least 32 bytes.");
        if (options.Listen.Certificate is not { Path.Length: > 0 } && !options.Listen.AllowPlaintext)
            throw new InvalidOperationException("Refusing plaintext gRPC outside Development: set Supply:Listen:Certificate, or " +
                "Supply:Listen:AllowPlaintext=true where TLS is terminated in front of the server (a service mesh).");
    }

    // Compared as key bytes, not text: base64 ignores white space, so "KEY\n" (a secret file) is the same key.
    private static bool IsDevelopmentKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length)
            && buffer.AsSpan(0, length).SequenceEqual(Convert.FromBase64String(SupplyTokens.DevelopmentKey));
    }

    private static bool IsKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) && length >= 32;
    }
}
