using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Feeds.Parsing;

/// <summary>Reading the fields suppliers write: Swedish-style numbers, dates, times with an offset.</summary>
internal static partial class FieldReaders
{
    /// <summary>
    /// A whole quantity in base units. Swedish style is accepted: a space (or no-break space) between
    /// thousands ("1 200"), a decimal comma with a zero fraction ("40,00"), a typographic minus. A fraction
    /// that is not zero is refused: stock is counted in whole base units.
    /// </summary>
    public static bool TryParseQuantity(string text, out long value, out string why)
    {
        value = 0;
        why = "";
        var s = text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal)
            .Replace("\u202F", "", StringComparison.Ordinal).Replace('\u2212', '-');
        if (s.Length == 0) { why = "is empty"; return false; }
        var sep = s.IndexOfAny([',', '.']);
        if (sep >= 0)
        {
            var fraction = s[(sep + 1)..];
            if (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit)) { why = $"'{Clip(text)}' is not a number"; return false; }
            if (fraction.Any(c => c != '0')) { why = $"'{Clip(text)}' is not a whole number of base units"; return false; }
            s = s[..sep];
        }
        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            why = $"'{Clip(text)}' is not a whole number";
            return false;
        }
        return true;
    }

    /// <summary>A quantity from JSON: a number (integral) or a string holding one.</summary>
    public static bool TryReadQuantity(JsonElement e, out long value, out string why)
    {
        value = 0;
        why = "";
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                if (e.TryGetInt64(out value)) return true;
                if (e.TryGetDecimal(out var d) && decimal.Truncate(d) == d && d is >= long.MinValue and <= long.MaxValue)
                {
                    value = (long)d;
                    return true;
                }
                why = $"{e.GetRawText()} is not a whole number of base units";
                return false;
            case JsonValueKind.String:
                return TryParseQuantity(e.GetString() ?? "", out value, out why);
            default:
                why = $"must be a number (got {Kind(e)})";
                return false;
        }
    }

    /// <summary>An identifier (article number, store, batch) given as a string or a plain number.</summary>
    public static string? ReadKey(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()?.Trim(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>An ISO 8601 time that says its offset ("…Z" or "…+01:00"): a local time without one is ambiguous.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (text is null || !ExplicitOffset().IsMatch(text.Trim())) return false;
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex ExplicitOffset();

    /// <summary>UTF-8, strictly: a file that is not UTF-8 is refused rather than read with replacement characters.</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> content)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new FeedFileRefusedException("the file is not UTF-8 text (or is cut in the middle of a character)");
        }
    }

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A property by name, ignoring case ("onHand", "onhand", "OnHand" are the same field).</summary>
    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>GTINs: 8, 12, 13 or 14 digits with a valid GS1 check digit.</summary>
    public static bool IsGtin(string s) => s.Length is 8 or 12 or 13 or 14 && s.All(char.IsAsciiDigit) && ItemId.GtinCheckDigitOk(s);

    public static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}

/// <summary>
/// Checks one snapshot line with the domain's own rules (<see cref="ReportValidator"/>), so a row the
/// stock service would refuse is rejected here, on its own line, instead of refusing a location's whole report.
/// Catalog membership is not checked here: the stock service answers that (see the feed runner).
/// </summary>
internal static class LineCheck
{
    private static readonly DateTimeOffset CheckTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Prefix = "snapshot.lines[0].";

    public static IReadOnlyList<string> Problems(SnapshotLine line)
    {
        var report = new StockReport("feed-line-check", "feed-line-check", CheckTime, ReportKind.Snapshot, [line], []);
        return ReportValidator.Validate(report, AnyCatalog.Instance, CheckTime)
            .Select(v => v.Field.StartsWith(Prefix, StringComparison.Ordinal) ? $"{v.Field[Prefix.Length..]}: {v.Description}" : v.ToString())
            .ToList();
    }

    private sealed class AnyCatalog : ICatalogView
    {
        public static readonly AnyCatalog Instance = new();
        public long Version => 0;

        public bool TryGetItem(string id, out Item item)
        {
            item = new Item(id, id, ItemCategory.Medicine, "piece", 1, "", Criticality.Standard);
            return true;
        }

        public bool TryGetLocation(string id, out Location location)
        {
            location = new Location(id, id, LocationKind.Supplier, "01", "");
            return true;
        }
    }
}

/// <summary>
/// The line on which each JSON object starts, by path ("$.stores[2].articles[5]"): JsonDocument does not
/// keep positions, so one pass of the reader records them for the error messages. Property names are
/// lower-cased in the paths, as the parsers look fields up ignoring case.
/// </summary>
internal static class JsonLines
{
    public static Dictionary<string, int> OfObjects(ReadOnlySpan<byte> json)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        var stack = new List<(string Path, bool IsArray, int Next)>();
        string property = "";
        var line = 1;
        long scanned = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = (reader.GetString() ?? "").ToLowerInvariant(); // lookups ignore case
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.RemoveAt(stack.Count - 1);
                    break;
                default:
                    string path;
                    if (stack.Count == 0) path = "$";
                    else if (stack[^1].IsArray)
                    {
                        var top = stack[^1];
                        path = $"{top.Path}[{top.Next}]";
                        stack[^1] = top with { Next = top.Next + 1 };
                    }
                    else path = $"{stack[^1].Path}.{property}";
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var at = reader.TokenStartIndex;
                        line += json[(int)scanned..(int)at].Count((byte)'\n');
                        scanned = at;
                        result[path] = line;
                        stack.Add((path, false, 0));
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray) stack.Add((path, true, 0));
                    break;
            }
        }
        return result;
    }
}
