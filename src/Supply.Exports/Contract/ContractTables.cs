using Google.Protobuf.WellKnownTypes;
using Supply.Domain.Catalog;
using V1 = Supply.Contracts.V1;

namespace Supply.Exports;

/// <summary>
/// Tables built from the contract's replies: the CLI builds them from what gRPC answered, the server's /v1/exports routes
/// from the same replies produced in-process, so a file and the RPC can never disagree. One set of column definitions.
/// </summary>
/// <param name="ItemNames">Item id → name, for the supply-name column (blank where unknown or for groups).</param>
public sealed class ContractTables(ExportLanguage lang, IReadOnlyDictionary<string, string>? ItemNames = null)
{
    public ExportLanguage Language => lang;

    public TableData Coverage(string name, IEnumerable<V1.CoverageRow> rows) =>
        new(name, CoverageColumns(), rows.Select(CoverageCells).ToList());

    public TableData Shortfalls(IEnumerable<V1.Shortfall> shortfalls) =>
        new("shortfalls", [.. CoverageColumns(), H("missing", CellKind.Integer)],
            shortfalls.Select(s => (object?[])[.. CoverageCells(s.Row), s.UnitsToThreshold]).ToList());

    /// <summary>Every location's reporting (ListReportingStatus), oldest report first; stale when older than <paramref name="staleAfter"/> at <paramref name="now"/>.</summary>
    public TableData Reporting(IEnumerable<V1.ReportingStatus> locations, DateTimeOffset now, TimeSpan staleAfter) =>
        new("reporting",
        [
            H("region"), H("region-name"), H("location"), H("kind"), H("reports", CellKind.Integer), H("last-as-of", CellKind.Time),
            H("age-hours", CellKind.Number), H("last-received", CellKind.Time), H("stale"),
        ],
        locations.OrderByDescending(s => !s.HasReported).ThenBy(s => Time(s.LastAsOf)).ThenBy(s => s.LocationId, StringComparer.Ordinal)
            .Select(s =>
            {
                var last = s.HasReported ? Time(s.LastAsOf) : null;
                var stale = last is not { } t || now - t > staleAfter;
                return (object?[])
                [
                    s.RegionCode, RegionName(s.RegionCode), s.LocationId, KindName(s.Kind), s.ReportsAccepted, last,
                    last is { } l ? Hours(now - l) : null, s.HasReported ? Time(s.LastReceivedAt) : null, YesNo(stale),
                ];
            }).ToList());

    /// <summary>The locations ListStaleLocations names, never-reported first, then oldest first.</summary>
    public TableData NotReporting(IEnumerable<V1.StaleLocation> locations, DateTimeOffset now) =>
        new("not-reporting",
            [H("region"), H("region-name"), H("location"), H("last-as-of", CellKind.Time), H("age-hours", CellKind.Number)],
            locations.OrderByDescending(s => s.LastAsOf is null).ThenBy(s => Time(s.LastAsOf)).ThenBy(s => s.LocationId, StringComparer.Ordinal)
                .Select(s => (object?[])[s.RegionCode, RegionName(s.RegionCode), s.LocationId, Time(s.LastAsOf),
                    Time(s.LastAsOf) is { } t ? Hours(now - t) : null]).ToList());

    /// <summary>Per region: the locations not reporting, how many never did, the oldest last report's age.</summary>
    public TableData NotReportingByRegion(IEnumerable<V1.StaleLocation> locations, DateTimeOffset now) =>
        new("not-reporting-by-region",
        [
            H("region"), H("region-name"), H("not-reporting", CellKind.Integer), H("never", CellKind.Integer), H("oldest-hours", CellKind.Number),
        ],
        locations.GroupBy(s => s.RegionCode).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var ages = g.Where(s => s.LastAsOf is not null).Select(s => Hours(now - s.LastAsOf.ToDateTimeOffset())).ToList();
            return (object?[])[g.Key, RegionName(g.Key), (long)g.Count(), (long)g.Count(s => s.LastAsOf is null), ages.Count > 0 ? ages.Max() : null];
        }).ToList());

    /// <summary>A scenario's lines: demand per region and supply, where it is met from, what falls short.</summary>
    public TableData ScenarioLines(V1.ScenarioResult result) =>
        new("scenario",
        [
            H("region"), H("supply-kind"), H("key"), H("categories"), H("priority", CellKind.Number), H("demand", CellKind.Integer),
            H("own", CellKind.Integer), H("same-hc", CellKind.Integer), H("other", CellKind.Integer), H("stockpile", CellKind.Integer),
            H("suppliers", CellKind.Integer), H("short", CellKind.Integer), H("first-day-short", CellKind.Integer),
            H("covered", CellKind.Percent), H("bound-by"),
        ],
        result.Lines.Select(l => (object?[])
        [
            l.RegionCode, l.SupplyKind, l.SupplyId, string.Join(",", l.Categories), l.Priority, l.Demand, l.MetBy?.OwnRegion ?? 0,
            l.MetBy?.SameHealthcareRegion ?? 0, l.MetBy?.OtherRegions ?? 0, l.MetBy?.NationalStockpile ?? 0, l.MetBy?.Suppliers ?? 0,
            l.Shortfall, l.HasFirstDayShort ? (long)l.FirstDayShort : null, l.CoverageRatio,
            string.Join("; ", l.Shortfalls.Select(s => $"d{s.Day} {s.Quantity} {ScenarioWords.Bound(s.Bound)}")),
        ]).ToList());

    /// <summary>The transfer plan between regions (movements within a region are left out, as the CLI's table does).</summary>
    public TableData Transfers(V1.ScenarioResult result)
    {
        var start = DateOnly.TryParseExact(result.Start, "yyyy-MM-dd", out var s) ? s : (DateOnly?)null;
        return new TableData("transfers",
        [
            H("day", CellKind.Integer), H("date", CellKind.Date), H("from"), H("from-region"), H("to-region"), H("item"),
            H("quantity", CellKind.Integer), H("tier"), H("for"), H("priority", CellKind.Number),
        ],
        result.Transfers.Select(x => (x, Source: result.Sources[x.Source], Line: result.Lines[x.Line]))
            .Where(t => t.Source.Region != t.Line.RegionCode)
            .Select(t => (object?[])
            [
                (long)t.x.Day, start?.AddDays(t.x.Day), t.Source.LocationId, t.Source.Region, t.Line.RegionCode, result.Items[t.x.Item],
                t.x.Quantity, ScenarioWords.Tier(t.x.Tier), $"{t.Line.SupplyKind} {t.Line.SupplyId} ({string.Join(",", t.Line.Categories)})",
                t.x.Priority,
            ]).ToList());
    }

    /// <summary>Readiness compliance (GetReadinessCompliance) in the order the RPC answers: worst first.</summary>
    public TableData Compliance(IEnumerable<V1.ComplianceLine> lines) =>
        new("readiness",
        [
            H("level"), H("area"), H("subject"), H("key"), H("supply-name"), H("target-days", CellKind.Number), H("target-units", CellKind.Integer),
            H("usable", CellKind.Integer), H("gap-units", CellKind.Integer), H("gap-days", CellKind.Number), H("percent-compliant", CellKind.Number),
            H("consumption", CellKind.Number),
        ],
        lines.Select(l => (object?[])
        [
            LevelName(l.Level), l.Area, Headers.Of(l.Subject == "item" ? "item-subject" : "group-subject", lang), l.Key,
            l.Subject == "item" && ItemNames?.GetValueOrDefault(l.Key) is { } n ? n : null, l.TargetDays, l.TargetUnits, l.UsableUnits,
            l.GapUnits, l.GapDays, l.PercentCompliant, l.DailyConsumption,
        ]).ToList());

    private IReadOnlyList<TableColumn> CoverageColumns() =>
    [
        H("level"), H("area"), H("area-name"), H("subject"), H("key"), H("supply-name"), H("usable", CellKind.Integer),
        H("consumption", CellKind.Number), H("days", CellKind.Number), H("stale-share", CellKind.Percent), H("locations", CellKind.Integer),
    ];

    private object?[] CoverageCells(V1.CoverageRow r) =>
    [
        LevelName(r.Level), r.Area, AreaName(r), Headers.Of(r.Subject == "item" ? "item-subject" : "group-subject", lang), r.Key,
        r.Subject == "item" && ItemNames?.GetValueOrDefault(r.Key) is { } n ? n : null, r.Usable, r.DailyConsumption,
        r.HasDaysOfSupply ? r.DaysOfSupply : null, r.StaleShare, (long)r.Locations,
    ];

    public string LevelName(V1.CoverageLevel level) => level switch
    {
        V1.CoverageLevel.Nation => Headers.Of("nation", lang),
        V1.CoverageLevel.HealthcareRegion => Headers.Of("healthcare-region", lang),
        V1.CoverageLevel.Region => Headers.Of("region", lang),
        _ => Headers.Of("location", lang),
    };

    private string AreaName(V1.CoverageRow r) => r.Level switch
    {
        V1.CoverageLevel.Nation => Headers.Of("sweden", lang),
        V1.CoverageLevel.Region => RegionName(r.Area),
        _ => r.Area,
    };

    public static string RegionName(string code) => Regions.IsRegionCode(code) ? Regions.Get(code).Name : code;

    private string YesNo(bool yes) => Headers.Of(yes ? "yes" : "no", lang);

    private static string KindName(V1.LocationKind kind) => kind.ToString().ToLowerInvariant();

    private TableColumn H(string key, CellKind kind = CellKind.Text) => Headers.Column(key, lang, kind);

    private static DateTimeOffset? Time(Timestamp? t) => t is null ? null : t.ToDateTimeOffset();

    private static double Hours(TimeSpan span) => Math.Round(span.TotalHours, 1);
}
