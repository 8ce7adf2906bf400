using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;

namespace Supply.Server.Security;

/// <summary>
/// Which configured caller a client certificate is (Supply:Auth:ClientCertificates:Identities, by thumbprint or
/// subject), as the same claims a bearer token carries: name, roles, regions, suppliers.
/// </summary>
public static class ClientCertificateCallers
{
    /// <summary>The caller's claims, or null when no identity maps the certificate.</summary>
    public static ClaimsIdentity? Map(X509Certificate2 certificate, IEnumerable<SupplyOptions.CertificateIdentity> identities, string authenticationType)
    {
        var identity = identities.FirstOrDefault(i =>
            (i.Thumbprint is { Length: > 0 } t && string.Equals(t, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
            || (i.Subject is { Length: > 0 } s && string.Equals(s, certificate.Subject, StringComparison.Ordinal)));
        if (identity is null) return null;

        var claims = new List<Claim> { new(SupplyClaims.Name, identity.Name.Length > 0 ? identity.Name : certificate.Subject) };
        claims.AddRange(identity.Roles.Select(r => new Claim(SupplyClaims.Role, r)));
        claims.AddRange(identity.Regions.Select(r => new Claim(SupplyClaims.Region, r)));
        claims.AddRange(identity.Suppliers.Select(s => new Claim(SupplyClaims.Supplier, s)));
        return new ClaimsIdentity(claims, authenticationType, SupplyClaims.Name, SupplyClaims.Role);
    }
}
