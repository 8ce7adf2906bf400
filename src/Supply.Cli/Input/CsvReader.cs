using System.Text;

namespace Supply.Cli.Input;

/// <summary>One CSV record with the (1-based) line it starts on.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>Thrown for text that is not CSV at all (an unterminated quote, text after a closing quote).</summary>
public sealed class CsvSyntaxException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// A small RFC 4180 reader: comma-separated, fields optionally in double quotes ("" is a quote
/// inside quotes; quoted fields may span lines), records end at LF or CRLF. Unquoted fields are
/// trimmed; blank lines are skipped; a leading byte-order mark is ignored.
/// </summary>
public static class CsvReader
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        var i = 0;
        var line = 1;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (i < text.Length)
        {
            var recordLine = line;
            fields.Clear();
            var endOfRecord = false;
            while (!endOfRecord)
            {
                field.Clear();
                // Leading blanks before an opening quote are allowed.
                var start = i;
                while (i < text.Length && text[i] is ' ' or '\t') i++;
                if (i < text.Length && text[i] == '"')
                {
                    var quoteLine = line;
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new CsvSyntaxException(quoteLine, "a quoted field is not closed (missing \")");
                        var c = text[i];
                        if (c == '"')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                            i++;
                            break;
                        }
                        if (c == '\n') line++;
                        field.Append(c);
                        i++;
                    }
                    while (i < text.Length && text[i] is ' ' or '\t') i++;
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                        throw new CsvSyntaxException(line, "unexpected text after a closing quote (use \"\" for a quote inside quotes)");
                    fields.Add(field.ToString());
                }
                else
                {
                    i = start;
                    while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        if (text[i] == '"')
                            throw new CsvSyntaxException(line, "a quote inside an unquoted field (quote the whole field and double the quote)");
                        field.Append(text[i]);
                        i++;
                    }
                    fields.Add(field.ToString().Trim());
                }

                if (i >= text.Length) endOfRecord = true;
                else if (text[i] == ',') i++;
                else
                {
                    if (text[i] == '\r') i++;
                    if (i < text.Length && text[i] == '\n') i++;
                    line++;
                    endOfRecord = true;
                }
            }
            if (fields.Count == 1 && fields[0].Length == 0) continue; // blank line
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }
}
