using V1 = Supply.Contracts.V1;

namespace Supply.Exports;

/// <summary>What the national situation workbook is made of: the replies of the read RPCs at one moment.</summary>
public sealed record SituationInputs(
    DateTimeOffset GeneratedAt,
    string GeneratedBy,
    string Server,
    double ThresholdDays,
    V1.GetCoverageResponse Nation,
    V1.GetCoverageResponse HealthcareRegions,
    V1.GetCoverageResponse Regions,
    V1.ListShortfallsResponse Shortfalls,
    V1.ListStaleLocationsResponse NotReporting,
    V1.ListReportingStatusResponse Reporting,
    IReadOnlyDictionary<string, string> ItemNames);

/// <summary>
/// The one-workbook national situation report a coordinator sends upward (docs/exports.md): a cover sheet (as of, who,
/// data freshness), coverage per substitution group at the nation, healthcare-region and region levels, the worst
/// shortfalls, and who has not reported (per region, then per location with the age of its last report).
/// </summary>
public static class SituationReport
{
    /// <summary>How many shortfalls the sheet lists, worst first.</summary>
    public const int ShortfallLimit = 200;

    /// <summary>Reads everything the workbook needs (needs the national-coordinator role: shortfalls are national).</summary>
    public static async Task<SituationInputs> GatherAsync(ISupplyReads reads, double thresholdDays, string generatedBy, string server,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        Task<V1.GetCoverageResponse> Coverage(V1.CoverageLevel level) =>
            reads.GetCoverageAsync(new V1.GetCoverageRequest { Level = level, ByGroup = true }, cancellationToken);
        var nation = await Coverage(V1.CoverageLevel.Nation);
        var healthcare = await Coverage(V1.CoverageLevel.HealthcareRegion);
        var regions = await Coverage(V1.CoverageLevel.Region);
        var shortfalls = await reads.ListShortfallsAsync(new V1.ListShortfallsRequest
        {
            ThresholdDays = thresholdDays,
            Level = V1.CoverageLevel.Region,
            ByGroup = true,
            Limit = ShortfallLimit,
        }, cancellationToken);
        var stale = await reads.ListStaleLocationsAsync(new V1.ListStaleLocationsRequest(), cancellationToken);
        var reporting = await reads.ListReportingStatusAsync(new V1.ListReportingStatusRequest(), cancellationToken);
        var items = await reads.ListItemsAsync(new V1.ListItemsRequest(), cancellationToken);
        var names = items.Items.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        return new SituationInputs(now, generatedBy, server, thresholdDays, nation, healthcare, regions, shortfalls, stale, reporting, names);
    }

    public static Workbook Build(SituationInputs input, ExportLanguage lang)
    {
        var tables = new ContractTables(lang, input.ItemNames);
        string S(string key) => Headers.Of(key, lang);
        var notReporting = tables.NotReportingByRegion(input.NotReporting.Locations, input.GeneratedAt);
        return new Workbook()
            .Add(Cover(input, lang), S("sheet-cover"))
            .Add(tables.Coverage("nation", input.Nation.Rows), S("sheet-nation"))
            .Add(tables.Coverage("healthcare-regions", input.HealthcareRegions.Rows), S("sheet-healthcare-regions"))
            .Add(tables.Coverage("regions", input.Regions.Rows), S("sheet-regions"))
            .Add(tables.Shortfalls(input.Shortfalls.Shortfalls), S("sheet-shortfalls"))
            .Add(notReporting, S("sheet-not-reporting"))
            .Add(tables.NotReporting(input.NotReporting.Locations, input.GeneratedAt), S("sheet-not-reporting-locations"));
    }

    /// <summary>Field/value rows: what the figures are, as of when, who made the file, and how fresh the data is.</summary>
    private static TableData Cover(SituationInputs input, ExportLanguage lang)
    {
        string S(string key) => Headers.Of(key, lang);
        var oldest = input.NotReporting.Locations.Where(l => l.LastAsOf is not null).Select(l => l.LastAsOf.ToDateTimeOffset())
            .DefaultIfEmpty().Min();
        var asOf = input.Nation.ComputedAt?.ToDateTimeOffset();
        object?[][] rows =
        [
            [S("title"), null],
            [S("as-of"), asOf],
            [S("generated-at"), input.GeneratedAt],
            [S("generated-by"), input.GeneratedBy],
            [S("server"), input.Server],
            [S("threshold"), input.ThresholdDays],
            [S("stale-after"), input.NotReporting.StaleAfterHours],
            [S("locations-total"), (long)input.Reporting.Locations.Count],
            [S("locations-not-reporting"), (long)input.NotReporting.Locations.Count],
            [S("oldest-report"), oldest == default ? null : oldest],
        ];
        // One column holds text, times and numbers: typed per cell, so the header says "value".
        return new TableData("cover", [Headers.Column("field", lang), Headers.Column("value", lang)], rows);
    }
}
