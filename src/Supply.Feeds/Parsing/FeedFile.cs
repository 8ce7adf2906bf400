using Supply.Domain.Stock;

namespace Supply.Feeds.Parsing;

/// <summary>One snapshot line for one location, from one or more rows of the file (one per lot).</summary>
internal sealed record FeedLine(string LocationId, string Article, int FirstLine, int Rows, SnapshotLine Line);

/// <summary>What a file held: the good lines, and every row that could not be used, with its line.</summary>
internal sealed record ParsedFeedFile(
    DateTimeOffset? GeneratedAt,
    int DataRows,
    IReadOnlyList<FeedLine> Lines,
    IReadOnlyList<FeedRowIssue> Rejected,
    IReadOnlyList<FeedRowIssue> Unmapped)
{
    public int GoodRows => Lines.Sum(l => l.Rows);
}

/// <summary>
/// The one rule that decides between "apply the good rows" and "refuse the file whole". Refused whole:
/// a file that does not parse or is cut short, a changed layout (header or columns), a file without data
/// rows, or one with more bad rows than <see cref="FeedOptions.MaxBadRowRatio"/> of its data rows.
/// Otherwise the good rows apply and the bad ones are listed with their line numbers. Unmapped rows are
/// listed too but are not bad rows: they are a gap in the mapping, not in the file.
/// </summary>
internal static class FeedFileRule
{
    public static void Enforce(ParsedFeedFile parsed, FeedOptions feed)
    {
        if (parsed.DataRows == 0) throw new FeedFileRefusedException("the file has no data rows") { Parsed = parsed };
        var bad = parsed.Rejected.Count;
        if (bad > (decimal)feed.MaxBadRowRatio * parsed.DataRows) // decimal: 2 of 20 is exactly 10 %
        {
            var first = parsed.Rejected[0];
            throw new FeedFileRefusedException(
                $"{bad} of {parsed.DataRows} rows are bad, more than {feed.MaxBadRowRatio:P0}; the file is refused whole (first: {first})")
            { Parsed = parsed };
        }
    }
}
