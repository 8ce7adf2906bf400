using System.Text.Json;
using Supply.Domain.Stock;
using Supply.Feeds.Mapping;
using static Supply.Feeds.Parsing.FieldReaders;

namespace Supply.Feeds.Parsing;

/// <summary>
/// A pharmacy chain's stock file:
/// <code>
/// {"chain":"…","generated":"2026-11-20T06:00:00Z",
///  "stores":[{"store":"1001","articles":[{"vnr":"123456","onHand":40,"reserved":2,
///             "batches":[{"batch":"A1","expiry":"2027-03-31","qty":30}]}]}]}
/// </code>
/// One article object is one row (its line is where its '{' stands). Field names are matched ignoring
/// case; unknown fields are ignored (JSON grows by adding fields). <c>quarantined</c> and <c>gtin</c> are
/// optional; <c>generated</c>, when present, must be an ISO 8601 time with an offset.
/// </summary>
internal static class PharmacyJsonParser
{
    public static ParsedFeedFile Parse(ReadOnlyMemory<byte> content, FeedOptions feed, ArticleMapping mapping)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FeedFileRefusedException($"not valid JSON, perhaps cut short: {e.Message}", (int)(e.LineNumber ?? -1) + 1);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "stores", out var stores) || stores.ValueKind != JsonValueKind.Array)
                throw new FeedFileRefusedException("the layout changed: expected an object with a 'stores' array", 1);
            DateTimeOffset? generated = null;
            if (TryGet(root, "generated", out var g))
            {
                if (g.ValueKind != JsonValueKind.String || !TryParseTime(g.GetString(), out var t))
                    throw new FeedFileRefusedException($"'generated' must be an ISO 8601 time with an offset (got {Clip(g.GetRawText())})", 1);
                generated = t;
            }
            var lines = JsonLines.OfObjects(content.Span);
            return new Reader(feed, mapping, lines).Read(stores, generated);
        }
    }

    private sealed class Reader(FeedOptions feed, ArticleMapping mapping, Dictionary<string, int> lineOf)
    {
        private readonly List<FeedLine> _good = [];
        private readonly List<FeedRowIssue> _rejected = [];
        private readonly List<FeedRowIssue> _unmapped = [];
        private int _rows;

        public ParsedFeedFile Read(JsonElement stores, DateTimeOffset? generated)
        {
            var storesSeen = new Dictionary<string, int>(StringComparer.Ordinal);
            var duplicated = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var store in stores.EnumerateArray())
            {
                var path = $"$.stores[{index++}]";
                var storeLine = lineOf.GetValueOrDefault(path);
                if (store.ValueKind != JsonValueKind.Object
                    || !TryGet(store, "store", out var idElement) || ReadKey(idElement) is not { Length: > 0 } storeId
                    || !TryGet(store, "articles", out var articles) || articles.ValueKind != JsonValueKind.Array)
                {
                    _rows++;
                    _rejected.Add(new FeedRowIssue(storeLine, "", "", "a store needs 'store' (its id) and an 'articles' array"));
                    continue;
                }

                if (storesSeen.TryGetValue(storeId, out var firstLine))
                {
                    RejectAll(articles, path, feed.Stores.GetValueOrDefault(storeId, ""),
                        $"store '{storeId}' is listed twice (first on line {firstLine}); neither copy is trusted more");
                    if (feed.Stores.TryGetValue(storeId, out var twice)) duplicated.Add(twice);
                    continue;
                }
                storesSeen[storeId] = storeLine;
                if (!feed.Stores.TryGetValue(storeId, out var location))
                {
                    var j = 0;
                    foreach (var a in articles.EnumerateArray())
                    {
                        _rows++;
                        _unmapped.Add(new FeedRowIssue(lineOf.GetValueOrDefault($"{path}.articles[{j++}]", storeLine), "", ArticleKey(a),
                            $"store '{storeId}' has no stock location (Supply:Feeds:{feed.Name}:Stores)"));
                    }
                    continue;
                }
                ReadStore(articles, path, location);
            }

            // A store listed twice: the rows of its first copy were taken before the second showed up.
            if (duplicated.Count > 0)
            {
                foreach (var line in _good.Where(l => duplicated.Contains(l.LocationId)).ToList())
                {
                    _good.Remove(line);
                    _rejected.Add(new FeedRowIssue(line.FirstLine, line.LocationId, line.Article, "its store is listed twice in the file"));
                }
            }
            return new ParsedFeedFile(generated, _rows, _good, _rejected.OrderBy(r => r.Line).ToList(), _unmapped);
        }

        private void RejectAll(JsonElement articles, string storePath, string location, string reason)
        {
            var j = 0;
            foreach (var a in articles.EnumerateArray())
            {
                _rows++;
                _rejected.Add(new FeedRowIssue(lineOf.GetValueOrDefault($"{storePath}.articles[{j++}]"), location, ArticleKey(a), reason));
            }
        }

        private void ReadStore(JsonElement articles, string storePath, string location)
        {
            var byArticle = new Dictionary<string, int>(StringComparer.Ordinal);
            var byItem = new Dictionary<string, (string Article, int Line)>(StringComparer.Ordinal);
            var j = 0;
            foreach (var article in articles.EnumerateArray())
            {
                _rows++;
                var line = lineOf.GetValueOrDefault($"{storePath}.articles[{j++}]");
                var key = ArticleKey(article);
                if (!TryReadArticle(article, out var vnr, out var gtin, out var snapshot, out var why))
                {
                    _rejected.Add(new FeedRowIssue(line, location, key, why));
                    continue;
                }
                if (byArticle.TryGetValue(key, out var first))
                {
                    _rejected.Add(new FeedRowIssue(line, location, key, $"listed twice for this store (first on line {first})"));
                    continue;
                }
                byArticle[key] = line;
                if (!mapping.TryMap(vnr, gtin, out var itemId))
                {
                    _unmapped.Add(new FeedRowIssue(line, location, key, "no catalog item is mapped to this article"));
                    continue;
                }
                if (byItem.TryGetValue(itemId, out var other))
                {
                    _rejected.Add(new FeedRowIssue(line, location, key,
                        $"maps to item '{itemId}', already given by article '{other.Article}' on line {other.Line}"));
                    continue;
                }
                var snapshotLine = snapshot with { ItemId = itemId };
                if (LineCheck.Problems(snapshotLine) is { Count: > 0 } problems)
                {
                    _rejected.Add(new FeedRowIssue(line, location, key, string.Join("; ", problems)));
                    continue;
                }
                byItem[itemId] = (key, line);
                _good.Add(new FeedLine(location, key, line, 1, snapshotLine));
            }
        }

        private static string ArticleKey(JsonElement article)
        {
            if (article.ValueKind != JsonValueKind.Object) return "";
            if (TryGet(article, "vnr", out var v) && ReadKey(v) is { Length: > 0 } vnr) return vnr;
            if (TryGet(article, "gtin", out var g) && ReadKey(g) is { Length: > 0 } gtin) return gtin;
            return "";
        }

        private static bool TryReadArticle(JsonElement a, out string? vnr, out string? gtin, out SnapshotLine line, out string why)
        {
            vnr = gtin = null;
            line = null!;
            if (a.ValueKind != JsonValueKind.Object) { why = $"an article must be an object (got {Kind(a)})"; return false; }
            if (TryGet(a, "vnr", out var v) && v.ValueKind != JsonValueKind.Null)
            {
                vnr = ReadKey(v);
                if (vnr is not { Length: > 0 }) { why = "vnr must be a string or number"; return false; }
            }
            if (TryGet(a, "gtin", out var g) && g.ValueKind != JsonValueKind.Null)
            {
                gtin = ReadKey(g);
                if (gtin is null || !IsGtin(gtin)) { why = $"gtin {Clip(g.GetRawText())} is not 8, 12, 13 or 14 digits with a valid check digit"; return false; }
            }
            if (vnr is null && gtin is null) { why = "has neither vnr nor gtin"; return false; }

            if (!TryGet(a, "onHand", out var onHandElement)) { why = "onHand is missing"; return false; }
            if (!TryReadQuantity(onHandElement, out var onHand, out why)) { why = $"onHand {why}"; return false; }
            long reserved = 0, quarantined = 0;
            if (TryGet(a, "reserved", out var r) && r.ValueKind != JsonValueKind.Null && !TryReadQuantity(r, out reserved, out why))
            { why = $"reserved {why}"; return false; }
            if (TryGet(a, "quarantined", out var q) && q.ValueKind != JsonValueKind.Null && !TryReadQuantity(q, out quarantined, out why))
            { why = $"quarantined {why}"; return false; }

            var lots = new List<LotInput>();
            if (TryGet(a, "batches", out var batches) && batches.ValueKind != JsonValueKind.Null)
            {
                if (batches.ValueKind != JsonValueKind.Array) { why = $"batches must be an array (got {Kind(batches)})"; return false; }
                var k = 0;
                foreach (var b in batches.EnumerateArray())
                {
                    var at = $"batches[{k++}]";
                    if (b.ValueKind != JsonValueKind.Object) { why = $"{at} must be an object"; return false; }
                    if (!TryGet(b, "batch", out var n) || ReadKey(n) is not { Length: > 0 } batch) { why = $"{at}.batch is missing"; return false; }
                    if (!TryGet(b, "expiry", out var e) || e.ValueKind != JsonValueKind.String || !TryParseDate(e.GetString()!, out var expiry))
                    { why = $"{at}.expiry must be a date (YYYY-MM-DD)"; return false; }
                    if (!TryGet(b, "qty", out var qe)) { why = $"{at}.qty is missing"; return false; }
                    if (!TryReadQuantity(qe, out var qty, out why)) { why = $"{at}.qty {why}"; return false; }
                    lots.Add(new LotInput(batch, expiry.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), qty));
                }
            }
            line = new SnapshotLine("", onHand, reserved, quarantined, lots, 0);
            why = "";
            return true;
        }
    }
}
