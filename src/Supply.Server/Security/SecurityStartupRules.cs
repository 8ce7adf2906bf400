using Supply.DevTokens;
using Supply.Server.Hosting;

namespace Supply.Server.Security;

/// <summary>
/// Outside Development the server refuses to start without a way to authenticate, with the development key, or
/// on a plaintext endpoint unless that is asked for explicitly.
/// </summary>
public static class SecurityStartupRules
{
    public static void Check(SupplyOptions options, ListenEndpoints endpoints, bool development)
    {
        if (development) return;
        var auth = options.Auth;
        var hasJwt = auth.Jwt.Authority is { Length: > 0 } || auth.Jwt.SigningKeys.Count > 0;
        var hasCertificates = auth.ClientCertificates.TrustedCaPath is { Length: > 0 } && auth.ClientCertificates.Identities.Count > 0;
        if (!hasJwt && !hasCertificates)
            throw new InvalidOperationException("Refusing to run unauthenticated outside Development: configure Supply:Auth:Jwt " +
                "(Authority, or SigningKeys with Issuer and Audience) and/or Supply:Auth:ClientCertificates (TrustedCaPath and Identities).");
        if (auth.Jwt.SigningKeys.Any(IsDevelopmentKey))
            throw new InvalidOperationException("Refusing the well-known development signing key outside Development: configure a key of " +
                "your own in Supply:Auth:Jwt:SigningKeys.");
        if (auth.Jwt.SigningKeys.Any(k => !IsKey(k)))
            throw new InvalidOperationException("Supply:Auth:Jwt:SigningKeys: every key must be base64 of at least 32 bytes.");
        if (endpoints.PlaintextEndpoint(options) is { } plaintext && !options.Listen.AllowPlaintext)
            throw new InvalidOperationException(endpoints.IsExplicit
                ? $"Refusing plaintext gRPC outside Development on {plaintext} ({string.Join(" and ", endpoints.AspNetSettings)}): use https:// " +
                  "endpoints (with Supply:Listen:Certificate or Kestrel's own certificate settings), or set Supply:Listen:AllowPlaintext=true " +
                  "where TLS is terminated in front of the server (a service mesh)."
                : "Refusing plaintext gRPC outside Development: set Supply:Listen:Certificate, or " +
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
