using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Feeds;

using D = Supply.Feeds;

namespace Supply.Server.Services;

/// <summary>Feed health and on-demand pulls for operators; the feeds themselves live in Supply.Feeds.</summary>
public sealed class FeedsService(IFeedHealthRegistry health, IFeedPuller puller) : Contracts.V1.Feeds.FeedsBase
{
    public override Task<ListFeedHealthResponse> ListFeedHealth(ListFeedHealthRequest request, ServerCallContext context)
    {
        var response = new ListFeedHealthResponse();
        response.Feeds.AddRange(health.List().Select(h =>
        {
            var feed = new Contracts.V1.FeedHealth
            {
                Name = h.Name, Format = h.Format, Enabled = h.Enabled, LastAttemptAt = ContractMapping.ToTimestamp(h.LastAttemptAt),
                LastSuccessAt = ContractMapping.ToTimestamp(h.LastSuccessAt), LastErrorAt = ContractMapping.ToTimestamp(h.LastErrorAt),
                LastError = h.LastError ?? "", LastOutcome = h.LastOutcome is { } o ? Word(o) : "", ConsecutiveFailures = h.ConsecutiveFailures,
                BreakerState = Word(h.BreakerState), LastFileTime = ContractMapping.ToTimestamp(h.LastFileTime),
                LastGoodDataAt = ContractMapping.ToTimestamp(h.LastGoodDataAt), Stale = h.IsStale, RowsRead = h.RowsRead,
                RowsApplied = h.RowsApplied, RowsRejected = h.RowsRejected, RowsUnmapped = h.RowsUnmapped, Pulls = h.Pulls, FailedPulls = h.FailedPulls,
            };
            feed.RejectedRows.AddRange(h.RejectedRows.Select(Issue));
            feed.UnmappedRows.AddRange(h.UnmappedRows.Select(Issue));
            return feed;
        }));
        return Task.FromResult(response);
    }

    public override async Task<Contracts.V1.FeedPullResult> PullFeedNow(PullFeedNowRequest request, ServerCallContext context)
    {
        D.FeedPullResult result;
        try
        {
            result = await puller.PullNowAsync(request.Name, context.CancellationToken);
        }
        catch (KeyNotFoundException)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"no enabled feed named '{request.Name}'"));
        }
        var response = new Contracts.V1.FeedPullResult
        {
            Feed = result.Feed, Outcome = Word(result.Outcome), HttpAttempts = result.HttpAttempts, AsOf = ContractMapping.ToTimestamp(result.AsOf),
            RowsRead = result.RowsRead, RowsApplied = result.RowsApplied, RowsDuplicate = result.RowsDuplicate, RowsRejected = result.RowsRejected,
            RowsUnmapped = result.RowsUnmapped, Error = result.Error ?? "",
        };
        response.RejectedRows.AddRange(result.RejectedRows.Select(Issue));
        response.UnmappedRows.AddRange(result.UnmappedRows.Select(Issue));
        return response;
    }

    private static Contracts.V1.FeedRowIssue Issue(D.FeedRowIssue i) => new() { Line = i.Line, Location = i.Location, Article = i.Article, Reason = i.Reason };

    /// <summary>CircuitOpen → "circuit-open".</summary>
    private static string Word<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
