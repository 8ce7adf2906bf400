using System.Text.RegularExpressions;
using Supply.Domain.Scenarios;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Planning.Tests;

/// <summary>The documented fair split runs as written: docs/scenarios/fair-split.md's tables are the plan's.</summary>
public class FairPlanWorkedExampleTests
{
    private static string Word(ShortfallBound b) => b switch
    {
        ShortfallBound.LeadTime => "lead_time",
        ShortfallBound.Reserve => "reserve",
        ShortfallBound.SupplierCap => "supplier_cap",
        ShortfallBound.NoStockAnywhere => "no_stock_anywhere",
        ShortfallBound.SharedOut => "shared_out",
        _ => "-",
    };

    [Fact]
    public void The_fair_split_example_gives_the_documented_plan()
    {
        var page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scenarios", "fair-split.md"));
        var input = ScenarioFile.Parse(Regex.Match(page, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value).ToInput();
        var fair = FairPlanner.Run(input);

        Assert.Equal("fair", fair.Planner);
        Assert.Equal((120L, 25L, 95L), (fair.Totals.Demand, fair.Totals.Met, fair.Totals.Shortfall));
        var dayRows = fair.Lines.SelectMany(l => l.Days.Select(d => $"| {l.RegionCode} | {d.Day} | {d.Demand} | {d.Met} | {d.Shortfall} | {Word(d.Bound)} |")).ToList();
        Assert.Equal(["| 01 | 0 | 40 | 0 | 40 | lead_time |", "| 01 | 1 | 40 | 17 | 23 | shared_out |",
                      "| 03 | 0 | 20 | 0 | 20 | lead_time |", "| 03 | 1 | 20 | 8 | 12 | shared_out |"], dayRows);
        foreach (var row in dayRows) Assert.Contains(row, page);
        var planRows = page.Split('\n').Where(l => Regex.IsMatch(l, @"^\| \d \| \d \|")).ToList();
        Assert.Equal(fair.Transfers.Select(t => $"| {t.Day} | {t.DispatchDay} | {t.FromLocationId} | {t.ToRegion} | {t.ItemId} | {t.Quantity} | {ScenarioWords.Of(t.Tier)} |"), planRows);
        Assert.Contains($"All lines together: demand {fair.Totals.Demand}, met {fair.Totals.Met}, shortfall {fair.Totals.Shortfall}.", page);

        // Within one unit of the same share (25 / 60) each; the greedy engine gives Stockholm all 25.
        Assert.All(fair.Lines, l => Assert.InRange(l.Days[1].Met, Math.Floor(l.Days[1].Demand * 25 / 60.0), Math.Ceiling(l.Days[1].Demand * 25 / 60.0)));
        var greedy = ScenarioEngine.Run(input);
        Assert.Equal([25L, 0L], greedy.Lines.Select(l => l.Days[1].Met));
        Assert.True(PlanMetrics.Unfairness(fair, input) < PlanMetrics.Unfairness(greedy, input));
    }

    [Fact]
    public void Higher_priority_is_met_first_across_days_where_greedy_spends_stock_early_on_lower_priority()
    {
        // 10 units in region 01, nothing else. T3 wants 10 on day 0; T1 casualties arrive in region 01 on day 1 and want 10.
        var scenario = new Scenario("p", "Priority", "", Start, 2, 0, LeadTimes.Default,
            [new CasualtyProfile("p", "P", "", "",
            [
                new CasualtyCategory("T1", [new ProfileUse(SupplyRef.Item("ppe:ffp2"), 1)], Priority: 1),
                new CasualtyCategory("T3", [new ProfileUse(SupplyRef.Item("ppe:ffp2"), 1, Days: 1)], Priority: 3),
            ])],
            [new AffectedRegion("01", [new CasualtyGroup("T3", 10)]), new AffectedRegion("01", [new CasualtyGroup("T1", 10)], ArrivalDay: 1)]);
        var input = Input(scenario, [Loc("se-01-a", "01")], [Has("se-01-a", "ppe:ffp2", 10)]);

        var greedy = ScenarioEngine.Run(input);
        var fair = FairPlanner.Run(input);

        Assert.Equal([10L, 0L], greedy.Lines.Single().Days.Select(d => d.Met)); // spent on T3 on day 0
        Assert.Equal([0L, 10L], fair.Lines.Single().Days.Select(d => d.Met));   // kept for T1 on day 1
        Assert.Equal(ShortfallBound.SharedOut, fair.Lines.Single().Days[0].Bound);
        Assert.Equal(["T1", "T3"], fair.Lines.Single().Categories);
        Assert.Equal(10_000, Assert.Single(fair.Transfers).Priority);
    }
}
