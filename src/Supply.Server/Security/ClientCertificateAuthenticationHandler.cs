using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Supply.Server.Security;

/// <summary>
/// Mutual TLS: Kestrel has already checked the client certificate's chain against the configured CA;
/// this maps the certificate (by subject or thumbprint) to a caller with roles and scope, from
/// configuration. (ASP.NET Core's certificate handler package is not served here, and this is all of
/// what we need of it.)
/// </summary>
public sealed class ClientCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<SupplyOptions> supply)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "client-certificate";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = Context.Connection.ClientCertificate;
        if (certificate is null) return Task.FromResult(AuthenticateResult.NoResult());
        var identity = supply.Value.Auth.ClientCertificates.Identities.FirstOrDefault(i =>
            (i.Thumbprint is { Length: > 0 } t && string.Equals(t, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
            || (i.Subject is { Length: > 0 } s && string.Equals(s, certificate.Subject, StringComparison.Ordinal)));
        if (identity is null) return Task.FromResult(AuthenticateResult.Fail($"no caller is configured for certificate '{certificate.Subject}'"));

        var claims = new List<Claim> { new(SupplyClaims.Name, identity.Name.Length > 0 ? identity.Name : certificate.Subject) };
        claims.AddRange(identity.Roles.Select(r => new Claim(SupplyClaims.Role, r)));
        claims.AddRange(identity.Regions.Select(r => new Claim(SupplyClaims.Region, r)));
        claims.AddRange(identity.Suppliers.Select(s => new Claim(SupplyClaims.Supplier, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, SupplyClaims.Name, SupplyClaims.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
