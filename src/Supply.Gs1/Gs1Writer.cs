using System.Text;

namespace Supply.Gs1;

/// <summary>Writes <see cref="Gs1Data"/> back as the payloads <see cref="Gs1Parser"/> reads (for test data, labels and answers).</summary>
public static class Gs1Writer
{
    /// <summary>
    /// The element string: fixed-length AIs first (01, 17), then 10 and 21, each variable-length value but the last ended by GS.
    /// With <paramref name="parentheses"/>, the human-readable form instead.
    /// </summary>
    public static string ElementString(Gs1Data data, bool parentheses = false, string symbologyPrefix = "")
    {
        var parts = new List<(string Ai, string Value, bool Variable)>();
        if (data.Gtin is not null) parts.Add((ApplicationIdentifiers.Gtin, data.Gtin, false));
        if (data.Expiry is { } expiry) parts.Add((ApplicationIdentifiers.Expiry, Gs1Date.Format(expiry), false));
        if (data.Batch is not null) parts.Add((ApplicationIdentifiers.Batch, data.Batch, true));
        if (data.Serial is not null) parts.Add((ApplicationIdentifiers.Serial, data.Serial, true));
        var sb = new StringBuilder(symbologyPrefix);
        for (var i = 0; i < parts.Count; i++)
        {
            var (ai, value, variable) = parts[i];
            if (parentheses) sb.Append('(').Append(ai).Append(')').Append(value);
            else
            {
                sb.Append(ai).Append(value);
                if (variable && i < parts.Count - 1) sb.Append(Gs1Parser.GroupSeparator);
            }
        }
        return sb.ToString();
    }

    /// <summary>A Digital Link URI on id.gs1.org (or <paramref name="host"/>); needs a GTIN.</summary>
    public static string DigitalLinkUri(Gs1Data data, string host = "https://id.gs1.org")
    {
        if (data.Gtin is null) throw new ArgumentException("a Digital Link URI needs a GTIN", nameof(data));
        var sb = new StringBuilder(host.TrimEnd('/')).Append("/01/").Append(data.Gtin);
        if (data.Batch is not null) sb.Append("/10/").Append(Uri.EscapeDataString(data.Batch));
        if (data.Serial is not null) sb.Append("/21/").Append(Uri.EscapeDataString(data.Serial));
        if (data.Expiry is { } expiry) sb.Append("?17=").Append(Gs1Date.Format(expiry));
        return sb.ToString();
    }
}
