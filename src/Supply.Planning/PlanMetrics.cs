using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <summary>How good a plan is, by the measures: shortfall weighted by priority, and fairness.</summary>
public static class PlanMetrics
{
    /// <summary>Σ over lines and days of shortfall × the line's priority weight that day (<see cref="ScenarioDemand"/>).</summary>
    public static double WeightedShortfall(ScenarioResult result, IReadOnlyList<DemandLine> demand)
    {
        var weights = demand.ToDictionary(d => (d.RegionCode, d.Supply), d => d.Weight);
        return result.Lines.Sum(l => l.Days.Sum(d => d.Shortfall * weights[(l.RegionCode, l.Supply)][d.Day]));
    }

    /// <summary>
    /// The largest difference in coverage ratio (met / demand of the day) between two lines of equal priority weight,
    /// wanting the same supply on the same day, that could both draw on one location (it held the supply above its
    /// region's reserve at the start, and its lead time to both had passed). 0 when no lines compete.
    /// </summary>
    public static double Unfairness(ScenarioResult result, ScenarioInput input) =>
        Unfairness(result, PlanModel.Build(input, new StockIndex(input), null, ScenarioDemand.Lines(input.Scenario, input.Items)));

    internal static double Unfairness(ScenarioResult result, PlanModel model)
    {
        var arcs = LpAllocation.Arcs(model, out _);
        var index = model.Lines.Select((l, i) => (l, i)).ToDictionary(x => (x.l.Source.RegionCode, x.l.Source.Supply), x => x.i);
        var ratio = new Dictionary<(int Line, int Day), double>();
        foreach (var l in result.Lines)
        foreach (var d in l.Days.Where(d => d.Demand > 0))
            ratio[(index[(l.RegionCode, l.Supply)], d.Day)] = (double)d.Met / d.Demand;
        var worst = 0.0;
        foreach (var group in LpAllocation.FairGroups(model, arcs))
        {
            var values = group.Select(x => ratio[x]).ToList();
            worst = Math.Max(worst, values.Max() - values.Min());
        }
        return worst;
    }
}
