using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Planning.Tests;

/// <summary>Each bound a shortfall can name, in a case built to have it.</summary>
public class ShortfallBoundTests
{
    [Fact]
    public void A_shortfall_names_the_supplier_cap_the_reserve_the_lead_time_or_that_no_stock_exists()
    {
        // Region 01: 10 casualties a day want FFP2 (only a supplier holds it, released at 0% on days 0-1), gowns (only
        // region 01 holds them, all of it its reserve), a group nobody stocks, and gloves held only two regions away.
        var scenario = Scenario(3, 10, Profile(Use("ppe:ffp2", 1), Use("ppe:gown", 1), Use("EMPTY", 1), Use("ppe:gloves", 1)), Hit("01", 10));
        var input = Input(scenario,
            [Loc("se-01-a", "01"), Loc("se-14-b", "14"), Loc("sup", "01", LocationKind.Supplier, lead: 0)],
            [Has("sup", "ppe:ffp2", 100), Has("se-01-a", "ppe:gown", 10), Has("se-14-b", "ppe:gloves", 100)],
            ordinary: [Uses("01", "ppe:gown", 1)],
            reductions: [new DeliveryReduction("ppe:ffp2", Start, Start.AddDays(1), 0, null)]);

        var plan = FairPlanner.Run(input);
        string Bounds(string supply) => string.Join(" ", plan.Lines.Single(l => l.Supply.Id == supply).Days.Select(d => $"{d.Shortfall}:{d.Bound}"));

        Assert.Equal("10:SupplierCap 10:SupplierCap 0:None", Bounds("ppe:ffp2"));
        Assert.Equal("10:Reserve 10:Reserve 10:Reserve", Bounds("ppe:gown"));
        Assert.Equal("10:NoStockAnywhere 10:NoStockAnywhere 10:NoStockAnywhere", Bounds("EMPTY"));
        Assert.Equal("10:LeadTime 10:LeadTime 0:None", Bounds("ppe:gloves")); // Västra Götaland is another healthcare region: 2 days
        PlanReplay.Check(input, plan);
    }
}
