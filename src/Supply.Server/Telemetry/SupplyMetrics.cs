using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Supply.Domain;

namespace Supply.Server.Telemetry;

/// <summary>
/// The service's own meter and activity source ("Supply"): what operators watch.
/// <list type="bullet">
/// <item><c>supply.reports</c> (counter, tag <c>outcome</c> = applied|historical|duplicate|refused)</item>
/// <item><c>supply.report.lines</c> (counter, lines of those reports, tag <c>outcome</c>)</item>
/// <item><c>supply.reports.refused</c> (counter, tag <c>reason</c> = the first violation's field with indexes
/// stripped, e.g. <c>snapshot.lines[].on_hand</c>: a bounded set of contract paths)</item>
/// <item><c>supply.report.duration</c> (histogram, seconds from receipt to durable, audited acknowledgement, tag <c>outcome</c>)</item>
/// </list>
/// </summary>
public sealed partial class SupplyMetrics
{
    public const string Name = "Supply";
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>The reason when a refusal names no field, or a field outside the contract's path shape.</summary>
    public const string OtherReason = "other";

    // Seconds: 1 ms .. 10 s. The SDK's default buckets are meant for milliseconds and would put every report in the first.
    private static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _reports;
    private readonly Counter<long> _lines;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _ingestSeconds;

    public SupplyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _reports = meter.CreateCounter<long>("supply.reports", "{report}", "Stock reports received, by outcome");
        _lines = meter.CreateCounter<long>("supply.report.lines", "{line}", "Stock report lines received, by outcome");
        _refused = meter.CreateCounter<long>("supply.reports.refused", "{report}",
            "Refused stock reports, by reason (the first violation's field, indexes stripped)");
        _ingestSeconds = meter.CreateHistogram<double>("supply.report.duration", "s", "Time from receipt to durable acknowledgement",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <param name="outcome">applied, historical, duplicate or refused.</param>
    /// <param name="lines">Lines in the report.</param>
    /// <param name="elapsed">Receipt to acknowledgement.</param>
    /// <param name="violations">Why a refused report was refused (the acknowledgement's violations); the first one is the reason.</param>
    public void Report(string outcome, int lines, TimeSpan elapsed, IReadOnlyList<Violation>? violations = null)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _reports.Add(1, tag);
        _lines.Add(lines, tag);
        _ingestSeconds.Record(elapsed.TotalSeconds, tag);
        if (outcome == "refused")
            _refused.Add(1, new KeyValuePair<string, object?>("reason", ReasonOf(violations)));
    }

    /// <summary>
    /// The first violation's field with list indexes stripped (<c>snapshot.lines[3].lots[0].expires_on</c> →
    /// <c>snapshot.lines[].lots[].expires_on</c>), so the tag takes one value per contract path, never per report.
    /// </summary>
    public static string ReasonOf(IReadOnlyList<Violation>? violations)
    {
        if (violations is not { Count: > 0 } || string.IsNullOrEmpty(violations[0].Field)) return OtherReason;
        var reason = Index().Replace(violations[0].Field, "[]");
        return ContractPath().IsMatch(reason) ? reason : OtherReason;
    }

    [GeneratedRegex(@"\[[^\]]*\]", RegexOptions.CultureInvariant)]
    private static partial Regex Index();

    // Field paths use the contract's snake_case names; anything else (a key, free text) would be unbounded.
    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\[\])?(\.[a-z][a-z0-9_]*(\[\])?){0,7}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContractPath();
}
