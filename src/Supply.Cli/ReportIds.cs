using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Supply.Domain.Stock;

namespace Supply.Cli;

/// <summary>
/// Default report ids for <c>supply report send</c>: a hash of the file content, the location,
/// the as-of time and the kind, so resending the same file for the same location and time is
/// idempotent (the server answers with the first acknowledgement) while any change makes a new report.
/// </summary>
public static class ReportIds
{
    public const string Prefix = "cli-";

    /// <returns><c>cli-</c> followed by 32 hex digits (128 bits of SHA-256).</returns>
    public static string Derive(ReadOnlySpan<byte> content, string locationId, DateTimeOffset asOf, ReportKind kind)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A location id cannot hold the separator and the other fields have a fixed form, so no two inputs run together.
        var header = string.Join('\u001f', "supply-report-v1", locationId,
            asOf.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            Words.Of(kind)) + '\u001e';
        sha.AppendData(Encoding.UTF8.GetBytes(header));
        sha.AppendData(content);
        return Prefix + Convert.ToHexStringLower(sha.GetHashAndReset().AsSpan(0, 16));
    }
}
