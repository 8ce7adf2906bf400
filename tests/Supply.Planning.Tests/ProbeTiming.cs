using System.Diagnostics;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
namespace Supply.Planning.Tests;
public class ProbeTiming
{
    [Fact]
    public void Time()
    {
        string[] rc = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];
        var items = Enumerable.Range(0, 4).Select(j => new Item($"npl:{20_000_000_000_001L + j}", "x", ItemCategory.Medicine, "p", 10, "", Criticality.Standard)).ToList();
        var locs = Enumerable.Range(0, 2000).Select(i => new Location($"bench-{rc[i % 21]}-{i:D6}", "x", LocationKind.Hospital, rc[i % 21], "")).ToList();
        var stock = locs.Select((l, i) => new ScenarioStock(l.Id, items.Select((it, j) => new ScenarioStockLine(it.Id, 100 + (i % 8 * 101L + j * 7L) % 10_000, 1.5 + j % 7)).ToList())).ToList();
        var profile = new CasualtyProfile("b", "b", "", "", [new CasualtyCategory("T1", items.Select((it, j) => new ProfileUse(SupplyRef.Item(it.Id), 0.1 * (1 + j))).ToList())]);
        var regions = rc.Select((c, q) => new AffectedRegion(c, [new CasualtyGroup("T1", c == "01" ? 6_000_000 : 50_000 + 1000 * q)], q % 3)).ToList();
        var scenario = new Scenario("b", "b", "", new DateOnly(2026, 12, 7), 14, 3, LeadTimes.Default, [profile], regions);
        var input = ScenarioInput.FromUsable(scenario, locs, items, stock);
        var sw = Stopwatch.StartNew();
        var greedy = ScenarioEngine.Run(input); var tg = sw.ElapsedMilliseconds; sw.Restart();
        var st = new StockIndex(input);
        var lines = ScenarioDemand.Lines(scenario, input.Items).Where(l => l.Supply.Id == items[0].Id).ToList();
        var m = PlanModel.Build(input, st, new HashSet<string> { items[0].Id }, lines); var tb = sw.ElapsedMilliseconds; sw.Restart();
        var arcs = LpAllocation.Arcs(m, out _); var ta = sw.ElapsedMilliseconds; sw.Restart();
        var (a2, flow) = LpAllocation.Solve(m); var ts = sw.ElapsedMilliseconds; sw.Restart();
        var fair = new PlanExecutor(m).Run(a2, flow, true); var te = sw.ElapsedMilliseconds; sw.Restart();
        var u = PlanMetrics.Unfairness(fair, m); var tu = sw.ElapsedMilliseconds; sw.Restart();
        var all = FairPlanner.Run(input); var tall = sw.ElapsedMilliseconds;
        Assert.Fail($"greedy {tg} build {tb} arcs {ta} ({arcs.Count}) solve {ts} exec {te} unfair {tu} ({u}) all4 {tall} short {greedy.Totals.Shortfall}/{all.Totals.Shortfall} planner {all.Planner}");
    }
}
