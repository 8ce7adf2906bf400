using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Grpc.Core;
using Supply.Contracts.V1;
using Supply.Application;
using Supply.Domain;
using Supply.Domain.Scenarios;
using D = Supply.Domain.Scenarios;
using SourceTier = Supply.Domain.Scenarios.SourceTier;

namespace Supply.Server.Services;

/// <summary>
/// Runs scenario files with the fair planner (Supply.Planning: the whole horizon by linear programming). A file without stock data of its own runs against the
/// current stock of every location as the region aggregates hold it (about a second behind the last report),
/// with the active shortage notices lowering supplier deliveries.
/// </summary>
public sealed class ScenariosService(ScenarioRuns runs, ILogger<ScenariosService> logger) : Scenarios.ScenariosBase
{
    public override async Task<Contracts.V1.ScenarioResult> RunScenario(RunScenarioRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        if (!ScenarioRuns.IsPlanner(request.Planner))
            throw new DomainValidationException([new Violation("planner", "must be fair (the default) or greedy")]);
        var document = ScenarioFile.Parse(request.Document); // bad files: INVALID_ARGUMENT naming path and line
        // The same input path as the dashboard's scenario page (Supply.Application).
        var (input, live, notices, stockTime, inputTime) = await runs.InputAsync(document);
        var engineStarted = Stopwatch.GetTimestamp();
        var result = ScenarioRuns.Plan(input, request.Planner);
        var engineTime = Stopwatch.GetElapsedTime(engineStarted);
        var response = ToContract(result, live, notices);
        // Where a scenario's time goes, for operators (a nation-wide one is the heaviest request the service takes).
        logger.LogInformation("Scenario {ScenarioId}: {Lines} lines, {Transfers} transfers in {TotalMs:F0} ms (stock from the regions {StockMs:F0} ms, " +
            "input {InputMs:F0} ms, engine {EngineMs:F0} ms, response {ResponseMs:F0} ms; garbage collections meanwhile: gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}, paused {PausedMs:F0} ms)",
            result.ScenarioId, result.Lines.Count, result.Transfers.Count,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, stockTime.TotalMilliseconds, inputTime.TotalMilliseconds, engineTime.TotalMilliseconds,
            Stopwatch.GetElapsedTime(engineStarted).TotalMilliseconds - engineTime.TotalMilliseconds,
            GC.CollectionCount(0) - collections.Item1, GC.CollectionCount(1) - collections.Item2, GC.CollectionCount(2) - collections.Item3,
            (GC.GetTotalPauseDuration() - collections.Item4).TotalMilliseconds);
        return response;
    }

    private static Contracts.V1.ScenarioResult ToContract(D.ScenarioResult r, bool live, int notices)
    {
        var response = new Contracts.V1.ScenarioResult
        {
            ScenarioId = r.ScenarioId, Start = r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), HorizonDays = r.HorizonDays,
            Totals = new Contracts.V1.ScenarioTotals
            {
                Demand = r.Totals.Demand, MetBy = Tiers(r.Totals.MetBy), Met = r.Totals.Met, Shortfall = r.Totals.Shortfall,
                CoverageRatio = r.Totals.CoverageRatio,
            },
            LiveStock = live,
            ShortageNoticesApplied = notices,
            Planner = r.Planner,
        };
        foreach (var c in r.Census)
        {
            var census = new Contracts.V1.CensusLine { RegionCode = c.RegionCode, Category = c.Category };
            census.Patients.AddRange(c.Patients);
            census.IntensiveCare.AddRange(c.IntensiveCare);
            census.Deaths.AddRange(c.Deaths);
            census.Discharges.AddRange(c.Discharges);
            response.Census.Add(census);
        }
        response.Lines.AddRange(r.Lines.Select(l =>
        {
            var line = new Contracts.V1.ScenarioLine
            {
                RegionCode = l.RegionCode, SupplyKind = l.Supply.Kind == SupplyKind.Item ? "item" : "group", SupplyId = l.Supply.Id,
                Demand = l.Demand, MetBy = Tiers(l.MetBy), Shortfall = l.Shortfall, CoverageRatio = l.CoverageRatio,
            };
            if (l.FirstDayShort is { } day) line.FirstDayShort = day;
            line.Categories.AddRange(l.Categories);
            line.Priority = l.Priority;
            foreach (var d in l.Days)
                if (d.Shortfall > 0) line.Shortfalls.Add(new LineShortfall { Day = d.Day, Quantity = d.Shortfall, Bound = (Contracts.V1.ShortfallBound)(int)d.Bound });
            return line;
        }));
        // Ids go into the tables once and transfers refer to them by position (see Transfer in scenarios.proto).
        var lines = new Dictionary<(string Region, SupplyRef Supply), int>(r.Lines.Count);
        for (var i = 0; i < r.Lines.Count; i++) lines[(r.Lines[i].RegionCode, r.Lines[i].Supply)] = i;
        var sources = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        response.Transfers.Capacity = r.Transfers.Count;
        foreach (var t in r.Transfers)
        {
            ref var source = ref CollectionsMarshal.GetValueRefOrAddDefault(sources, t.FromLocationId, out var knownSource);
            if (!knownSource)
            {
                source = response.Sources.Count;
                response.Sources.Add(new TransferSource { LocationId = t.FromLocationId, Region = t.FromRegion });
            }
            ref var item = ref CollectionsMarshal.GetValueRefOrAddDefault(items, t.ItemId, out var knownItem);
            if (!knownItem)
            {
                item = response.Items.Count;
                response.Items.Add(t.ItemId);
            }
            response.Transfers.Add(new Contracts.V1.Transfer
            {
                Day = t.Day, DispatchDay = t.DispatchDay, Quantity = t.Quantity, Source = source, Item = item,
                Line = lines[(t.ToRegion, t.For)], Priority = t.Priority,
                Tier = t.Tier switch
                {
                    SourceTier.OwnRegion => Contracts.V1.SourceTier.OwnRegion,
                    SourceTier.SameHealthcareRegion => Contracts.V1.SourceTier.SameHealthcareRegion,
                    SourceTier.OtherRegions => Contracts.V1.SourceTier.OtherRegions,
                    SourceTier.NationalStockpile => Contracts.V1.SourceTier.NationalStockpile,
                    _ => Contracts.V1.SourceTier.Suppliers,
                },
            });
        }
        return response;
    }

    private static Contracts.V1.TierQuantities Tiers(D.TierQuantities q) => new()
    {
        OwnRegion = q.OwnRegion, SameHealthcareRegion = q.SameHealthcareRegion, OtherRegions = q.OtherRegions,
        NationalStockpile = q.NationalStockpile, Suppliers = q.Suppliers,
    };
}
