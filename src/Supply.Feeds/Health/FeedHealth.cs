using Supply.Domain.Stock;


namespace Supply.Feeds;

/// <summary>How a pull ended.</summary>
public enum FeedPullOutcome
{
    /// <summary>The file was read and every row that could be applied was (unmapped rows are listed).</summary>
    Applied = 1,
    /// <summary>As <see cref="Applied"/>, but every report was a duplicate: the same file as before.</summary>
    Unchanged = 2,
    /// <summary>Good rows applied; some rows rejected (malformed, refused by the stock service) or some locations failed.</summary>
    Partial = 3,
    /// <summary>The file was refused whole (cut short, changed layout, too many bad rows): nothing applied.</summary>
    Refused = 4,
    /// <summary>The file could not be fetched (after retries), the mapping is broken, or no location could be written.</summary>
    Failed = 5,
    /// <summary>The circuit breaker is open: the supplier was not asked.</summary>
    CircuitOpen = 6,
}

/// <summary>The circuit breaker of a feed (mirrors Polly's circuit states).</summary>
public enum FeedBreakerState { Closed = 0, Open = 1, HalfOpen = 2, Isolated = 3 }

/// <summary>What one location was sent in a pull and what the stock service answered.</summary>
/// <param name="Ack">The acknowledgement; null when the call failed (see <paramref name="Error"/>).</param>
public sealed record FeedLocationResult(string LocationId, string ReportId, int Lines, ReportAck? Ack, string? Error);

/// <summary>The result of one pull.</summary>
/// <param name="HttpAttempts">Requests made (1 + retries); 0 when the breaker was open.</param>
/// <param name="FileTime">The file's own time (<c>generated</c>) or its HTTP Last-Modified.</param>
/// <param name="AsOf">The as-of of the reports sent.</param>
/// <param name="AsOfSource"><c>file</c>, <c>last-modified</c> or <c>pull-time</c>; empty when no report was built.</param>
/// <param name="RowsRead">Data rows in the file (an article object, or a CSV row).</param>
/// <param name="RowsApplied">Rows in reports the stock service accepted (applied, historical or duplicate).</param>
/// <param name="RowsDuplicate">Of <paramref name="RowsApplied"/>, rows whose report was a duplicate (the same file again).</param>
/// <param name="RowsRejected">Malformed rows, and rows the stock service refused.</param>
/// <param name="RowsUnmapped">Rows without a catalog item or a location.</param>
public sealed record FeedPullResult(
    string Feed,
    FeedPullOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int HttpAttempts,
    DateTimeOffset? FileTime,
    DateTimeOffset? AsOf,
    string AsOfSource,
    int RowsRead,
    int RowsApplied,
    int RowsDuplicate,
    int RowsRejected,
    int RowsUnmapped,
    IReadOnlyList<FeedRowIssue> RejectedRows,
    IReadOnlyList<FeedRowIssue> UnmappedRows,
    IReadOnlyList<FeedLocationResult> Locations,
    string? Error)
{
    /// <summary>The file was read and at least part of it reached the stock service.</summary>
    public bool Succeeded => Outcome is FeedPullOutcome.Applied or FeedPullOutcome.Unchanged or FeedPullOutcome.Partial;
}

/// <summary>
/// The health of one feed, as the admin RPC and dashboards see it. Row figures and lists are those of the
/// last pull that read a file (the lists are capped at <see cref="FeedHealth.MaxListed"/> entries each;
/// the counts are exact).
/// </summary>
public sealed record FeedHealth(
    string Name,
    string Format,
    string Url,
    bool Enabled,
    TimeSpan Interval,
    TimeSpan StaleAfter,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastErrorAt,
    string? LastError,
    FeedPullOutcome? LastOutcome,
    int ConsecutiveFailures,
    FeedBreakerState BreakerState,
    DateTimeOffset? BreakerOpenedAt,
    DateTimeOffset? LastFileTime,
    DateTimeOffset? LastGoodDataAt,
    bool IsStale,
    int RowsRead,
    int RowsApplied,
    int RowsRejected,
    int RowsUnmapped,
    IReadOnlyList<FeedRowIssue> RejectedRows,
    IReadOnlyList<FeedRowIssue> UnmappedRows,
    IReadOnlyList<FeedLocationResult> Locations,
    long Pulls,
    long FailedPulls)
{
    public const int MaxListed = 200;
}

/// <summary>Feed health for the admin RPC, dashboards and tests.</summary>
public interface IFeedHealthRegistry
{
    /// <summary>Every configured feed, by name.</summary>
    IReadOnlyList<FeedHealth> List();

    /// <summary>One feed, or null if there is none by that name.</summary>
    FeedHealth? Get(string feed);
}

/// <summary>Pulls a feed now (tests, and the admin RPC), outside its schedule but never overlapping its own pulls.</summary>
public interface IFeedPuller
{
    IReadOnlyList<string> Feeds { get; }

    /// <summary>Waits for a running pull of the same feed to finish, then pulls. Throws <see cref="KeyNotFoundException"/> for an unknown or disabled feed.</summary>
    Task<FeedPullResult> PullNowAsync(string feed, CancellationToken cancellationToken = default);
}
