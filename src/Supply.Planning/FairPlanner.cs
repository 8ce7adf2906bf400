using Supply.Domain;
using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <param name="MaxParallelism">Parts of the scenario solved at once (0: one per processor); the plan is the same whatever it is.</param>
public sealed record FairPlanOptions(int MaxParallelism = 0)
{
    public static readonly FairPlanOptions Default = new();
}

/// <summary>
/// The fair transfer plan of a scenario (issue 16): the whole horizon at once, by linear programming
/// (<see cref="LpAllocation"/>), carried out under the greedy engine's exact rules (<see cref="PlanExecutor"/>).
/// Items joined by substitution groups form independent parts (as in the greedy engine), each solved on its own.
/// A part the greedy engine meets in full keeps the greedy plan (nothing to share, nearest tiers first). Any other part's
/// plan is measured against the greedy engine's for the same part: where the greedy one is better on
/// weighted shortfall, or as good on it and fairer, the greedy one is kept (with the same explanations), so the plan is
/// never worse than today's on either measure. Deterministic: the same input gives the same plan.
/// </summary>
public static class FairPlanner
{
    /// <exception cref="DomainValidationException">the input breaks a rule; nothing is run.</exception>
    public static ScenarioResult Run(ScenarioInput input, FairPlanOptions? options = null)
    {
        options ??= FairPlanOptions.Default;
        var greedy = ScenarioEngine.Run(input, new ScenarioOptions(MaxParallelism: options.MaxParallelism)); // validates too
        // A part the greedy engine meets in full keeps the greedy plan: objectives (a) and (b) are at their optimum already
        // (no shortfall, every line covered in full) and it takes the nearest tier first each day. Nothing short: nothing to solve.
        if (greedy.Lines.All(l => l.Shortfall == 0)) return greedy with { Planner = "fair" };

        var parts = ScenarioParts.Split(input, int.MaxValue); // every component a part of its own
        var partOfSupply = new Dictionary<SupplyRef, int>();
        var partOfItem = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            foreach (var item in parts[i].Items) { partOfItem[item] = i; partOfSupply[SupplyRef.Item(item)] = i; }
            foreach (var group in parts[i].Groups) partOfSupply[SupplyRef.Group(group)] = i;
        }
        var share = parts.Select(_ => new PartShare()).ToArray();
        foreach (var l in ScenarioDemand.Lines(input.Scenario, input.Items)) share[partOfSupply[l.Supply]].Demand.Add(l);
        foreach (var l in greedy.Lines) share[partOfSupply[l.Supply]].Lines.Add(l);
        foreach (var t in greedy.Transfers) share[partOfSupply[t.For]].Transfers.Add(t);
        foreach (var o in greedy.Ordinary) share[partOfItem[o.ItemId]].Ordinary.Add(o);

        var stock = new Lazy<StockIndex>(() => new StockIndex(input), LazyThreadSafetyMode.ExecutionAndPublication);
        var results = new ScenarioResult[parts.Count];
        var keptGreedy = new bool[parts.Count];
        var threads = options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount;
        try
        {
            Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
                i => (results[i], keptGreedy[i]) = PlanPart(input, stock, parts[i], share[i], greedy));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        var kept = keptGreedy.Count(k => k);
        return ScenarioParts.Merge(input.Scenario, results) with
        {
            Census = greedy.Census,
            Planner = kept == 0 ? "fair" : $"fair; the greedy plan kept in {kept} of {parts.Count} parts",
        };
    }

    /// <summary>What belongs to one part: its demand lines, and the greedy plan's lines, transfers and ordinary lines.</summary>
    private sealed class PartShare
    {
        public List<DemandLine> Demand { get; } = [];
        public List<ScenarioLine> Lines { get; } = [];
        public List<Transfer> Transfers { get; } = [];
        public List<OrdinaryLine> Ordinary { get; } = [];
    }

    private static (ScenarioResult Plan, bool KeptGreedy) PlanPart(ScenarioInput input, Lazy<StockIndex> stock, ScenarioParts.Part part,
        PartShare share, ScenarioResult greedy)
    {
        if (share.Lines.All(l => l.Shortfall == 0))
            return (new ScenarioResult(greedy.ScenarioId, greedy.Start, greedy.HorizonDays, greedy.Totals, share.Lines, share.Transfers, share.Ordinary, [])
                { Planner = "fair" }, false);
        var model = PlanModel.Build(input, stock.Value, part.Items, share.Demand);
        var (arcs, flow) = LpAllocation.Solve(model, RegionalGiving(model, share.Transfers));
        var fair = new PlanExecutor(model).Run(arcs, flow, topUp: true);
        // Measured on the greedy plan's own lines; carried out again (for its explanations) only if it is kept.
        var greedyPart = new ScenarioResult(greedy.ScenarioId, greedy.Start, greedy.HorizonDays, greedy.Totals, share.Lines, share.Transfers, share.Ordinary, []);
        var (fairShort, todayShort) = (PlanMetrics.WeightedShortfall(fair, share.Demand), PlanMetrics.WeightedShortfall(greedyPart, share.Demand));
        var asGood = fairShort <= todayShort + 1e-9 * Math.Max(1, todayShort);
        if (asGood && PlanMetrics.Unfairness(fair, model) <= PlanMetrics.Unfairness(greedyPart, model) + 1e-9) return (fair, false);
        var (greedyArcs, greedyFlow) = GreedyFlows(model, stock.Value, share.Transfers);
        return (new PlanExecutor(model).Run(greedyArcs, greedyFlow, topUp: false), true);
    }

    /// <summary>Per regional (region, item): what the greedy plan gives from it to casualties in all, and its last day of giving.</summary>
    private static Dictionary<(int Region, int Item), (long Total, int LastDay)> RegionalGiving(PlanModel m, List<Transfer> transfers)
    {
        var regionIndex = m.Regions.Select((code, r) => (code, r)).ToDictionary(x => x.code, x => x.r, StringComparer.Ordinal);
        var itemIndex = m.Items.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k, StringComparer.Ordinal);
        var giving = new Dictionary<(int Region, int Item), (long Total, int LastDay)>();
        foreach (var t in transfers.Where(t => t.Tier is SourceTier.OwnRegion or SourceTier.SameHealthcareRegion or SourceTier.OtherRegions))
        {
            var key = (regionIndex[t.FromRegion], itemIndex[t.ItemId]);
            var (total, last) = giving.GetValueOrDefault(key, (0, -1));
            giving[key] = (total + t.Quantity, Math.Max(last, t.Day));
        }
        return giving;
    }

    /// <summary>The greedy engine's transfers of a part as pool-level flows, for the executor to carry out (and explain) again.</summary>
    private static (List<Arc> Arcs, double[] Flow) GreedyFlows(PlanModel m, StockIndex stock, List<Transfer> transfers)
    {
        var lineIndex = m.Lines.Select((l, i) => (l, i)).ToDictionary(x => (x.l.Source.RegionCode, x.l.Source.Supply), x => x.i);
        var itemIndex = m.Items.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k, StringComparer.Ordinal);
        var flows = new SortedDictionary<(int Day, int Line, int Pool), double>();
        foreach (var t in transfers)
        {
            var k = itemIndex[t.ItemId];
            var h = Array.BinarySearch(m.Holders[k], stock.Number[t.FromLocationId]);
            var key = (t.Day, lineIndex[(t.ToRegion, t.For)], m.PoolOfHolder[k][h]);
            flows[key] = flows.GetValueOrDefault(key) + t.Quantity;
        }
        var arcs = flows.Keys.Select(f => new Arc(f.Pool, f.Line, f.Day, m.Cost(m.Pools[f.Pool], m.Lines[f.Line].Region))).ToList();
        return (arcs, flows.Values.ToArray());
    }
}
