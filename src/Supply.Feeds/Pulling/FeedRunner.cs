using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Supply.Domain;
using Supply.Domain.Stock;
using Supply.Feeds.Mapping;
using Supply.Feeds.Parsing;

namespace Supply.Feeds.Pulling;

/// <summary>
/// One feed: its pipeline, its mapping, its health. <see cref="PullAsync"/> fetches the file through the
/// pipeline, parses it, applies the rejection rule and sends one snapshot report per location to the
/// sink. Pulls of one feed never overlap (a gate), and all feeds share a bound on concurrent pulls.
/// </summary>
internal sealed partial class FeedRunner
{
    /// <summary>A refused report whose violations name lines is resent without them at most this often.</summary>
    private const int MaxSendRounds = 5;

    private readonly FeedOptions _feed;
    private readonly IStockReportSink _sink;
    private readonly IHttpClientFactory _http;
    private readonly string _httpClientName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FeedMetrics _metrics;
    private readonly SemaphoreSlim _concurrency;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly ArticleMappingSource _mapping;
    private readonly Lock _lock = new();
    private State _state = new();

    public FeedRunner(FeedOptions feed, IStockReportSink sink, IHttpClientFactory http, string httpClientName, TimeProvider time,
        ILogger logger, FeedMetrics metrics, SemaphoreSlim concurrency)
    {
        _feed = feed;
        _sink = sink;
        _http = http;
        _httpClientName = httpClientName;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _concurrency = concurrency;
        _mapping = new ArticleMappingSource(feed);
        _pipeline = FeedResilience.Build(feed, time, logger, _breaker, BreakerChanged);
    }

    public FeedOptions Options => _feed;

    public string Name => _feed.Name;

    public async Task<FeedPullResult> PullAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await PullCoreAsync(cancellationToken).ConfigureAwait(false);
                Record(result);
                return result;
            }
            finally
            {
                _concurrency.Release();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FeedPullResult> PullCoreAsync(CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        lock (_lock) _state = _state with { LastAttemptAt = started };
        var pull = new PullBuilder(_feed.Name, started);

        ArticleMapping mapping;
        try
        {
            mapping = _mapping.Current();
        }
        catch (FeedMappingException e)
        {
            return pull.Finish(FeedPullOutcome.Failed, _time.GetUtcNow(), $"mapping: {e.Message}");
        }

        FetchedFile file;
        try
        {
            file = await _pipeline.ExecuteAsync(async token =>
            {
                pull.Attempts++;
                try
                {
                    var fetched = await FeedFetcher.FetchOnceAsync(_http.CreateClient(_httpClientName), _feed, _time, token).ConfigureAwait(false);
                    _metrics.Attempted(_feed.Name, ok: true);
                    return fetched;
                }
                catch
                {
                    _metrics.Attempted(_feed.Name, ok: false);
                    throw;
                }
            }, ct).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            return pull.Finish(pull.Attempts == 0 ? FeedPullOutcome.CircuitOpen : FeedPullOutcome.Failed, _time.GetUtcNow(),
                pull.Attempts == 0 ? $"circuit breaker open: the supplier was not asked ({e.Message})"
                    : $"circuit breaker opened after {pull.Attempts} attempt(s): {e.Message}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return pull.Finish(FeedPullOutcome.Failed, _time.GetUtcNow(),
                $"fetch failed after {pull.Attempts} attempt(s): {Describe(e)}");
        }

        var pulledAt = _time.GetUtcNow();
        ParsedFeedFile parsed;
        try
        {
            parsed = _feed.Format == FeedFormats.PharmacyJson
                ? PharmacyJsonParser.Parse(file.Content, _feed, mapping)
                : MedtechCsvParser.Parse(file.Content, _feed, mapping);
            pull.FileTime = parsed.GeneratedAt ?? file.LastModified;
            if (parsed.GeneratedAt is { } generated && generated > pulledAt + Limits.ClockSkew)
                throw new FeedFileRefusedException($"'generated' {generated:O} is in the future (server time {pulledAt:O})") { Parsed = parsed };
            FeedFileRule.Enforce(parsed, _feed);
        }
        catch (FeedFileRefusedException e)
        {
            pull.FileTime ??= file.LastModified;
            if (e.Parsed is { } p) pull.Read(p);
            return pull.Finish(FeedPullOutcome.Refused, _time.GetUtcNow(), $"file refused whole: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader bug must not stop the schedule: nothing was applied, so say so and go on.
            _logger.LogError(e, "Feed {Feed}: the file could not be read", _feed.Name);
            return pull.Finish(FeedPullOutcome.Failed, _time.GetUtcNow(), $"the file could not be read: {Describe(e)}");
        }
        pull.Read(parsed);

        // as-of: the file's own time, else HTTP Last-Modified (unless in the future), else the pull time.
        DateTimeOffset asOf;
        DateTimeOffset? idTime;
        if (parsed.GeneratedAt is { } g) (asOf, idTime, pull.AsOfSource) = (g, g, "file");
        else if (file.LastModified is { } lm && lm <= pulledAt + Limits.ClockSkew && lm >= Limits.EarliestAsOf)
            (asOf, idTime, pull.AsOfSource) = (lm, lm, "last-modified");
        else (asOf, idTime, pull.AsOfSource) = (pulledAt, null, "pull-time");
        pull.AsOf = asOf;
        if (asOf < Limits.EarliestAsOf)
            return pull.Finish(FeedPullOutcome.Refused, _time.GetUtcNow(), $"file refused whole: its time {asOf:O} is before {Limits.EarliestAsOf:yyyy-MM-dd}");

        if (parsed.Lines.Count == 0)
            return pull.Finish(FeedPullOutcome.Refused, _time.GetUtcNow(),
                "file refused whole: no row maps to a catalog item and a stock location (see the unmapped rows)");

        foreach (var location in parsed.Lines.GroupBy(l => l.LocationId, StringComparer.Ordinal))
        {
            var lines = location.ToList();
            for (var part = 0; part * Limits.MaxLinesPerReport < lines.Count; part++)
            {
                var chunk = lines.Skip(part * Limits.MaxLinesPerReport).Take(Limits.MaxLinesPerReport).ToList();
                await SendAsync(pull, location.Key, chunk, asOf, idTime, part, ct).ConfigureAwait(false);
            }
        }

        var finished = _time.GetUtcNow();
        var accepted = pull.Locations.Where(l => l.Ack is { Outcome: not ReportOutcome.Rejected }).ToList();
        var troubled = pull.Locations.Where(l => l.Ack is null or { Outcome: ReportOutcome.Rejected }).ToList();
        var error = troubled.Count == 0 ? null
            : string.Join("; ", troubled.Select(l => $"{l.LocationId}: {l.Error ?? string.Join(", ", l.Ack!.Violations.Take(3))}"));
        if (accepted.Count == 0) return pull.Finish(FeedPullOutcome.Failed, finished, $"no location could be written: {error}");
        if (troubled.Count > 0 || pull.RowsRejected > 0) return pull.Finish(FeedPullOutcome.Partial, finished, error);
        return pull.Finish(accepted.All(l => l.Ack!.Duplicate) ? FeedPullOutcome.Unchanged : FeedPullOutcome.Applied, finished, null);
    }

    /// <summary>
    /// Sends one location's lines. If the stock service refuses the report and its violations name lines
    /// (an item not in the catalog, say), those lines are listed as rejected and the rest is sent again as a
    /// new report; a refusal that names no line (or the whole report) rejects the location's rows.
    /// </summary>
    private async Task SendAsync(PullBuilder pull, string locationId, List<FeedLine> lines, DateTimeOffset asOf, DateTimeOffset? idTime,
        int part, CancellationToken ct)
    {
        var current = lines;
        for (var round = 1; ; round++)
        {
            var snapshot = current.Select(l => l.Line).ToList();
            var reportId = FeedReportIds.Derive(_feed.Name, locationId, idTime, snapshot, part);
            var report = new StockReport(reportId, locationId, asOf, ReportKind.Snapshot, snapshot, []);
            ReportAck ack;
            try
            {
                ack = await _sink.SubmitAsync(report, ct).ConfigureAwait(false);
            }
            catch (DomainValidationException e)
            {
                ack = ReportAck.Rejected(reportId, locationId, e.Violations);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Feed {Feed}: the stock service did not take report {ReportId} for {Location}", _feed.Name, reportId, locationId);
                pull.Locations.Add(new FeedLocationResult(locationId, reportId, current.Count, null, $"not sent: {Describe(e)}"));
                return;
            }

            if (ack.Outcome != ReportOutcome.Rejected)
            {
                pull.Locations.Add(new FeedLocationResult(locationId, reportId, current.Count, ack, null));
                pull.RowsApplied += current.Sum(l => l.Rows);
                if (ack.Duplicate) pull.RowsDuplicate += current.Sum(l => l.Rows);
                return;
            }

            var byLine = new Dictionary<int, List<string>>();
            var general = new List<Violation>();
            foreach (var v in ack.Violations)
            {
                var m = LinePath().Match(v.Field);
                if (m.Success && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.Count)
                {
                    if (!byLine.TryGetValue(i, out var list)) byLine[i] = list = [];
                    list.Add(m.Groups[2].Value.TrimStart('.') is { Length: > 0 } field ? $"{field}: {v.Description}" : v.Description);
                }
                else general.Add(v);
            }
            if (general.Count > 0 || byLine.Count == 0 || round == MaxSendRounds)
            {
                var why = "refused by the stock service: " + string.Join("; ", ack.Violations.Take(5));
                foreach (var l in current) pull.Reject(new FeedRowIssue(l.FirstLine, locationId, l.Article, why), l.Rows);
                pull.Locations.Add(new FeedLocationResult(locationId, reportId, current.Count, ack, null));
                return;
            }
            foreach (var (i, reasons) in byLine)
                pull.Reject(new FeedRowIssue(current[i].FirstLine, locationId, current[i].Article,
                    $"refused by the stock service: {string.Join("; ", reasons)}"), current[i].Rows);
            current = current.Where((_, i) => !byLine.ContainsKey(i)).ToList();
            _logger.LogWarning("Feed {Feed}: {Location} refused {Count} line(s) of report {ReportId}; sending the other {Left} again",
                _feed.Name, locationId, byLine.Count, reportId, current.Count);
            if (current.Count == 0)
            {
                pull.Locations.Add(new FeedLocationResult(locationId, reportId, 0, ack, null));
                return;
            }
        }
    }

    [GeneratedRegex(@"^snapshot\.lines\[(\d+)\](.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LinePath();

    private static string Describe(Exception e) => e switch
    {
        FeedHttpException or FeedFileTooLargeException => e.Message,
        Polly.Timeout.TimeoutRejectedException t => $"timed out after {t.Timeout.TotalSeconds:0.###} s",
        HttpRequestException { InnerException: { } inner } h => $"{h.Message} ({inner.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private void BreakerChanged(FeedBreakerState state)
    {
        lock (_lock) _state = _state with { BreakerOpenedAt = state == FeedBreakerState.Open ? _time.GetUtcNow() : _state.BreakerOpenedAt };
    }

    private void Record(FeedPullResult r)
    {
        lock (_lock)
        {
            var s = _state with { Pulls = _state.Pulls + 1, LastOutcome = r.Outcome };
            if (r.Succeeded)
            {
                var good = r.AsOf ?? r.StartedAt;
                s = s with
                {
                    LastSuccessAt = r.FinishedAt,
                    ConsecutiveFailures = 0,
                    LastGoodDataAt = s.LastGoodDataAt is { } before && before > good ? before : good,
                };
            }
            else s = s with { FailedPulls = s.FailedPulls + 1, ConsecutiveFailures = s.ConsecutiveFailures + 1 };
            if (r.Error is not null) s = s with { LastError = r.Error, LastErrorAt = r.FinishedAt };
            if (r.Outcome is not (FeedPullOutcome.Failed or FeedPullOutcome.CircuitOpen) || r.RowsRead > 0)
            {
                s = s with
                {
                    LastFileTime = r.FileTime ?? s.LastFileTime,
                    LastRows = (r.RowsRead, r.RowsApplied, r.RowsRejected, r.RowsUnmapped),
                    RejectedRows = r.RejectedRows.Take(FeedHealth.MaxListed).ToList(),
                    UnmappedRows = r.UnmappedRows.Take(FeedHealth.MaxListed).ToList(),
                };
            }
            if (r.Locations.Count > 0) s = s with { Locations = r.Locations };
            _state = s;
        }
        _metrics.Pulled(r);
        var level = r.Outcome switch
        {
            FeedPullOutcome.Applied or FeedPullOutcome.Unchanged => LogLevel.Information,
            FeedPullOutcome.Partial => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        _logger.Log(level, "Feed {Feed}: {Outcome}; rows read {Read}, applied {Applied}, rejected {Rejected}, unmapped {Unmapped}; {Error}",
            r.Feed, FeedMetrics.OutcomeName(r.Outcome), r.RowsRead, r.RowsApplied, r.RowsRejected, r.RowsUnmapped, r.Error ?? "no error");
    }

    public FeedHealth Health()
    {
        State s;
        lock (_lock) s = _state;
        var now = _time.GetUtcNow();
        return new FeedHealth(_feed.Name, _feed.Format, _feed.DisplayUrl, _feed.Enabled, _feed.Interval, _feed.StaleAfter,
            s.LastAttemptAt, s.LastSuccessAt, s.LastErrorAt, s.LastError, s.LastOutcome, s.ConsecutiveFailures,
            (FeedBreakerState)(int)_breaker.CircuitState, s.BreakerOpenedAt, s.LastFileTime, s.LastGoodDataAt,
            IsStale: s.LastGoodDataAt is not { } good || now - good > _feed.StaleAfter,
            s.LastRows.Read, s.LastRows.Applied, s.LastRows.Rejected, s.LastRows.Unmapped, s.RejectedRows, s.UnmappedRows, s.Locations,
            s.Pulls, s.FailedPulls);
    }

    /// <summary>A feed that is configured but disabled: listed, never pulled.</summary>
    public static FeedHealth Disabled(FeedOptions feed) => new(feed.Name, feed.Format, feed.DisplayUrl, false, feed.Interval, feed.StaleAfter,
        null, null, null, null, null, 0, FeedBreakerState.Closed, null, null, null, IsStale: false, 0, 0, 0, 0, [], [], [], 0, 0);

    private sealed record State
    {
        public DateTimeOffset? LastAttemptAt { get; init; }
        public DateTimeOffset? LastSuccessAt { get; init; }
        public DateTimeOffset? LastErrorAt { get; init; }
        public string? LastError { get; init; }
        public FeedPullOutcome? LastOutcome { get; init; }
        public int ConsecutiveFailures { get; init; }
        public DateTimeOffset? BreakerOpenedAt { get; init; }
        public DateTimeOffset? LastFileTime { get; init; }
        public DateTimeOffset? LastGoodDataAt { get; init; }
        public (int Read, int Applied, int Rejected, int Unmapped) LastRows { get; init; }
        public IReadOnlyList<FeedRowIssue> RejectedRows { get; init; } = [];
        public IReadOnlyList<FeedRowIssue> UnmappedRows { get; init; } = [];
        public IReadOnlyList<FeedLocationResult> Locations { get; init; } = [];
        public long Pulls { get; init; }
        public long FailedPulls { get; init; }
    }

    /// <summary>Collects one pull's figures.</summary>
    private sealed class PullBuilder(string feed, DateTimeOffset started)
    {
        private readonly List<FeedRowIssue> _rejected = [];
        private readonly List<FeedRowIssue> _unmapped = [];
        private int _rowsRead;
        private int _rowsUnmapped;

        public int Attempts { get; set; }
        public DateTimeOffset? FileTime { get; set; }
        public DateTimeOffset? AsOf { get; set; }
        public string AsOfSource { get; set; } = "";
        public int RowsApplied { get; set; }
        public int RowsDuplicate { get; set; }
        public int RowsRejected { get; private set; }
        public List<FeedLocationResult> Locations { get; } = [];

        public void Read(ParsedFeedFile parsed)
        {
            _rowsRead = parsed.DataRows;
            foreach (var r in parsed.Rejected) Reject(r, 1);
            _unmapped.AddRange(parsed.Unmapped);
            _rowsUnmapped = parsed.Unmapped.Count;
        }

        public void Reject(FeedRowIssue issue, int rows)
        {
            _rejected.Add(issue);
            RowsRejected += rows;
        }

        public FeedPullResult Finish(FeedPullOutcome outcome, DateTimeOffset finished, string? error) =>
            new(feed, outcome, started, finished, Attempts, FileTime, AsOf, AsOfSource, _rowsRead, RowsApplied, RowsDuplicate, RowsRejected,
                _rowsUnmapped, _rejected.OrderBy(r => r.Line).ToList(), _unmapped, Locations.ToList(), error);
    }
}
