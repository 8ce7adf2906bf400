using System.Globalization;
using System.Text;

namespace Supply.Feeds.Tests;

/// <summary>
/// Builds a pharmacy chain's JSON stock file with one article per line, so tests know every line number:
/// line 1 "{", 2 chain, 3 generated, 4 "stores": [, then per store a store line, its articles, a closing line.
/// </summary>
public sealed class PharmacyFile
{
    private readonly List<(string Store, List<string> Articles)> _stores = [];
    private readonly Dictionary<(int Store, int Article), int> _lines = [];

    public DateTimeOffset? Generated { get; set; }

    public PharmacyFile Store(string store, params string[] articles)
    {
        _stores.Add((store, articles.ToList()));
        return this;
    }

    /// <summary>An article object on one line.</summary>
    public static string Article(string vnr, long onHand, long reserved = 0, params (string Batch, string Expiry, long Qty)[] batches)
    {
        var b = batches.Length == 0 ? "" :
            ", \"batches\": [" + string.Join(", ", batches.Select(x => $"{{ \"batch\": \"{x.Batch}\", \"expiry\": \"{x.Expiry}\", \"qty\": {x.Qty} }}")) + "]";
        return $"{{ \"vnr\": \"{vnr}\", \"onHand\": {onHand}, \"reserved\": {reserved}{b} }}";
    }

    /// <summary>The line of article <paramref name="article"/> (0-based) of store <paramref name="store"/> (0-based); call after <see cref="ToString"/>.</summary>
    public int LineOf(int store, int article) => _lines[(store, article)];

    public override string ToString()
    {
        _lines.Clear();
        var sb = new StringBuilder();
        var line = 1;
        void Add(string s) { sb.Append(s).Append('\n'); line++; }
        Add("{");
        Add("  \"chain\": \"Apotek Test\",");
        Add(Generated is { } g ? $"  \"generated\": \"{g.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}\"," : "  \"comment\": \"no generated time\",");
        Add("  \"stores\": [");
        for (var s = 0; s < _stores.Count; s++)
        {
            Add($"    {{ \"store\": \"{_stores[s].Store}\", \"articles\": [");
            for (var a = 0; a < _stores[s].Articles.Count; a++)
            {
                _lines[(s, a)] = line;
                Add("      " + _stores[s].Articles[a] + (a < _stores[s].Articles.Count - 1 ? "," : ""));
            }
            Add("    ] }" + (s < _stores.Count - 1 ? "," : ""));
        }
        Add("  ]");
        Add("}");
        return sb.ToString();
    }

    /// <summary>Now, to the second (what a generator would write), a minute ago.</summary>
    public static DateTimeOffset Stamp(TimeProvider time)
    {
        var now = time.GetUtcNow().AddMinutes(-1);
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }
}

/// <summary>A medtech supplier's ';'-separated article list; the header is line 1, row i (0-based) is line i + 2.</summary>
public static class MedtechCsv
{
    public const string Header = "article_no;gtin;description;available;on_order;lot;expiry";

    public static string Row(string articleNo, string gtin, string available, string lot = "", string expiry = "", string description = "Article", string onOrder = "0") =>
        string.Join(';', articleNo, gtin, description, available, onOrder, lot, expiry);

    public static string File(params string[] rows) => Header + "\n" + string.Join("", rows.Select(r => r + "\n"));

    public static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
