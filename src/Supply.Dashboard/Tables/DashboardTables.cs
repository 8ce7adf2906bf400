using Supply.Application;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>Every table by name: pages render them, /export/{name}.{csv|xlsx} writes them, with the same access checks.</summary>
public sealed class DashboardTables(CoverageTables coverage, LocationTables locations, ScenarioTables scenarios, ReadinessTables readiness)
{
    public static readonly string[] Names =
        ["coverage", "shortfalls", "lines", "lots", "locations", "not-reporting", "reporting-by-region", "scenario-lines", "scenario-plan", "scenario-days", "scenario-census", "readiness", "expiry-wave"];

    /// <summary>The table, filtered and sorted as the request says (filter, sort, desc). Throws <see cref="AccessDeniedException"/> on refusal.</summary>
    public async Task<TableData> BuildAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var table = request.Table switch
        {
            "coverage" => await coverage.CoverageAsync(request, caller, cancellationToken),
            "shortfalls" => await coverage.ShortfallsAsync(request, caller, cancellationToken),
            "lines" => await locations.LinesAsync(request, caller, cancellationToken),
            "lots" => await locations.LotsAsync(request, caller, cancellationToken),
            "locations" => await locations.ReportingAsync(request, caller, cancellationToken),
            "not-reporting" => await locations.ReportingAsync(request with { Parameters = With(request, "stale", "true") }, caller, cancellationToken),
            "reporting-by-region" => await locations.ReportingByRegionAsync(request, caller, cancellationToken),
            "scenario-lines" => await scenarios.LinesAsync(request, caller),
            "scenario-plan" => await scenarios.PlanAsync(request, caller),
            "scenario-days" => await scenarios.DaysAsync(request, caller),
            "scenario-census" => await scenarios.CensusAsync(request, caller),
            "readiness" => await readiness.ComplianceAsync(request, caller, cancellationToken),
            "expiry-wave" => await readiness.ExpiryWaveAsync(request, caller, cancellationToken),
            _ => throw new NotFoundException($"no table '{request.Table}'"),
        };
        return table.Filtered(request.Get("filter")).Sorted(request.Get("sort"), request.Get("desc") == "true");
    }

    private static Dictionary<string, string> With(TableRequest request, string name, string value) =>
        new(request.Parameters, StringComparer.Ordinal) { [name] = value };
}
