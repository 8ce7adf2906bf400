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
/// Each part's plan is measured against the greedy engine's for the same part: where the greedy one is better on
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
        var demand = ScenarioDemand.Lines(input.Scenario, input.Items);
        var stock = new StockIndex(input);
        var parts = ScenarioParts.Split(input, int.MaxValue); // every component a part of its own
        var results = new ScenarioResult[parts.Count];
        var keptGreedy = new bool[parts.Count];
        var threads = options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount;
        try
        {
            Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
                i => (results[i], keptGreedy[i]) = PlanPart(input, stock, parts[i], demand.Where(l => parts[i].Serves(l.Supply)).ToList(), greedy));
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

    private static (ScenarioResult Plan, bool KeptGreedy) PlanPart(ScenarioInput input, StockIndex stock, ScenarioParts.Part part,
        List<DemandLine> lines, ScenarioResult greedy)
    {
        var model = PlanModel.Build(input, stock, part.Items, lines);
        var (arcs, flow) = LpAllocation.Solve(model);
        var fair = new PlanExecutor(model).Run(arcs, flow, topUp: true);
        var (greedyArcs, greedyFlow) = GreedyFlows(model, stock, greedy, part);
        var today = new PlanExecutor(model).Run(greedyArcs, greedyFlow, topUp: false);
        var (fairShort, todayShort) = (PlanMetrics.WeightedShortfall(fair, lines), PlanMetrics.WeightedShortfall(today, lines));
        var asGood = fairShort <= todayShort + 1e-9 * Math.Max(1, todayShort);
        var keep = !asGood || PlanMetrics.Unfairness(fair, model) > PlanMetrics.Unfairness(today, model) + 1e-9;
        return keep ? (today, true) : (fair, false);
    }

    /// <summary>The greedy engine's transfers of a part as pool-level flows, for the executor to carry out (and explain) again.</summary>
    private static (List<Arc> Arcs, double[] Flow) GreedyFlows(PlanModel m, StockIndex stock, ScenarioResult greedy, ScenarioParts.Part part)
    {
        var lineIndex = m.Lines.Select((l, i) => (l, i)).ToDictionary(x => (x.l.Source.RegionCode, x.l.Source.Supply), x => x.i);
        var itemIndex = m.Items.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k, StringComparer.Ordinal);
        var flows = new SortedDictionary<(int Day, int Line, int Pool), double>();
        foreach (var t in greedy.Transfers)
        {
            if (!part.Serves(t.For)) continue;
            var k = itemIndex[t.ItemId];
            var h = Array.BinarySearch(m.Holders[k], stock.Number[t.FromLocationId]);
            var key = (t.Day, lineIndex[(t.ToRegion, t.For)], m.PoolOfHolder[k][h]);
            flows[key] = flows.GetValueOrDefault(key) + t.Quantity;
        }
        var arcs = flows.Keys.Select(f => new Arc(f.Pool, f.Line, f.Day, m.Cost(m.Pools[f.Pool], m.Lines[f.Line].Region))).ToList();
        return (arcs, flows.Values.ToArray());
    }
}
