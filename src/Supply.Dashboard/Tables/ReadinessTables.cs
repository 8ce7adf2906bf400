using Microsoft.Extensions.Localization;
using Supply.Application;
using Supply.Application.Expiry;
using Supply.Application.Readiness;
using Supply.Dashboard.Resources;
using Supply.Domain.Coverage;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>Readiness compliance and the expiry wave, with the same access rules as GetReadinessCompliance and GetExpiryWave.</summary>
public sealed class ReadinessTables(ReadinessQueries readiness, ExpiryQueries expiry, AccessPolicy policy, IStringLocalizer<PageStrings> T)
{
    /// <summary>Parameters: level (nation, healthcare-region, region, location), region. Worst first.</summary>
    public async Task<TableData> ComplianceAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var level = CoverageTables.Level(request.Get("level") is { Length: > 0 } l ? l : "region");
        var regions = await RegionsAsync(request, caller, level);
        var view = await readiness.ComplianceAsync(new ComplianceQuery(level, regions, Limit: 10_000), cancellationToken);
        TableColumn[] columns =
        [
            new("area", T["Area"]), new("key", T["Subject"]), new("target-level", T["TargetLevel"]),
            new("target-days", T["TargetDays"], CellKind.Number), new("target", T["TargetUnits"], CellKind.Integer),
            new("usable", T["Usable"], CellKind.Integer), new("gap", T["GapUnits"], CellKind.Integer), new("gap-days", T["GapDays"], CellKind.Number),
            new("compliant", T["PercentCompliant"], CellKind.Number),
        ];
        return new TableData("readiness", columns, view.Lines.Select(x => (object?[])
        [
            x.Area, x.Key, LevelName(x.TargetLevel), x.TargetDays, x.TargetUnits, x.UsableUnits, x.GapUnits, x.GapDays, x.PercentCompliant,
        ]).ToList());
    }

    /// <summary>Parameters: level, region, by (group|item), weeks (default 12).</summary>
    public async Task<TableData> ExpiryWaveAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var level = CoverageTables.Level(request.Get("level") is { Length: > 0 } l ? l : "region");
        var regions = await RegionsAsync(request, caller, level);
        var weeks = (int)Math.Clamp(request.Number("weeks", 12), 1, 104);
        var wave = await expiry.WaveAsync(new ExpiryWaveQuery(level, request.Get("by") != "item", RegionCodes: regions, Weeks: weeks), cancellationToken);
        var columns = new List<TableColumn> { new("area", T["Area"]), new("key", T["Subject"]), new("expired", T["Expired"], CellKind.Integer) };
        for (var w = 0; w < wave.Weeks; w++)
            columns.Add(new($"w{w}", $"{T["Week"]} {w + 1} ({wave.Start.AddDays(7 * w):MM-dd})", CellKind.Integer));
        columns.Add(new("wasted", T["WastedUnlessMoved"], CellKind.Integer));
        return new TableData("expiry-wave", columns, wave.Rows
            .OrderByDescending(r => r.WastedUnlessMoved).ThenBy(r => r.Area, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => (object?[])[r.Area, r.Key, r.Expired, .. r.Expiring.Select(x => (object?)x), r.WastedUnlessMoved]).ToList());
    }

    private async Task<IReadOnlyCollection<string>> RegionsAsync(TableRequest request, Caller caller, CoverageLevel level)
    {
        if (level is CoverageLevel.Nation or CoverageLevel.HealthcareRegion && request.Get("region").Length == 0)
        {
            await CallerScope.RequireNationalAsync(policy, caller);
            return [];
        }
        return await CallerScope.RegionsAsync(policy, caller, request.Get("region") is { Length: > 0 } r ? [r] : []);
    }

    private string LevelName(CoverageLevel level) => level switch
    {
        CoverageLevel.Location => T["LevelLocation"],
        CoverageLevel.Region => T["LevelRegion"],
        CoverageLevel.HealthcareRegion => T["LevelHealthcareRegion"],
        _ => T["LevelNation"],
    };
}
