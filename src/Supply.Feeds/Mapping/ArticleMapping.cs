using System.Text.Json;
using Supply.Domain.Catalog;
using Supply.Feeds.Parsing;

namespace Supply.Feeds.Mapping;

/// <summary>A mapping file that cannot be used; nothing is pulled until it is fixed.</summary>
public sealed class FeedMappingException(string message) : Exception(message);

/// <summary>
/// Supplier article number (or GTIN) → catalog item id, for one feed. The mapping is data: a file and/or
/// inline entries in the configuration, plus an optional identity scheme for articles numbered the
/// national way (a varunummer is already a catalog id: <c>vnr:123456</c>).
/// </summary>
public sealed class ArticleMapping
{
    private readonly IReadOnlyDictionary<string, string> _entries;
    private readonly string _identityScheme;

    public ArticleMapping(IReadOnlyDictionary<string, string> entries, string identityScheme = "")
    {
        _entries = entries;
        _identityScheme = identityScheme;
    }

    public int Count => _entries.Count;

    /// <summary>
    /// Maps a row: first the article number, then the GTIN, by explicit entry; then, with an identity
    /// scheme, <c>scheme:number</c> if that is a valid item id.
    /// </summary>
    public bool TryMap(string? article, string? gtin, out string itemId)
    {
        if (article is { Length: > 0 } && _entries.TryGetValue(article, out itemId!)) return true;
        if (gtin is { Length: > 0 } && _entries.TryGetValue(gtin, out itemId!)) return true;
        var candidate = _identityScheme switch
        {
            "vnr" or "npl" when article is { Length: > 0 } => $"{_identityScheme}:{article}",
            "gtin" when gtin is { Length: > 0 } => $"gtin:{gtin}",
            _ => null,
        };
        itemId = candidate ?? "";
        return candidate is not null && ItemId.IsValid(candidate, out _);
    }

    /// <summary>Reads a mapping file: JSON (object or array of {supplier_article,item_id}) or CSV (',' or ';').</summary>
    public static Dictionary<string, string> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FeedMappingException($"mapping file '{path}' cannot be read: {e.Message}");
        }
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var entries = trimmed.StartsWith('{') || trimmed.StartsWith('[') ? ReadJson(path, trimmed) : ReadCsv(path, text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, article, item) in entries)
        {
            var at = line > 0 ? $"{path}:{line}" : path;
            if (article.Length == 0) throw new FeedMappingException($"{at}: supplier_article is empty");
            if (!ItemId.IsValid(item, out var why)) throw new FeedMappingException($"{at}: item_id {why}");
            if (result.TryGetValue(article, out var other) && other != item)
                throw new FeedMappingException($"{at}: article '{article}' is mapped to both '{other}' and '{item}'");
            result[article] = item;
        }
        return result;
    }

    private static List<(int Line, string Article, string Item)> ReadCsv(string path, string text)
    {
        var firstLine = text.TrimStart('\uFEFF').Split('\n', 2)[0];
        var separator = firstLine.Contains(';') ? ';' : ',';
        DelimitedFile file;
        try
        {
            file = DelimitedText.Read(text, separator);
        }
        catch (DelimitedSyntaxException e)
        {
            throw new FeedMappingException($"{path}:{e.Line}: {e.Message}");
        }
        if (file.Records.Count == 0) throw new FeedMappingException($"{path}: the mapping file is empty");
        var header = file.Records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var a = header.IndexOf("supplier_article");
        var i = header.IndexOf("item_id");
        if (a < 0 || i < 0) throw new FeedMappingException($"{path}:1: the header must name supplier_article and item_id");
        var result = new List<(int, string, string)>();
        foreach (var r in file.Records.Skip(1))
        {
            if (r.Fields.Count != header.Count)
                throw new FeedMappingException($"{path}:{r.Line}: {r.Fields.Count} fields, the header has {header.Count}");
            result.Add((r.Line, r.Fields[a].Trim(), r.Fields[i].Trim()));
        }
        return result;
    }

    private static List<(int Line, string Article, string Item)> ReadJson(string path, string text)
    {
        var result = new List<(int, string, string)>();
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) throw new FeedMappingException($"{path}: the item id of '{p.Name}' must be a string");
                    result.Add((0, p.Name.Trim(), p.Value.GetString()!.Trim()));
                }
                return result;
            }
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new FeedMappingException($"{path}: expected an object {{\"article\": \"item id\"}} or an array of {{supplier_article, item_id}}");
            var index = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object
                    || !FieldReaders.TryGet(e, "supplier_article", out var article) || FieldReaders.ReadKey(article) is not { } articleText
                    || !FieldReaders.TryGet(e, "item_id", out var item) || item.ValueKind != JsonValueKind.String)
                    throw new FeedMappingException($"{path}: entry [{index}] needs supplier_article and item_id (strings)");
                result.Add((0, articleText, item.GetString()!.Trim()));
                index++;
            }
            return result;
        }
        catch (JsonException e)
        {
            throw new FeedMappingException($"{path}:{e.LineNumber + 1}: not valid JSON: {e.Message}");
        }
    }
}

/// <summary>
/// The mapping of one feed as it is now: the file is read at the first pull and again whenever its
/// modification time or size changes, merged with the inline entries (which win).
/// </summary>
internal sealed class ArticleMappingSource(FeedOptions feed)
{
    private (DateTime Modified, long Length)? _fileStamp;
    private ArticleMapping? _current;

    /// <summary>Throws <see cref="FeedMappingException"/> when the file is missing or broken.</summary>
    public ArticleMapping Current()
    {
        if (feed.MappingFile.Length == 0)
            return _current ??= new ArticleMapping(new Dictionary<string, string>(feed.Mapping, StringComparer.Ordinal), feed.IdentityScheme);

        var info = new FileInfo(feed.MappingFile);
        if (!info.Exists) throw new FeedMappingException($"mapping file '{feed.MappingFile}' does not exist");
        var stamp = (info.LastWriteTimeUtc, info.Length);
        if (_current is not null && _fileStamp == stamp) return _current;

        var entries = ArticleMapping.ReadFile(feed.MappingFile);
        foreach (var (article, item) in feed.Mapping) entries[article] = item;
        _current = new ArticleMapping(entries, feed.IdentityScheme);
        _fileStamp = stamp;
        return _current;
    }
}
