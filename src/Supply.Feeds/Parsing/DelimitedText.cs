using System.Text;

namespace Supply.Feeds.Parsing;

/// <summary>One record of a delimited file with the (1-based) line it starts on.</summary>
internal sealed record TextRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>The records of a delimited file and whether its last record ended with a line break.</summary>
internal sealed record DelimitedFile(IReadOnlyList<TextRecord> Records, bool EndsWithLineBreak);

/// <summary>Text that is not delimited text at all (an unterminated quote, text after a closing quote).</summary>
internal sealed class DelimitedSyntaxException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// A small RFC 4180-style reader for any one-character separator (';' for the Swedish CSV files that
/// spreadsheets write): fields optionally in double quotes ("" is a quote inside quotes; quoted fields may
/// span lines), records end at LF or CRLF, unquoted fields are trimmed, blank lines are skipped, a leading
/// byte-order mark is ignored.
/// </summary>
internal static class DelimitedText
{
    public static DelimitedFile Read(string text, char separator)
    {
        var records = new List<TextRecord>();
        var i = 0;
        var line = 1;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        var field = new StringBuilder();
        var lastEndedWithBreak = true;
        while (i < text.Length)
        {
            var recordLine = line;
            var fields = new List<string>();
            var endOfRecord = false;
            var previousEndedWithBreak = lastEndedWithBreak;
            lastEndedWithBreak = false;
            while (!endOfRecord)
            {
                field.Clear();
                var start = i;
                while (i < text.Length && text[i] is ' ' or '\t') i++;
                if (i < text.Length && text[i] == '"')
                {
                    var quoteLine = line;
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new DelimitedSyntaxException(quoteLine, "a quoted field is not closed (the file may be cut short)");
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
                    if (i < text.Length && text[i] != separator && text[i] is not ('\r' or '\n'))
                        throw new DelimitedSyntaxException(line, "unexpected text after a closing quote");
                    fields.Add(field.ToString());
                }
                else
                {
                    i = start;
                    while (i < text.Length && text[i] != separator && text[i] is not ('\r' or '\n'))
                    {
                        field.Append(text[i]);
                        i++;
                    }
                    fields.Add(field.ToString().Trim());
                }

                if (i >= text.Length) endOfRecord = true;
                else if (text[i] == separator) i++;
                else
                {
                    if (text[i] == '\r') i++;
                    if (i < text.Length && text[i] == '\n') i++;
                    line++;
                    lastEndedWithBreak = true;
                    endOfRecord = true;
                }
            }
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                // A blank line (trailing white space included) says nothing about truncation.
                lastEndedWithBreak |= previousEndedWithBreak;
                continue;
            }
            records.Add(new TextRecord(recordLine, fields));
        }
        return new DelimitedFile(records, lastEndedWithBreak);
    }
}
