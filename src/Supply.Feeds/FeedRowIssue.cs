using Supply.Feeds.Parsing;

namespace Supply.Feeds;

/// <summary>
/// A row of a feed file that was not applied: rejected (malformed, or refused by the stock service) or
/// unmapped (no catalog item for the supplier's article, or no location for the store).
/// </summary>
/// <param name="Line">1-based line in the file (0 when the problem is not tied to one line).</param>
/// <param name="Location">The stock location the row was for ("" when the store has none).</param>
/// <param name="Article">The supplier's article number (varunummer, article_no or GTIN) as in the file.</param>
public sealed record FeedRowIssue(int Line, string Location, string Article, string Reason)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Describe()}" : Describe();

    private string Describe() => Article.Length > 0 ? $"article '{Article}': {Reason}" : Reason;
}

/// <summary>The whole file is refused: nothing of it is applied.</summary>
public sealed class FeedFileRefusedException(string reason, int line = 0) : Exception(line > 0 ? $"line {line}: {reason}" : reason)
{
    public string Reason { get; } = reason;

    /// <summary>1-based line at fault, 0 when not tied to one line.</summary>
    public int Line { get; } = line;

    /// <summary>Rows already examined when the refusal was decided (by the bad-row rule), for health.</summary>
    internal ParsedFeedFile? Parsed { get; init; }
}
