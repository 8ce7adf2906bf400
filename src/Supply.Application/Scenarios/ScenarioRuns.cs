using System.Diagnostics;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;
using Supply.Grains.Shortages;
using Supply.Planning;

namespace Supply.Application;

/// <summary>A scenario's engine input and how it was made (for the gRPC service's timing log).</summary>
public sealed record ScenarioRunInput(ScenarioInput Input, bool LiveStock, int ShortageNotices, TimeSpan StockTime, TimeSpan InputTime);

/// <summary>
/// Scenario runs for both transports (gRPC RunScenario, the dashboard's scenario page). A file without stock data of its
/// own runs against the current stock as the 21 region aggregates hold it (never one call per location), with the
/// active shortage notices lowering supplier deliveries. Access (national coordinators) is the caller's business.
/// </summary>
public sealed class ScenarioRuns(IGrainFactory grains, CatalogCache cache)
{
    /// <summary>The shortage-notice grain's key (one for the nation).</summary>
    public const string ShortageNoticesKey = "se";

    public async Task<ScenarioRunInput> InputAsync(ScenarioDocument document)
    {
        if (document.HasData) return new ScenarioRunInput(document.ToInput(), false, 0, default, default);
        var started = Stopwatch.GetTimestamp();
        var book = await cache.GetAsync();
        var query = new ScenarioStockQuery(document.Scenario.Start, ScenarioInput.ItemsNeeded(document.Scenario, book.Items.Values)).AsImmutable();
        var stock = await Task.WhenAll(Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).GetScenarioStock(query)));
        var stockTime = Stopwatch.GetElapsedTime(started);
        var horizonEnd = document.Scenario.Start.AddDays(document.Scenario.HorizonDays);
        var reductions = (await grains.GetGrain<IShortageNoticesGrain>(ShortageNoticesKey).List()).Value
            .Where(n => n.From < horizonEnd && n.To >= document.Scenario.Start)
            .Select(n => n.ToReduction()).ToList();
        var input = ScenarioInput.FromTables(document.Scenario, book.Locations.Values, book.Items.Values, stock.Select(s => s.Value).ToList(),
            document.Reductions.Concat(reductions));
        return new ScenarioRunInput(input, true, reductions.Count, stockTime, Stopwatch.GetElapsedTime(started) - stockTime);
    }

    /// <summary>The planners a caller may ask for: "fair" (the default: the whole horizon, priorities, fair shares) or "greedy".</summary>
    public static bool IsPlanner(string planner) => planner is "" or "fair" or "greedy";

    /// <summary>Plans with the named planner; the greedy engine stays available because it is quicker when much is short.</summary>
    public static ScenarioResult Plan(ScenarioInput input, string planner = "fair") =>
        planner == "greedy" ? ScenarioEngine.Run(input) : FairPlanner.Run(input);

    /// <summary>Parses (bad files: <see cref="Supply.Domain.DomainValidationException"/> naming path and line) and runs a scenario.</summary>
    public async Task<(ScenarioResult Result, ScenarioRunInput Input)> RunAsync(string documentText)
    {
        var input = await InputAsync(ScenarioFile.Parse(documentText));
        return (Plan(input.Input), input);
    }
}
