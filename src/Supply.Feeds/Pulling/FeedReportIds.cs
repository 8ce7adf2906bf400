using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Supply.Domain.Stock;

namespace Supply.Feeds.Pulling;

/// <summary>
/// Report ids of feed reports: <c>feed-&lt;feed&gt;-</c> + 32 hex digits of SHA-256 over the feed name, the
/// location, the file's own time (when it has one: <c>generated</c> or HTTP Last-Modified) and the lines sent.
/// Pulling the same file again therefore sends the same report id and the stock service answers with
/// the first acknowledgement (<c>duplicate=true</c>), changing nothing; a new file, or a changed mapping
/// that changes the lines, makes a new report. A file without a time of its own gets the pull time as
/// as-of but not in the id, so an unchanged file is still a duplicate.
/// </summary>
public static class FeedReportIds
{
    public const string Prefix = "feed-";

    public static string Derive(string feed, string locationId, DateTimeOffset? fileTime, IReadOnlyList<SnapshotLine> lines, int part = 0)
    {
        var sb = new StringBuilder();
        // Field and record separators cannot occur in ids, numbers or dates, so no two inputs run together.
        sb.Append("supply-feed-v1").Append('\u001f').Append(feed).Append('\u001f').Append(locationId).Append('\u001f')
          .Append(fileTime is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) : "-")
          .Append('\u001f').Append(part.ToString(CultureInfo.InvariantCulture)).Append('\u001e');
        foreach (var l in lines)
        {
            sb.Append(l.ItemId).Append('\u001f')
              .Append(l.OnHand.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
              .Append(l.Reserved.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
              .Append(l.Quarantined.ToString(CultureInfo.InvariantCulture)).Append('\u001f')
              .Append(l.AverageDailyConsumption.ToString("R", CultureInfo.InvariantCulture));
            foreach (var lot in l.Lots)
                sb.Append('\u001f').Append(lot.LotNumber).Append('\u001d').Append(lot.ExpiresOn).Append('\u001d')
                  .Append(lot.Quantity.ToString(CultureInfo.InvariantCulture));
            sb.Append('\u001e');
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        return Prefix + feed + "-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
