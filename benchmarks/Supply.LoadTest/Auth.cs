using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;

namespace Supply.LoadTest;

/// <summary>
/// Bearer tokens for a server that wants them. The started server is given a signing key made for
/// this run (Supply:Auth:Jwt:SigningKeys, with its own issuer), and the load test signs its own
/// HS256 tokens with it: one per role it needs (admin registers the catalog, region-reporter for all
/// 21 regions streams the reports, national-coordinator reads back the stock). A server that does not
/// check tokens ignores both the settings and the headers. Against --server-url, --token is sent as is.
/// </summary>
public sealed class Auth
{
    public const string Issuer = "supply-loadtest";
    public const string Audience = "supply";

    private Auth(Metadata? admin, Metadata? reporter, Metadata? reader, IReadOnlyList<string> serverArgs)
    {
        Admin = admin;
        Reporter = reporter;
        Reader = reader;
        ServerArgs = serverArgs;
    }

    public Metadata? Admin { get; }
    public Metadata? Reporter { get; }
    public Metadata? Reader { get; }
    /// <summary>Configuration for the started server that makes it accept the tokens.</summary>
    public IReadOnlyList<string> ServerArgs { get; }

    /// <summary>For a server this load test starts: a fresh key, and tokens signed with it.</summary>
    public static Auth ForStartedServer()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        Metadata Bearer(string subject, string role, string[] regions) =>
            new() { { "authorization", "Bearer " + Mint(key, subject, [role], regions) } };
        return new Auth(
            Bearer("loadtest-admin", "admin", []),
            Bearer("loadtest-reporter", "region-reporter", Workload.RegionCodes),
            Bearer("loadtest-coordinator", "national-coordinator", []),
            [
                $"--Supply:Auth:Jwt:SigningKeys:0={Convert.ToBase64String(key)}",
                $"--Supply:Auth:Jwt:Issuer={Issuer}",
                $"--Supply:Auth:Jwt:Audience={Audience}",
                // Loopback only, and the figure is about the server's work, not TLS.
                "--Supply:Listen:AllowPlaintext=true",
                // The load test sends far fewer calls than this, but one caller registers, streams and reads.
                "--Supply:Limits:CallsPerSecond=10000",
                "--Supply:Limits:Burst=10000",
            ]);
    }

    /// <summary>For --server-url: the given token (if any) on every call.</summary>
    public static Auth ForExternalServer(string? token)
    {
        var headers = token is { Length: > 0 } ? new Metadata { { "authorization", "Bearer " + token } } : null;
        return new Auth(headers, headers, headers, []);
    }

    /// <summary>A compact JWS (HS256) with the claims the server reads: sub, role, region.</summary>
    private static string Mint(byte[] key, string subject, string[] roles, string[] regions)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["role"] = roles,
            ["region"] = regions,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 12 * 3600,
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
