using System.Globalization;
using Supply.Domain.Stock;
using Supply.Feeds.Mapping;
using static Supply.Feeds.Parsing.FieldReaders;

namespace Supply.Feeds.Parsing;

/// <summary>
/// A medtech supplier's article list: UTF-8, ';'-separated, a header row naming the columns (any order),
/// one row per article and lot:
/// <code>
/// article_no;gtin;description;available;on_order;lot;expiry
/// 100234;07310791012346;"Kompress, steril 10x10";1 200;500;L2301;2027-03-31
/// </code>
/// <c>available</c> is required, and <c>article_no</c> or <c>gtin</c> (a row is keyed by its article number,
/// else its GTIN). Optional: <c>description</c>, <c>reserved</c>, <c>quarantined</c>, <c>on_order</c> (incoming,
/// not stock: read and ignored), <c>lot</c> and <c>expiry</c> (together). An article's rows add up to one
/// snapshot line; a bad row rejects every row of its article, so an article is never applied with part of
/// its lots. Any other column, a missing required one, or a last line without its line break refuses the file.
/// </summary>
internal static class MedtechCsvParser
{
    public const char Separator = ';';

    public static readonly IReadOnlyList<string> KnownColumns =
        ["article_no", "gtin", "description", "available", "reserved", "quarantined", "on_order", "lot", "expiry"];

    private sealed record Row(int Line, string Key, string? Article, string? Gtin, long Available, long Reserved, long Quarantined, string Lot, string Expiry);

    public static ParsedFeedFile Parse(ReadOnlyMemory<byte> content, FeedOptions feed, ArticleMapping mapping)
    {
        var text = DecodeUtf8(content.Span);
        DelimitedFile file;
        try
        {
            file = DelimitedText.Read(text, Separator);
        }
        catch (DelimitedSyntaxException e)
        {
            throw new FeedFileRefusedException(e.Message, e.Line);
        }
        if (file.Records.Count == 0) throw new FeedFileRefusedException("the file is empty");

        var header = file.Records[0];
        var columns = header.Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        CheckHeader(columns, header.Line);
        if (!file.EndsWithLineBreak)
            throw new FeedFileRefusedException("the last line has no line break: the file is cut short", file.Records[^1].Line);

        int Col(string name) => columns.IndexOf(name);
        var cols = new Columns(Col("article_no"), Col("gtin"), Col("available"), Col("reserved"), Col("quarantined"), Col("on_order"), Col("lot"), Col("expiry"));

        var rejected = new List<FeedRowIssue>();
        var unmapped = new List<FeedRowIssue>();
        var good = new List<FeedLine>();
        var location = feed.Location;

        // Read every row, then judge articles as a whole: their rows may be anywhere in the file.
        var groups = new Dictionary<string, List<(Row? Row, int Line, string Why)>>(StringComparer.Ordinal);
        var order = new List<string>();
        var dataRows = 0;
        foreach (var record in file.Records.Skip(1))
        {
            dataRows++;
            var (row, why) = ReadRow(record, columns.Count, cols);
            var key = row?.Key ?? KeyOf(record, cols) ?? "";
            if (key.Length == 0)
            {
                rejected.Add(new FeedRowIssue(record.Line, location, "", why.Length > 0 ? why : "has neither article_no nor gtin"));
                continue;
            }
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(key);
            }
            list.Add((row, record.Line, why));
        }

        var byItem = new Dictionary<string, (string Article, int Line)>(StringComparer.Ordinal);
        foreach (var key in order)
        {
            var rows = groups[key];
            var firstLine = rows[0].Line;
            if (rows.Any(r => r.Row is null))
            {
                var bad = rows.First(r => r.Row is null).Line;
                foreach (var r in rows)
                    rejected.Add(new FeedRowIssue(r.Line, location, key, r.Row is null ? r.Why : $"not applied: line {bad} of the same article is bad"));
                continue;
            }
            var ok = rows.Select(r => r.Row!).ToList();
            if (Inconsistent(ok) is { } problem)
            {
                foreach (var r in ok) rejected.Add(new FeedRowIssue(r.Line, location, key, problem));
                continue;
            }
            if (!mapping.TryMap(ok[0].Article, ok.Select(r => r.Gtin).FirstOrDefault(g => g is not null), out var itemId))
            {
                foreach (var r in ok) unmapped.Add(new FeedRowIssue(r.Line, location, key, "no catalog item is mapped to this article"));
                continue;
            }
            if (byItem.TryGetValue(itemId, out var other))
            {
                foreach (var r in ok)
                    rejected.Add(new FeedRowIssue(r.Line, location, key, $"maps to item '{itemId}', already given by article '{other.Article}' on line {other.Line}"));
                continue;
            }
            var lots = ok.Where(r => r.Lot.Length > 0).Select(r => new LotInput(r.Lot, r.Expiry, r.Available)).ToList();
            var line = new SnapshotLine(itemId, ok.Sum(r => r.Available), ok.Sum(r => r.Reserved), ok.Sum(r => r.Quarantined), lots, 0);
            if (LineCheck.Problems(line) is { Count: > 0 } problems)
            {
                var why = string.Join("; ", problems);
                foreach (var r in ok) rejected.Add(new FeedRowIssue(r.Line, location, key, why));
                continue;
            }
            byItem[itemId] = (key, firstLine);
            good.Add(new FeedLine(location, key, firstLine, ok.Count, line));
        }
        return new ParsedFeedFile(null, dataRows, good, rejected.OrderBy(r => r.Line).ToList(), unmapped.OrderBy(r => r.Line).ToList());
    }

    private sealed record Columns(int Article, int Gtin, int Available, int Reserved, int Quarantined, int OnOrder, int Lot, int Expiry);

    private static void CheckHeader(List<string> columns, int line)
    {
        if (columns.Count == 1 && (columns[0].Contains(',') || columns[0].Contains('\t')))
            throw new FeedFileRefusedException("the header is not ';'-separated: the layout changed", line);
        var unknown = columns.Where(c => !KnownColumns.Contains(c)).ToList();
        var missing = new List<string>();
        if (!columns.Contains("available")) missing.Add("available");
        if (!columns.Contains("article_no") && !columns.Contains("gtin")) missing.Add("article_no or gtin");
        if (columns.Contains("lot") != columns.Contains("expiry")) missing.Add(columns.Contains("lot") ? "expiry" : "lot");
        var twice = columns.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (unknown.Count + missing.Count + twice.Count == 0) return;
        var parts = new List<string>();
        if (unknown.Count > 0) parts.Add($"unknown column(s) {string.Join(", ", unknown)}");
        if (missing.Count > 0) parts.Add($"missing column(s) {string.Join(", ", missing)}");
        if (twice.Count > 0) parts.Add($"column(s) named twice: {string.Join(", ", twice)}");
        throw new FeedFileRefusedException(
            $"the columns changed ({string.Join("; ", parts)}); expected some of {string.Join(";", KnownColumns)}", line);
    }

    private static string? KeyOf(TextRecord record, Columns c)
    {
        string? Get(int i) => i >= 0 && i < record.Fields.Count && record.Fields[i].Trim().Length > 0 ? record.Fields[i].Trim() : null;
        return Get(c.Article) ?? Get(c.Gtin);
    }

    private static (Row? Row, string Why) ReadRow(TextRecord record, int width, Columns c)
    {
        var f = record.Fields;
        if (f.Count != width) return (null, $"has {f.Count} fields, the header has {width}");
        string Get(int i) => i >= 0 ? f[i].Trim() : "";

        var article = Get(c.Article);
        var gtin = Get(c.Gtin);
        if (article.Length == 0 && gtin.Length == 0) return (null, "has neither article_no nor gtin");
        if (gtin.Length > 0 && !IsGtin(gtin)) return (null, $"gtin '{Clip(gtin)}' is not 8, 12, 13 or 14 digits with a valid check digit");
        if (!TryParseQuantity(Get(c.Available), out var available, out var why)) return (null, $"available {why}");
        long reserved = 0, quarantined = 0;
        if (Get(c.Reserved).Length > 0 && !TryParseQuantity(Get(c.Reserved), out reserved, out why)) return (null, $"reserved {why}");
        if (Get(c.Quarantined).Length > 0 && !TryParseQuantity(Get(c.Quarantined), out quarantined, out why)) return (null, $"quarantined {why}");
        // on_order is incoming stock, not stock: checked for form, then ignored.
        if (Get(c.OnOrder).Length > 0 && !TryParseQuantity(Get(c.OnOrder), out _, out why)) return (null, $"on_order {why}");
        var lot = Get(c.Lot);
        var expiryText = Get(c.Expiry);
        var expiry = "";
        if (lot.Length > 0 || expiryText.Length > 0)
        {
            if (lot.Length == 0) return (null, "expiry is given without a lot");
            if (!TryParseDate(expiryText, out var date)) return (null, $"expiry '{Clip(expiryText)}' is not a date (YYYY-MM-DD)");
            expiry = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        var key = article.Length > 0 ? article : gtin;
        return (new Row(record.Line, key, article.Length > 0 ? article : null, gtin.Length > 0 ? gtin : null,
            available, reserved, quarantined, lot, expiry), "");
    }

    /// <summary>The rows of one article must agree: one row per lot, at most one without a lot, one GTIN.</summary>
    private static string? Inconsistent(List<Row> rows)
    {
        if (rows.Count == 1) return null;
        if (rows.Count(r => r.Lot.Length == 0) > 1)
            return $"the article has {rows.Count(r => r.Lot.Length == 0)} rows without a lot (lines {string.Join(", ", rows.Where(r => r.Lot.Length == 0).Select(r => r.Line))})";
        var twice = rows.Where(r => r.Lot.Length > 0).GroupBy(r => r.Lot, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) return $"lot '{twice.Key}' is listed twice (lines {string.Join(", ", twice.Select(r => r.Line))})";
        if (rows.Select(r => r.Gtin).Where(g => g is not null).Distinct(StringComparer.Ordinal).Count() > 1)
            return "the article's rows give different GTINs";
        return null;
    }
}
