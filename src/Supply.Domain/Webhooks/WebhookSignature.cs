using System.Security.Cryptography;
using System.Text;

namespace Supply.Domain.Webhooks;

/// <summary>
/// The signature of a delivered body: HMAC-SHA256 over the exact body bytes with the subscription's secret (its UTF-8
/// bytes), sent as <c>Supply-Signature: sha256=&lt;lower-case hex&gt;</c>. The body carries the event's id and time, so a
/// receiver that de-duplicates on the id also refuses replays.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Supply-Signature";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/> (compared in constant time).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header.Trim()));

    /// <summary>A new random secret: 32 bytes, base64url (43 characters).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The stable id of an alert event, the same in every delivery attempt and after a restart.</summary>
public static class WebhookEventId
{
    /// <summary>
    /// Derived from what the alert is (subscription, kind, area, subject, snapshot time), so the same detection always
    /// gets the same id: 32 hex characters of SHA-256.
    /// </summary>
    public static string Of(string subscriptionId, string kind, string area, string key, DateTimeOffset at) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', subscriptionId, kind, area, key,
            at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)))))[..32];
}
