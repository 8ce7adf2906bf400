using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Supply.Server.Telemetry;

/// <summary>The service's own meter and activity source ("Supply"): what operators watch.</summary>
public sealed class SupplyMetrics
{
    public const string Name = "Supply";
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _reports;
    private readonly Counter<long> _lines;
    private readonly Histogram<double> _ingestSeconds;

    public SupplyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _reports = meter.CreateCounter<long>("supply.reports", "{report}", "Stock reports received, by outcome");
        _lines = meter.CreateCounter<long>("supply.report.lines", "{line}", "Stock report lines received, by outcome");
        _ingestSeconds = meter.CreateHistogram<double>("supply.report.duration", "s", "Time from receipt to durable acknowledgement");
    }

    /// <param name="outcome">applied, historical, duplicate or refused.</param>
    public void Report(string outcome, int lines, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _reports.Add(1, tag);
        _lines.Add(lines, tag);
        _ingestSeconds.Record(elapsed.TotalSeconds, tag);
    }
}
