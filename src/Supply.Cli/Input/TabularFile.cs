using System.Text;
using System.Text.Json;

namespace Supply.Cli.Input;

/// <summary>A data row of a CSV or JSON file: the values by column name, and the line it starts on.</summary>
public sealed class InputRow(int line, IReadOnlyDictionary<string, string> values)
{
    public int Line { get; } = line;

    /// <summary>The trimmed value of a column, "" when absent or empty.</summary>
    public string this[string column] => values.TryGetValue(column, out var v) ? v.Trim() : "";

    public bool Has(string column) => this[column].Length > 0;
}

/// <summary>
/// Reads tabular input — CSV with a header row, or a JSON array of objects with the same names —
/// into <see cref="InputRow"/>s, checking column names against what the caller knows.
/// </summary>
public static class TabularFile
{
    /// <param name="required">Columns that must be present.</param>
    /// <param name="optional">Columns that may be present.</param>
    /// <param name="aliases">Other accepted names, mapped to the canonical column.</param>
    public static ReadResult<IReadOnlyList<InputRow>> Parse(
        string text, FileFormat format, string source,
        IReadOnlyList<string> required, IReadOnlyList<string> optional,
        IReadOnlyDictionary<string, string>? aliases = null)
    {
        var known = required.Concat(optional).ToHashSet(StringComparer.Ordinal);
        string Canonical(string name)
        {
            var n = name.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
            return aliases is not null && aliases.TryGetValue(n, out var c) ? c : n;
        }
        return format == FileFormat.Json
            ? ParseJson(text, source, known, Canonical)
            : ParseCsv(text, source, known, required, Canonical);
    }

    private static ReadResult<IReadOnlyList<InputRow>> ParseCsv(
        string text, string source, HashSet<string> known, IReadOnlyList<string> required, Func<string, string> canonical)
    {
        List<CsvRecord> records;
        try { records = CsvReader.Read(text).ToList(); }
        catch (CsvSyntaxException e) { return ReadResult<IReadOnlyList<InputRow>>.Failure(new InputError(source, e.Line, null, e.Message)); }
        if (records.Count == 0)
            return ReadResult<IReadOnlyList<InputRow>>.Failure(new InputError(source, 0, null,
                $"the file is empty; expected a header row: {string.Join(",", required)},..."));

        var header = records[0];
        var errors = new List<InputError>();
        var columns = header.Fields.Select(canonical).ToList();
        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c].Length == 0) errors.Add(new InputError(source, header.Line, null, $"column {c + 1} of the header has no name"));
            else if (!known.Contains(columns[c]))
                errors.Add(new InputError(source, header.Line, header.Fields[c], $"unknown column; expected {string.Join(", ", known)}"));
            else if (columns.IndexOf(columns[c]) != c)
                errors.Add(new InputError(source, header.Line, header.Fields[c], "appears twice in the header"));
        }
        foreach (var r in required.Where(r => !columns.Contains(r)))
            errors.Add(new InputError(source, header.Line, r, "required column is missing from the header"));
        if (errors.Count > 0) return ReadResult<IReadOnlyList<InputRow>>.Failure(errors);

        var rows = new List<InputRow>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count > columns.Count)
            {
                errors.Add(new InputError(source, record.Line, null,
                    $"{record.Fields.Count} fields but the header has {columns.Count} columns (quote fields that contain commas)"));
                continue;
            }
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < record.Fields.Count; c++) values[columns[c]] = record.Fields[c];
            rows.Add(new InputRow(record.Line, values));
        }
        return errors.Count > 0 ? ReadResult<IReadOnlyList<InputRow>>.Failure(errors) : ReadResult<IReadOnlyList<InputRow>>.Success(rows);
    }

    private static ReadResult<IReadOnlyList<InputRow>> ParseJson(
        string text, string source, HashSet<string> known, Func<string, string> canonical)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (var b = 0; b < bytes.Length; b++) if (bytes[b] == '\n') lineStarts.Add(b + 1);
        int LineOf(long offset)
        {
            var at = lineStarts.BinarySearch((int)offset);
            return (at >= 0 ? at : ~at - 1) + 1;
        }

        var errors = new List<InputError>();
        var rows = new List<InputRow>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                return ReadResult<IReadOnlyList<InputRow>>.Failure(new InputError(source, reader.TokenType == JsonTokenType.None ? 0 : LineOf(reader.TokenStartIndex), null,
                    "expected a JSON array of objects: [ { ... }, ... ]"));
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var rowLine = LineOf(reader.TokenStartIndex);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    errors.Add(new InputError(source, rowLine, null, "expected an object { ... } in the array"));
                    reader.Skip();
                    continue;
                }
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var raw = reader.GetString() ?? "";
                    var name = canonical(raw);
                    var propertyLine = LineOf(reader.TokenStartIndex);
                    reader.Read();
                    string? value = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        JsonTokenType.True => "true",
                        JsonTokenType.False => "false",
                        JsonTokenType.Null => "",
                        _ => null,
                    };
                    if (value is null)
                    {
                        errors.Add(new InputError(source, propertyLine, raw, "must be a string or a number"));
                        reader.Skip();
                        continue;
                    }
                    if (!known.Contains(name))
                        errors.Add(new InputError(source, propertyLine, raw, $"unknown field; expected {string.Join(", ", known)}"));
                    else if (!values.TryAdd(name, value))
                        errors.Add(new InputError(source, propertyLine, raw, "appears twice in this object"));
                }
                // Missing fields read as empty; the row readers say which ones are required.
                rows.Add(new InputRow(rowLine, values));
            }
        }
        catch (JsonException e)
        {
            errors.Add(new InputError(source, (int)(e.LineNumber ?? -1) + 1, null, "not valid JSON: " + FirstSentence(e.Message)));
        }
        return errors.Count > 0 ? ReadResult<IReadOnlyList<InputRow>>.Failure(errors) : ReadResult<IReadOnlyList<InputRow>>.Success(rows);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
