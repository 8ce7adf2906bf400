using Google.OrTools.LinearSolver;
using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <summary>A possible flow: from a pool to a line, used on a day.</summary>
internal readonly record struct Arc(int Pool, int Line, int Day, int Cost);

/// <summary>
/// The allocation over the whole horizon as a linear programme, solved with GLOP three times in a row (lexicographic
/// objectives, each stage keeping the optimum of the ones before):
/// <list type="number">
/// <item>(a) maximise met demand weighted by priority (= minimise weighted shortfall);</item>
/// <item>(b) minimise, over the groups of equal-priority lines competing for one supply on one day, the largest spread
/// between the best and the worst covered (hi − lo of met / demand), then the sum of spreads: equal shares of what cannot be met;</item>
/// <item>(c) minimise transport: 10 × tier + lead time per unit.</item>
/// </list>
/// Constraints: a line-day gets at most its demand; a stockpile or supplier gives at most its stock, a supplier under a
/// delivery reduction at most the day's cap on its starting stock; a region gives only what stays above its reserve after
/// ordinary care. The greedy rule for that is not convex (on a day it gives, a region's stock must stay at or above its
/// reserve after that day's ordinary use: given up to d ≤ B(d) = start stock − ordinary use to day d − reserve), so the
/// programme fixes a last day of giving D* per region and item (<see cref="LastDay"/>) and asks given in all ≤ B(D*):
/// exactly within the rule, and wide enough that the greedy plan itself is a solution.
/// </summary>
internal static class LpAllocation
{
    /// <param name="greedyGiving">per regional (region, item): what the greedy plan gives from it in all and its last day of giving.</param>
    public static (List<Arc> Arcs, double[] Flow) Solve(PlanModel m, IReadOnlyDictionary<(int Region, int Item), (long Total, int LastDay)>? greedyGiving = null)
    {
        var arcs = Arcs(m, out var above, greedyGiving);
        if (arcs.Count == 0) return (arcs, []);
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools has no GLOP solver");
        var x = new Variable[arcs.Count];
        for (var a = 0; a < arcs.Count; a++) x[a] = solver.MakeNumVar(0, double.PositiveInfinity, "");

        // A line-day gets at most its demand.
        var lineDay = new Dictionary<(int Line, int Day), List<int>>();
        for (var a = 0; a < arcs.Count; a++)
        {
            var key = (arcs[a].Line, arcs[a].Day);
            if (!lineDay.TryGetValue(key, out var list)) lineDay[key] = list = [];
            list.Add(a);
        }
        foreach (var ((line, day), list) in lineDay)
        {
            var c = solver.MakeConstraint(0, m.Lines[line].Source.Demand[day], "");
            foreach (var a in list) c.SetCoefficient(x[a], 1);
        }
        SourceLimits(m, solver, arcs, x, above, greedyGiving);

        // (a) weighted met, the highest first.
        var objective = solver.Objective();
        for (var a = 0; a < arcs.Count; a++) objective.SetCoefficient(x[a], m.Lines[arcs[a].Line].Source.Weight[arcs[a].Day]);
        objective.SetMaximization();
        // Stage (a) is always feasible (nothing moved is a solution); if the solver still gives up, plan nothing and let
        // the executor's top-up and the comparison with the greedy plan decide.
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL) return (arcs, new double[arcs.Count]);
        var best = Values(x);
        Keep(solver, x, objective, Enumerable.Range(0, arcs.Count).Select(a => m.Lines[arcs[a].Line].Source.Weight[arcs[a].Day]).ToArray(), atLeast: true);

        // (b) fair shares within each competing group of equal priority.
        var groups = FairGroups(m, arcs);
        if (groups.Count > 0)
        {
            // The largest spread first (the measure the plan is judged by), then the sum of all spreads (weighted below 1 in
            // all, so it never outweighs a change of the largest).
            objective.Clear();
            var largest = solver.MakeNumVar(0, 1, "");
            objective.SetCoefficient(largest, 1);
            var spread = new List<(Variable Lo, Variable Hi)>();
            var small = 1.0 / (groups.Count + 1);
            foreach (var members in groups)
            {
                var (lo, hi) = (solver.MakeNumVar(0, 1, ""), solver.MakeNumVar(0, 1, ""));
                objective.SetCoefficient(hi, small);
                objective.SetCoefficient(lo, -small);
                spread.Add((lo, hi));
                var bound = solver.MakeConstraint(double.NegativeInfinity, 0, "");
                bound.SetCoefficient(hi, 1);
                bound.SetCoefficient(lo, -1);
                bound.SetCoefficient(largest, -1);
                foreach (var (line, day) in members)
                {
                    double demand = m.Lines[line].Source.Demand[day];
                    var atLeast = solver.MakeConstraint(0, double.PositiveInfinity, "");
                    var atMost = solver.MakeConstraint(double.NegativeInfinity, 0, "");
                    foreach (var a in lineDay[(line, day)]) { atLeast.SetCoefficient(x[a], 1); atMost.SetCoefficient(x[a], 1); }
                    atLeast.SetCoefficient(lo, -demand);
                    atMost.SetCoefficient(hi, -demand);
                }
            }
            objective.SetMinimization();
            // A later stage that fails within the tolerances of the one before keeps the last optimum found.
            if (solver.Solve() != Solver.ResultStatus.OPTIMAL) return (arcs, best);
            best = Values(x);
            var keep = solver.MakeConstraint(double.NegativeInfinity, objective.Value() + 1e-6, "");
            keep.SetCoefficient(largest, 1);
            foreach (var (lo, hi) in spread) { keep.SetCoefficient(hi, small); keep.SetCoefficient(lo, -small); }
        }

        // (c) transport.
        objective.Clear();
        for (var a = 0; a < arcs.Count; a++) objective.SetCoefficient(x[a], arcs[a].Cost);
        objective.SetMinimization();
        return (arcs, solver.Solve() == Solver.ResultStatus.OPTIMAL ? Values(x) : best);
    }

    private static double[] Values(Variable[] x) => Array.ConvertAll(x, v => v.SolutionValue());

    /// <summary>Holds the stage just solved at its optimum (up to the solver's tolerance) while the next one runs.</summary>
    private static void Keep(Solver solver, Variable[] x, Objective objective, double[] coefficients, bool atLeast)
    {
        var value = objective.Value();
        var slack = 1e-9 * Math.Abs(value) + 1e-6; // tight: a looser keep lets later stages trade met units away
        var c = atLeast ? solver.MakeConstraint(value - slack, double.PositiveInfinity, "") : solver.MakeConstraint(double.NegativeInfinity, value + slack, "");
        for (var a = 0; a < x.Length; a++) c.SetCoefficient(x[a], coefficients[a]);
    }

    /// <summary>
    /// Every (pool, line, day) with demand, stock and the lead time passed. <paramref name="above"/>: per regional (region,
    /// item) and day, B(d) = what may go to casualties by that day if nothing went before (≤ 0: nothing that day).
    /// </summary>
    internal static List<Arc> Arcs(PlanModel m, out Dictionary<(int Region, int Item), double[]> above,
        IReadOnlyDictionary<(int Region, int Item), (long Total, int LastDay)>? greedyGiving = null)
    {
        above = [];
        foreach (var pool in m.Pools.Where(p => p.IsRegional))
        {
            var key = (pool.Region, pool.Item);
            if (above.ContainsKey(key)) continue;
            long stock = 0;
            var holders = m.Holders[pool.Item];
            for (var h = 0; h < holders.Length; h++)
                if (m.Locations[holders[h]].IsRegional && m.LocationRegion[holders[h]] == pool.Region) stock += m.Stock[pool.Item][h];
            var at = pool.Region * m.Items.Length + pool.Item;
            var (ordinary, reserve) = (m.Ordinary[at], m.Reserve[at]);
            var b = new double[m.Horizon];
            long used = 0;
            for (var d = 0; d < m.Horizon; d++)
            {
                used += ordinary?[d] ?? 0;
                b[d] = stock - Math.Min(stock, used) - reserve;
            }
            above[key] = b;
        }
        var arcs = new List<Arc>();
        var poolsOfItem = m.Pools.Select((p, i) => (p, i)).GroupBy(x => x.p.Item).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray());
        for (var line = 0; line < m.Lines.Count; line++)
        {
            var l = m.Lines[line];
            for (var d = 0; d < m.Horizon; d++)
            {
                if (l.Source.Demand[d] <= 0) continue;
                foreach (var item in l.Items)
                foreach (var p in poolsOfItem.GetValueOrDefault(item) ?? [])
                {
                    var pool = m.Pools[p];
                    if (m.LeadTime(pool, l.Region) > d) continue;
                    if (pool.IsRegional && (above[(pool.Region, pool.Item)][d] <= 0 || d > LastDay(m, above, greedyGiving, pool))) continue;
                    arcs.Add(new Arc(p, line, d, m.Cost(pool, l.Region)));
                }
            }
        }
        return arcs;
    }

    /// <summary>
    /// The last day a region may give an item in the programme (D*). The exact rule allows giving on days up to D* at most
    /// B(D*) in all; D* is the latest day whose B still covers what the greedy plan gives from the region (so the greedy plan
    /// is one of the programme's solutions) and half of B(0) (so a region the greedy plan leaves alone can still give
    /// most of its stock), and never before the greedy plan's own last day.
    /// </summary>
    internal static int LastDay(PlanModel m, Dictionary<(int Region, int Item), double[]> above,
        IReadOnlyDictionary<(int Region, int Item), (long Total, int LastDay)>? greedyGiving, Pool pool)
    {
        var b = above[(pool.Region, pool.Item)];
        var (total, last) = greedyGiving?.GetValueOrDefault((pool.Region, pool.Item)) ?? (0, -1);
        var need = Math.Max(total, b[0] / 2);
        var day = -1;
        for (var d = 0; d < b.Length; d++) if (b[d] >= need && b[d] > 0) day = d;
        return Math.Max(day, last);
    }

    private static void SourceLimits(PlanModel m, Solver solver, List<Arc> arcs, Variable[] x, Dictionary<(int Region, int Item), double[]> above,
        IReadOnlyDictionary<(int Region, int Item), (long Total, int LastDay)>? greedyGiving)
    {
        var regional = new Dictionary<(int Region, int Item), Constraint>();
        var total = new Dictionary<int, Constraint>();
        var daily = new Dictionary<(int Pool, int Day), Constraint>();
        for (var a = 0; a < arcs.Count; a++)
        {
            var pool = m.Pools[arcs[a].Pool];
            if (pool.IsRegional)
            {
                // Arcs run to D* only; in all at most B(D*): exactly what the rule allows on every day up to D*.
                var key = (pool.Region, pool.Item);
                if (!regional.TryGetValue(key, out var c))
                    regional[key] = c = solver.MakeConstraint(0, Math.Max(0, above[key][LastDay(m, above, greedyGiving, pool)]), "");
                c.SetCoefficient(x[a], 1);
                continue;
            }
            if (!total.TryGetValue(arcs[a].Pool, out var t))
            {
                long stock = 0;
                foreach (var h in pool.Members) stock += m.Stock[pool.Item][h];
                total[arcs[a].Pool] = t = solver.MakeConstraint(0, stock, "");
            }
            t.SetCoefficient(x[a], 1);
            if (pool.Kind != Domain.Catalog.LocationKind.Supplier) continue;
            var date = m.Input.Scenario.Start.AddDays(arcs[a].Day);
            var h0 = pool.Members[0]; // a supplier pool is one location
            if (SupplierCaps.Cap(m.Reductions.GetValueOrDefault(pool.Item), date, pool.First.LocationId, m.Stock[pool.Item][h0]) is not { } cap) continue;
            // The cap on the starting stock: stock only falls, so this never forbids what the exact rule allows.
            if (!daily.TryGetValue((arcs[a].Pool, arcs[a].Day), out var dc)) daily[(arcs[a].Pool, arcs[a].Day)] = dc = solver.MakeConstraint(0, cap, "");
            dc.SetCoefficient(x[a], 1);
        }
    }

    /// <summary>Lines of equal priority weight wanting one supply on one day that share a pool (connected through shared pools).</summary>
    internal static List<List<(int Line, int Day)>> FairGroups(PlanModel m, List<Arc> arcs)
    {
        var groups = new List<List<(int Line, int Day)>>();
        foreach (var byDay in arcs.GroupBy(a => (a.Day, m.Lines[a.Line].Source.Supply, Weight: Math.Round(m.Lines[a.Line].Source.Weight[a.Day], 9))).OrderBy(g => g.Key.Day))
        {
            var lines = byDay.Select(a => a.Line).Distinct().Order().ToArray();
            if (lines.Length < 2) continue;
            var parent = lines.ToDictionary(l => l, l => l);
            int Find(int l) { while (parent[l] != l) l = parent[l] = parent[parent[l]]; return l; }
            foreach (var shared in byDay.GroupBy(a => a.Pool))
            {
                var first = Find(shared.First().Line);
                foreach (var a in shared) { var r = Find(a.Line); if (r != first) parent[r] = first; }
            }
            foreach (var component in lines.GroupBy(Find).Where(g => g.Count() > 1))
                groups.Add(component.Select(l => (l, byDay.Key.Day)).ToList());
        }
        return groups;
    }
}
