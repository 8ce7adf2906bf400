using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;

namespace Supply.Storage;

/// <summary>
/// How <see cref="AzureTableGrainStorage"/> turns a service id, grain id and state name into Azure Table keys.
/// </summary>
/// <remarks>
/// <para>
/// Layout (as Orleans' own Azure table provider): PartitionKey = service id + grain id, RowKey = state name,
/// so one grain's states share a partition.
/// </para>
/// <para>
/// Azure Table keys may not contain <c>/ \ # ?</c> or control characters (U+0000–U+001F, U+007F–U+009F), and
/// are at most 1 KiB. Every component is therefore escaped <em>reversibly</em>: those characters, plus the
/// escape character <c>%</c>, the component separator <c>|</c> and the hash marker <c>~</c>, become <c>%XX</c>
/// (two upper-case hex digits); an unpaired UTF-16 surrogate becomes <c>%uXXXX</c>. Distinct inputs thus give
/// distinct keys. A key longer than <see cref="MaxKeyLength"/> characters (or <see cref="MaxKeyUtf8Bytes"/>
/// UTF-8 bytes) is replaced by a readable prefix + <c>~</c> + the SHA-256 of the whole escaped key (64 hex
/// digits); since <c>~</c> is always escaped inside components, a hashed key can never equal an unhashed one.
/// The provider stores the full escaped key in the entity when it hashes, so a hash collision is detected on
/// read instead of returning another grain's state.
/// </para>
/// </remarks>
public static class AzureTableGrainStorageKeys
{
    /// <summary>Longest key, in UTF-16 code units, kept as is (Azure: 1 KiB, i.e. 512 UTF-16 code units).</summary>
    public const int MaxKeyLength = 500;

    /// <summary>Longest key, in UTF-8 bytes, kept as is (for Table API back ends that count UTF-8 bytes).</summary>
    public const int MaxKeyUtf8Bytes = 1000;

    /// <summary>UTF-8 bytes of readable prefix kept in front of the hash of an over-long key.</summary>
    private const int HashedPrefixUtf8Bytes = 400;

    private const char EscapeChar = '%';
    private const char Separator = '|';
    private const char HashMarker = '~';

    /// <summary>PartitionKey for a grain: escaped service id, <c>|</c>, escaped grain id; hashed if too long.</summary>
    public static string PartitionKey(string serviceId, GrainId grainId) =>
        Limit(Escape(serviceId) + Separator + Escape(grainId.ToString()));

    /// <summary>RowKey for a state name: the escaped name; hashed if too long.</summary>
    public static string RowKey(string stateName) => Limit(Escape(stateName));

    /// <summary>The escaped key before any hashing (what <see cref="Limit"/> shortens).</summary>
    internal static string FullPartitionKey(string serviceId, GrainId grainId) =>
        Escape(serviceId) + Separator + Escape(grainId.ToString());

    /// <summary>True when <paramref name="key"/> is a hashed (shortened) key.</summary>
    public static bool IsHashed(string key) => key.Contains(HashMarker, StringComparison.Ordinal);

    /// <summary>Escapes one key component so it contains no character Azure Table keys forbid.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var firstIndex = IndexOfCharToEscape(value);
        if (firstIndex < 0)
            return value;

        var builder = new StringBuilder(value.Length + 16);
        builder.Append(value, 0, firstIndex);
        for (var i = firstIndex; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                // Unpaired: not encodable as UTF-8, so the wire would mangle it.
                builder.Append(EscapeChar).Append('u').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else if (MustEscape(c))
            {
                builder.Append(EscapeChar).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Inverse of <see cref="Escape"/>.</summary>
    /// <exception cref="FormatException">Not something <see cref="Escape"/> produced.</exception>
    public static string Unescape(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        if (!escaped.Contains(EscapeChar, StringComparison.Ordinal))
            return escaped;

        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c != EscapeChar)
            {
                builder.Append(c);
                continue;
            }

            var isWide = i + 1 < escaped.Length && escaped[i + 1] == 'u';
            var start = isWide ? i + 2 : i + 1;
            var digits = isWide ? 4 : 2;
            if (start + digits > escaped.Length
                || !int.TryParse(escaped.AsSpan(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new FormatException($"Invalid escape sequence at index {i} in '{escaped}'.");
            }

            builder.Append((char)code);
            i = start + digits - 1;
        }

        return builder.ToString();
    }

    /// <summary>
    /// Returns <paramref name="escapedKey"/> unchanged when short enough, else a prefix of it + <c>~</c> + the
    /// SHA-256 (hex) of all of it.
    /// </summary>
    public static string Limit(string escapedKey)
    {
        ArgumentNullException.ThrowIfNull(escapedKey);
        if (escapedKey.Length <= MaxKeyLength && Encoding.UTF8.GetByteCount(escapedKey) <= MaxKeyUtf8Bytes)
            return escapedKey;

        var prefixLength = 0;
        var prefixBytes = 0;
        while (prefixLength < escapedKey.Length)
        {
            // Keep surrogate pairs whole so the prefix stays valid UTF-16.
            var width = char.IsHighSurrogate(escapedKey[prefixLength]) && prefixLength + 1 < escapedKey.Length ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(escapedKey.AsSpan(prefixLength, width));
            if (prefixBytes + bytes > HashedPrefixUtf8Bytes)
                break;
            prefixBytes += bytes;
            prefixLength += width;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(escapedKey)));
        return string.Concat(escapedKey.AsSpan(0, prefixLength), HashMarker.ToString(), hash);
    }

    private static int IndexOfCharToEscape(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (MustEscape(value[i]) || char.IsSurrogate(value[i]))
                return i;
        }

        return -1;
    }

    private static bool MustEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or EscapeChar or Separator or HashMarker || char.IsControl(c);
}
