using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supply.DevTokens;

/// <summary>
/// Bearer tokens as the server reads them: subject, role(s), region(s), supplier(s). Production tokens
/// come from the sector's identity provider; this mints them with a symmetric key for development
/// (<c>supply dev token</c>) and tests.
/// </summary>
public static class SupplyTokens
{
    /// <summary>
    /// The well-known development key. A server outside the Development environment refuses to start
    /// with it, so a token signed with it is worthless anywhere that matters.
    /// </summary>
    public const string DevelopmentKey = "c3VwcGx5LWRldmVsb3BtZW50LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24tdXNl";
    public const string DevelopmentIssuer = "supply-dev";
    public const string Audience = "supply";

    public static string Mint(string subject, IEnumerable<string> roles, IEnumerable<string>? regions = null, IEnumerable<string>? suppliers = null,
        string key = DevelopmentKey, string issuer = DevelopmentIssuer, string audience = Audience, TimeSpan? lifetime = null)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        claims.AddRange((regions ?? []).Select(r => new Claim("region", r)));
        claims.AddRange((suppliers ?? []).Select(s => new Claim("supplier", s)));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
