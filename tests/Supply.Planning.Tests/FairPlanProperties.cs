using CsCheck;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;
using Supply.Domain.Tests;
using static Supply.Domain.Tests.PropertyRunner;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Planning.Tests;

/// <summary>
/// The fair plan against the greedy engine (the reference) on generated inputs: several regions competing for scarce
/// stock, categories of different priority, reserves, stockpiles, suppliers with delivery reductions, groups, patient flow.
/// The invariants are checked by replaying the plan from the input stock, independently of the planner's code.
/// </summary>
public class FairPlanProperties
{
    private static readonly string[] RegionPool = ["01", "09", "03", "13", "12"];
    private static readonly ScenarioItem[] Items =
        [new("vnr:100001", "G", Criticality.LifeSaving), new("vnr:100002", "G"), new("ppe:ffp2", "")];

    private static readonly Gen<ScenarioInput> GenInput =
        from perRegion in Gen.Int[0, 2].Array[RegionPool.Length]
        from pile in Gen.Bool
        from supplier in Gen.Bool
        from supplierLead in Gen.Int[-1, 3]
        from quantities in Gen.Long[0, 30].Array[(RegionPool.Length * 2 + 2) * Items.Length]
        from rates in Gen.OneOf(0.0, 0.0, 1.0, 2.0).Array[RegionPool.Length * Items.Length]
        from horizon in Gen.Int[1, 5]
        from reserve in Gen.OneOf(0.0, 1.0, 2.0)
        from affected in Gen.Int[0, RegionPool.Length - 1].Array[1, 3]
        from counts in Gen.Int[0, 8].Array[6]
        from arrivals in Gen.Int[0, 3].Array[3]
        from priorities in Gen.Int[1, 5].Array[2]
        from stay in Gen.Int[0, 4]
        from factor in Gen.OneOf(0.0, 0.5, 1.0)
        select Make(perRegion, pile, supplier, supplierLead, quantities, rates, horizon, reserve, affected, counts, arrivals, priorities, stay, factor);

    private static ScenarioInput Make(int[] perRegion, bool pile, bool supplier, int supplierLead, long[] quantities, double[] rates, int horizon,
        double reserve, int[] affected, int[] counts, int[] arrivals, int[] priorities, int stay, double factor)
    {
        var locations = new List<SourceLocation>();
        for (var r = 0; r < RegionPool.Length; r++)
        for (var k = 0; k < perRegion[r]; k++)
            locations.Add(Loc($"r{RegionPool[r]}-{k}", RegionPool[r], municipality: RegionPool[r] == "13" ? "1380" : ""));
        if (pile) locations.Add(Loc("pile", "03", LocationKind.NationalStockpile));
        if (supplier) locations.Add(Loc("sup", "01", LocationKind.Supplier, supplierLead < 0 ? null : supplierLead));
        var stock = locations.SelectMany((l, i) => Items.Select((it, k) => Has(l.LocationId, it.ItemId, quantities[i * Items.Length + k])))
            .Where(s => s.Quantity > 0).ToArray();
        var ordinary = rates.Select((rate, i) => rate > 0 ? Uses(RegionPool[i / Items.Length], Items[i % Items.Length].ItemId, rate) : null)
            .OfType<OrdinaryConsumption>().ToArray();
        var flow = stay > 0 ? new PatientFlow(stay, 0.1, 0.5, 1) : null;
        var profile = new CasualtyProfile("p", "P", "", "",
        [
            new CasualtyCategory("T1", [new ProfileUse(SupplyRef.Group("G"), 2), new ProfileUse(SupplyRef.Item("ppe:ffp2"), 1, 2)], priorities[0], flow),
            new CasualtyCategory("T3", [new ProfileUse(SupplyRef.Item("ppe:ffp2"), 1.5), new ProfileUse(SupplyRef.Group("G"), 1, null, "", true)], priorities[1]),
        ]);
        var regions = affected.Distinct().SelectMany((r, i) => new[]
        {
            new AffectedRegion(RegionPool[r], [new CasualtyGroup("T1", counts[2 * i]), new CasualtyGroup("T3", counts[2 * i + 1])], arrivals[i] % horizon),
        }).ToList();
        var scenario = new Scenario("prop", "Property", "", Start, horizon, reserve, LeadTimes.Default, [profile], regions);
        var reductions = supplier && factor < 1 ? new[] { new DeliveryReduction("ppe:ffp2", Start, Start.AddDays(2), factor, null) } : [];
        return new ScenarioInput(scenario, locations, stock, ordinary, Items, reductions);
    }

    private static string Describe(ScenarioInput i) =>
        $"\n  horizon {i.Scenario.HorizonDays}, reserve {i.Scenario.ReserveDays}, categories {string.Join(", ", i.Scenario.Profiles[0].Categories.Select(c => $"{c.Name} p{c.Priority} {c.Flow}"))}" +
        $"\n  regions: {string.Join(", ", i.Scenario.Regions.Select(r => $"{r.RegionCode} {string.Join("/", r.Casualties.Select(c => c.Count))} from day {r.ArrivalDay}"))}" +
        $"\n  locations: {string.Join(", ", i.Locations.Select(l => $"{l.LocationId} ({l.Kind}, lead {l.LeadTimeDays?.ToString() ?? "-"})"))}" +
        $"\n  stock: {string.Join(", ", i.Stock.Select(s => $"{s.LocationId} {s.ItemId} {s.Quantity}"))}" +
        $"\n  ordinary: {string.Join(", ", i.Ordinary.Select(o => $"{o.RegionCode} {o.ItemId} {o.PerDay}"))}" +
        $"\n  reductions: {string.Join(", ", i.Reductions.Select(r => $"{r.ItemId} {r.From}..{r.To} x{r.Factor}"))}";

    private const int Cases = 150;

    /// <summary>Weighted shortfall computed here from the demand weights, not by the planner's own metric.</summary>
    private static double Weighted(ScenarioResult r, ScenarioInput input)
    {
        var weights = ScenarioDemand.Lines(input.Scenario, input.Items).ToDictionary(l => (l.RegionCode, l.Supply), l => l.Weight);
        return r.Lines.Sum(l => l.Days.Sum(d => d.Shortfall * weights[(l.RegionCode, l.Supply)][d.Day]));
    }

    [Fact]
    public void The_fair_plan_is_never_worse_than_greedy_on_weighted_shortfall_nor_on_fairness() =>
        ForAll(GenInput, input =>
        {
            var greedy = ScenarioEngine.Run(input);
            var fair = FairPlanner.Run(input);
            Assert.True(Weighted(fair, input) <= Weighted(greedy, input) + 1e-6, $"weighted shortfall {Weighted(fair, input)} > greedy {Weighted(greedy, input)}");
            Assert.True(PlanMetrics.Unfairness(fair, input) <= PlanMetrics.Unfairness(greedy, input) + 1e-9,
                $"unfairness {PlanMetrics.Unfairness(fair, input)} > greedy {PlanMetrics.Unfairness(greedy, input)}");
            Assert.Equal(greedy.Totals.Demand, fair.Totals.Demand);
            Assert.StartsWith("fair", fair.Planner);
        }, salt: 1601, cases: Cases, print: Describe);

    [Fact]
    public void The_fair_plan_keeps_every_rule_of_the_greedy_engine() =>
        ForAll(GenInput, input => PlanReplay.Check(input, FairPlanner.Run(input)), salt: 1602, cases: Cases, print: Describe);

    [Fact]
    public void The_same_input_gives_the_same_plan_whatever_the_order_of_its_lists_and_the_threads() =>
        ForAll(GenInput, input =>
        {
            var reordered = input with
            {
                Locations = input.Locations.Reverse().ToList(), Stock = input.Stock.Reverse().ToList(),
                Ordinary = input.Ordinary.Reverse().ToList(), Items = input.Items.Reverse().ToList(),
            };
            var first = Json(FairPlanner.Run(input, new FairPlanOptions(MaxParallelism: 1)));
            Assert.Equal(first, Json(FairPlanner.Run(reordered, new FairPlanOptions(MaxParallelism: 4))));
        }, salt: 1603, cases: 40, print: Describe);

    [Fact]
    public void Every_shortfall_names_a_bound_and_every_transfer_its_line_priority() =>
        ForAll(GenInput, input =>
        {
            var fair = FairPlanner.Run(input);
            var weights = ScenarioDemand.Lines(input.Scenario, input.Items).ToDictionary(l => (l.RegionCode, l.Supply), l => l.Weight);
            foreach (var line in fair.Lines)
            foreach (var day in line.Days)
                Assert.Equal(day.Shortfall > 0, day.Bound != ShortfallBound.None);
            foreach (var t in fair.Transfers) Assert.Equal(weights[(t.ToRegion, t.For)][t.Day], t.Priority);
        }, salt: 1604, cases: 60, print: Describe);
}
