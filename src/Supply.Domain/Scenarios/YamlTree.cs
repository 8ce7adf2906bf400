using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Supply.Domain.Scenarios;

internal abstract record YNode(int Line, int Column)
{
    public string At => $"line {Line}, column {Column}";
}

internal sealed record YScalar(string Value, bool Plain, int Line, int Column) : YNode(Line, Column)
{
    /// <summary>An empty or ~/null plain value counts as not given.</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YSeq(IReadOnlyList<YNode> Items, int Line, int Column) : YNode(Line, Column);

internal sealed record YMap(IReadOnlyList<KeyValuePair<string, YNode>> Entries, int Line, int Column) : YNode(Line, Column)
{
    public YNode? Get(string key)
    {
        foreach (var e in Entries) if (e.Key == key) return e.Value;
        return null;
    }
}

/// <summary>
/// Reads YAML (and JSON, which YAML reads too) into a small tree, and typed fields out of it, collecting
/// violations that name the field's path ("regions[0].casualties.T1") and its line. Values are taken as
/// written ("01" stays "01", "no" stays "no"): YAML's implicit typing never guesses for us.
/// Aliases are refused (they could expand a small file into a huge one); so are duplicate keys.
/// </summary>
internal sealed class YamlTree
{
    public const int MaxChars = 1_000_000;
    private const int MaxDepth = 64;
    private const int MaxNodes = 200_000;

    private int _nodes;
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.Ordinal);

    public Violations V { get; } = new();

    public YNode? Load(string text)
    {
        if (text.Length > MaxChars) { V.Add("file", $"is larger than {MaxChars:N0} characters"); return null; }
        // JSON never has a raw tab inside a string, and YAML refuses tabs as indentation: make them spaces.
        if (text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[')) text = text.Replace('\t', ' ');
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) { V.Add("file", "is empty"); return null; }
            parser.Consume<DocumentStart>();
            var root = Read(parser, "", 0);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _)) V.Add("file", "holds more than one document (---); give one scenario per file");
            return root;
        }
        catch (YamlException e)
        {
            V.Add("file", $"is not valid YAML or JSON: {e.Message} (line {e.Start.Line}, column {e.Start.Column})");
            return null;
        }
    }

    private YNode Read(IParser p, string path, int depth)
    {
        var at = p.Current ?? throw new YamlException("unexpected end of input");
        if (++_nodes > MaxNodes) throw new YamlException(at.Start, at.End, $"more than {MaxNodes:N0} values");
        if (depth > MaxDepth) throw new YamlException(at.Start, at.End, $"nested more than {MaxDepth} levels deep");
        var line = (int)at.Start.Line;
        var column = (int)at.Start.Column;
        _positions.TryAdd(path, (line, column));
        if (p.TryConsume<AnchorAlias>(out _)) throw new YamlException(at.Start, at.End, "aliases (*name) are not supported; write the value out");
        if (p.TryConsume<Scalar>(out var scalar)) return new YScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, line, column);
        if (p.TryConsume<SequenceStart>(out _))
        {
            var items = new List<YNode>();
            while (!p.TryConsume<SequenceEnd>(out _)) items.Add(Read(p, $"{path}[{items.Count}]", depth + 1));
            return new YSeq(items, line, column);
        }
        if (p.TryConsume<MappingStart>(out _))
        {
            var entries = new List<KeyValuePair<string, YNode>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!p.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = p.Current!;
                if (!p.TryConsume<Scalar>(out var key)) throw new YamlException(keyEvent.Start, keyEvent.End, "a key must be a plain value");
                var childPath = Join(path, key.Value);
                var value = Read(p, childPath, depth + 1);
                if (seen.Add(key.Value)) entries.Add(new(key.Value, value));
                else V.Add(childPath, $"appears twice (line {key.Start.Line}, column {key.Start.Column})");
            }
            return new YMap(entries, line, column);
        }
        throw new YamlException(at.Start, at.End, $"unexpected {at.GetType().Name}");
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Adds "(line N, column M)" to violations found later (model rules), when the field is known here.</summary>
    public IReadOnlyList<Violation> WithPositions(IEnumerable<Violation> violations) => violations
        .Select(v => _positions.TryGetValue(v.Field, out var pos) ? v with { Description = $"{v.Description} (line {pos.Line}, column {pos.Column})" } : v)
        .ToList();

    // ---- typed access: each returns null (and records why) when the value is missing or wrong ----

    public YMap? Map(YNode? node, string path, bool required = true)
    {
        if (node is YMap map) return map;
        if (node is null or YScalar { IsNull: true }) { if (required) V.Add(path, "is required"); return null; }
        V.Add(path, $"must be a mapping of fields ({node.At})");
        return null;
    }

    public IReadOnlyList<(YNode Node, string Path)> List(YMap map, string key, string path, bool required = false)
    {
        var p = Join(path, key);
        var node = map.Get(key);
        if (node is null or YScalar { IsNull: true }) { if (required) V.Add(p, $"is required ({map.At})"); return []; }
        if (node is not YSeq seq) { V.Add(p, $"must be a list ({node.At})"); return []; }
        return seq.Items.Select((n, i) => (n, $"{p}[{i}]")).ToList();
    }

    public string? String(YMap map, string key, string path, bool required = true)
    {
        var p = Join(path, key);
        var node = map.Get(key);
        if (node is null or YScalar { IsNull: true }) { if (required) V.Add(p, $"is required ({map.At})"); return null; }
        if (node is YScalar s) return s.Value;
        V.Add(p, $"must be a single value, not a list or mapping ({node.At})");
        return null;
    }

    public long? Long(YMap map, string key, string path, bool required = true) =>
        Parse<long>(map, key, path, required, "a whole number", s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) ? x : null);

    public int? Int(YMap map, string key, string path, bool required = true) =>
        Parse<int>(map, key, path, required, "a whole number", s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) ? x : null);

    public double? Number(YMap map, string key, string path, bool required = true) =>
        Parse<double>(map, key, path, required, "a number (with a decimal point, not a comma)",
            s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : null);

    public DateOnly? Date(YMap map, string key, string path, bool required = true) =>
        Parse<DateOnly>(map, key, path, required, "a date yyyy-MM-dd",
            s => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var x) ? x : null);

    private T? Parse<T>(YMap map, string key, string path, bool required, string what, Func<string, T?> parse) where T : struct
    {
        var raw = String(map, key, path, required);
        if (raw is null) return null;
        var value = parse(raw.Trim());
        if (value is null) V.Add(Join(path, key), $"'{Text.Clip(raw)}' is not {what} ({map.Get(key)!.At})");
        return value;
    }

    /// <summary>Refuses fields the format does not have, so a typo ("horizon_day") is named instead of ignored.</summary>
    public void OnlyKnown(YMap map, string path, params string[] known)
    {
        foreach (var e in map.Entries)
            if (!known.Contains(e.Key))
                V.Add(Join(path, e.Key), $"is not a known field here; expected one of: {string.Join(", ", known)} ({e.Value.At})");
    }
}
