using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Domain.Tests;

/// <summary>The engine's rules on small cases worked out by hand (default lead times: own 0, same healthcare region 1, other 2, stockpile 1, suppliers 3).</summary>
public class ScenarioEngineTests
{
    private const string Ffp2 = "ppe:ffp2";
    private const string A = "vnr:100001";
    private const string B = "vnr:100002";

    private static string Plan(ScenarioResult r) =>
        string.Join("; ", r.Transfers.Select(t => $"d{t.Day}/{t.DispatchDay} {t.FromLocationId}->{t.ToRegion} {t.ItemId} {t.Quantity} {t.Tier}"));

    [Fact]
    public void Sources_are_used_only_once_their_lead_time_has_passed()
    {
        // Stockholm needs 10 a day and holds nothing. Gotland (same healthcare region) is reachable from day 1.
        var input = Input(Scenario(3, 0, Profile(Use(Ffp2, 1)), Hit("01", 10)),
            [Loc("own", "01"), Loc("gotland", "09"), Loc("uppsala", "03"), Loc("stockpile", "04", LocationKind.NationalStockpile),
             Loc("supplier", "14", LocationKind.Supplier)],
            [Has("gotland", Ffp2, 100), Has("uppsala", Ffp2, 100), Has("stockpile", Ffp2, 100), Has("supplier", Ffp2, 100)]);
        var r = ScenarioEngine.Run(input);
        var line = Assert.Single(r.Lines);
        Assert.Equal(30, line.Demand);
        Assert.Equal(new TierQuantities(0, 20, 0, 0, 0), line.MetBy);
        Assert.Equal(10, line.Shortfall);
        Assert.Equal(0, line.FirstDayShort);
        Assert.Equal(20.0 / 30, line.CoverageRatio, 12);
        Assert.Equal([10L, 0, 0], line.Days.Select(d => d.Shortfall));
        Assert.Equal("d1/0 gotland->01 ppe:ffp2 10 SameHealthcareRegion; d2/1 gotland->01 ppe:ffp2 10 SameHealthcareRegion", Plan(r));
    }

    [Fact]
    public void Tiers_are_tried_in_order_of_reach_among_the_sources_already_reachable()
    {
        // Day 1: other regions (2 days) not yet reachable, the stockpile (1 day) is. Day 2: other regions come first again.
        var input = Input(Scenario(3, 0, Profile(Use(Ffp2, 1)), Hit("01", 10)),
            [Loc("uppsala", "03"), Loc("stockpile", "04", LocationKind.NationalStockpile)],
            [Has("uppsala", Ffp2, 100), Has("stockpile", Ffp2, 100)]);
        var r = ScenarioEngine.Run(input);
        Assert.Equal("d1/0 stockpile->01 ppe:ffp2 10 NationalStockpile; d2/0 uppsala->01 ppe:ffp2 10 OtherRegions", Plan(r));
        Assert.Equal(new TierQuantities(0, 0, 10, 10, 0), r.Lines[0].MetBy);
    }

    [Fact]
    public void A_region_never_gives_away_its_reserve_not_even_to_its_own_casualties()
    {
        // Ordinary 10/day, reserve 2 days = 20. Day 0: ordinary use 50 -> 40; 40 - 20 = 20 can go to the casualties.
        var input = Input(Scenario(1, 2, Profile(Use(Ffp2, 1)), Hit("01", 30)), [Loc("h", "01")], [Has("h", Ffp2, 50)],
            [Uses("01", Ffp2, 10)]);
        var r = ScenarioEngine.Run(input);
        Assert.Equal(new TierQuantities(20, 0, 0, 0, 0), r.Lines[0].MetBy);
        Assert.Equal(10, r.Lines[0].Shortfall);
        Assert.Equal(new OrdinaryLine("01", Ffp2, 10, 10, 0, 20), Assert.Single(r.Ordinary));
    }

    [Fact]
    public void The_reserve_is_per_region_across_its_locations_and_ordinary_use_comes_from_the_largest_holding()
    {
        // Reserve 4 days × 5 = 20. Ordinary 5 from h2 (30 -> 25). Region holds 35: 15 above the reserve, all from h2.
        var input = Input(Scenario(1, 4, Profile(Use(Ffp2, 1)), Hit("01", 100)), [Loc("h1", "01"), Loc("h2", "01")],
            [Has("h1", Ffp2, 10), Has("h2", Ffp2, 30)], [Uses("01", Ffp2, 5)]);
        var r = ScenarioEngine.Run(input, new ScenarioOptions(RecordDraws: true));
        Assert.Equal("d0/0 h2->01 ppe:ffp2 15 OwnRegion", Plan(r));
        Assert.Equal([new StockDraw(0, DrawKind.Ordinary, "h2", Ffp2, 5), new StockDraw(0, DrawKind.Transfer, "h2", Ffp2, 15)], r.Draws);
    }

    [Fact]
    public void Ordinary_consumption_its_own_stock_cannot_meet_is_reported_and_not_sourced_elsewhere()
    {
        var input = Input(Scenario(2, 0, Profile(Use(Ffp2, 1)), Hit("01", 0)), [Loc("visby", "09"), Loc("h", "01")],
            [Has("visby", Ffp2, 5), Has("h", Ffp2, 100)], [Uses("09", Ffp2, 10)]);
        var r = ScenarioEngine.Run(input);
        Assert.Equal(new OrdinaryLine("09", Ffp2, 20, 5, 15, 0), Assert.Single(r.Ordinary));
        Assert.Empty(r.Transfers);
        Assert.Equal(1.0, r.Lines[0].CoverageRatio); // no casualties: nothing needed, nothing short
    }

    [Fact]
    public void Group_demand_takes_the_item_with_the_most_stock_first()
    {
        var items = new[] { new ScenarioItem(A, "G"), new ScenarioItem(B, "G"), new ScenarioItem(Ffp2, "") };
        var input = Input(Scenario(1, 0, Profile(Use("G", 6)), Hit("01", 10)), [Loc("h", "01")],
            [Has("h", A, 30), Has("h", B, 50), Has("h", Ffp2, 500)], items: items);
        var r = ScenarioEngine.Run(input);
        Assert.Equal("d0/0 h->01 vnr:100002 50 OwnRegion; d0/0 h->01 vnr:100001 10 OwnRegion", Plan(r));
        Assert.Equal(SupplyRef.Group("G"), r.Lines[0].Supply);
        Assert.All(r.Transfers, t => Assert.Equal(SupplyRef.Group("G"), t.For));
    }

    [Fact]
    public void Equal_stock_is_taken_by_location_id_then_item_id()
    {
        var items = new[] { new ScenarioItem(B, "G"), new ScenarioItem(A, "G") };
        var input = Input(Scenario(1, 0, Profile(Use("G", 1)), Hit("01", 25)), [Loc("z", "01"), Loc("a", "01")],
            [Has("z", A, 10), Has("a", B, 10), Has("a", A, 10)], items: items);
        Assert.Equal("d0/0 a->01 vnr:100001 10 OwnRegion; d0/0 a->01 vnr:100002 10 OwnRegion; d0/0 z->01 vnr:100001 5 OwnRegion",
            Plan(ScenarioEngine.Run(input)));
    }

    [Fact]
    public void A_group_nobody_stocks_is_all_shortfall()
    {
        var r = ScenarioEngine.Run(Input(Scenario(2, 0, Profile(Use("nobody-has-it", 1)), Hit("01", 3)), [Loc("h", "01")], [Has("h", A, 10)]));
        Assert.Equal(6, r.Totals.Shortfall);
        Assert.Equal(0, r.Totals.CoverageRatio);
    }

    [Fact]
    public void Delivery_reductions_lower_what_a_supplier_can_release_on_the_days_they_cover()
    {
        // Supplier with lead time 0 holds 100. Day 0: factor 0.5 -> 50 can go. Day 1: 30 fewer -> 50 - 30 = 20.
        // Day 2: no reduction -> the remaining 30. A reduction for another supplier changes nothing here.
        var input = Input(Scenario(3, 0, Profile(Use(Ffp2, 8)), Hit("12", 10)),
            [Loc("sup", "01", LocationKind.Supplier, lead: 0), Loc("other-sup", "01", LocationKind.Supplier)],
            [Has("sup", Ffp2, 100)],
            reductions: [new DeliveryReduction(Ffp2, Start, Start, 0.5, null), new DeliveryReduction(Ffp2, Start.AddDays(1), Start.AddDays(1), null, 30),
                         new DeliveryReduction(Ffp2, Start, Start.AddDays(9), 0, null, "other-sup")]);
        var r = ScenarioEngine.Run(input);
        Assert.Equal([50L, 20, 30], r.Lines[0].Days.Select(d => d.Met));
        Assert.Equal(new TierQuantities(0, 0, 0, 0, 100), r.Lines[0].MetBy);
        Assert.Equal(140, r.Totals.Shortfall);
    }

    [Fact]
    public void National_stockpiles_and_suppliers_keep_no_reserve_and_have_no_ordinary_consumption()
    {
        var input = Input(Scenario(2, 30, Profile(Use(Ffp2, 1)), Hit("01", 20)), [Loc("pile", "01", LocationKind.NationalStockpile)],
            [Has("pile", Ffp2, 25)], [Uses("01", Ffp2, 5)]);
        var r = ScenarioEngine.Run(input);
        Assert.Equal([0L, 20], r.Lines[0].Days.Select(d => d.Met)); // day 0: lead time 1
        Assert.Equal(new OrdinaryLine("01", Ffp2, 10, 0, 10, 150), Assert.Single(r.Ordinary));
    }

    [Fact]
    public void Halland_counts_as_the_same_healthcare_region_by_municipality()
    {
        // Skåne (Södra) on day 1: Halmstad (Södra) is the same healthcare region; Kungsbacka (Västra) is another region (2 days).
        var locations = new[] { Loc("halmstad", "13", municipality: "1380"), Loc("kungsbacka", "13", municipality: "1384"), Loc("gbg", "14") };
        var stock = new[] { Has("halmstad", Ffp2, 10), Has("kungsbacka", Ffp2, 10), Has("gbg", Ffp2, 10) };
        var skane = ScenarioEngine.Run(Input(Scenario(2, 0, Profile(Use(Ffp2, 1)), Hit("12", 15, arrivalDay: 1)), locations, stock));
        Assert.Equal("d1/0 halmstad->12 ppe:ffp2 10 SameHealthcareRegion", Plan(skane));
        Assert.Equal(5, skane.Totals.Shortfall);

        // Halland itself belongs to both: Gothenburg (Västra) is the same healthcare region for it.
        var halland = ScenarioEngine.Run(Input(Scenario(2, 0, Profile(Use(Ffp2, 1)), Hit("13", 25)), locations, stock));
        Assert.Equal("d0/0 halmstad->13 ppe:ffp2 10 OwnRegion; d0/0 kungsbacka->13 ppe:ffp2 10 OwnRegion; d1/0 gbg->13 ppe:ffp2 10 SameHealthcareRegion",
            Plan(halland));
    }

    [Fact]
    public void Fractional_demand_is_rounded_up_on_the_running_total_within_the_days_of_use()
    {
        // 3 casualties × 0.5 = 1.5 a day, from arrival (day 1) for 3 days: running totals 1.5, 3, 4.5 -> 2, 3, 5 -> 2, 1, 2.
        var r = ScenarioEngine.Run(Input(Scenario(5, 0, Profile(Use(Ffp2, 0.5, days: 3)), Hit("01", 3, arrivalDay: 1)), [], []));
        Assert.Equal([0L, 2, 1, 2, 0], r.Lines[0].Days.Select(d => d.Demand));
        Assert.Equal(1, r.Lines[0].FirstDayShort);
        // 0.5 + 0.2 + 0.3 is 0.99999999999999989 in floating point: still 1 unit, not 2.
        Assert.Equal([0L, 1, 0, 0, 1], ScenarioEngine.WholeUnits([0, 0.5, 0.2, 0.3, 1]));
    }

    [Fact]
    public void Lines_are_per_region_and_supply_and_casualties_of_the_same_region_add_up()
    {
        var r = ScenarioEngine.Run(Input(Scenario(1, 0, Profile(Use(Ffp2, 1), Use("G", 2)), Hit("12", 1), Hit("01", 2), Hit("12", 3)), [], []));
        Assert.Equal(["01 item ppe:ffp2 2", "01 group G 4", "12 item ppe:ffp2 4", "12 group G 8"],
            r.Lines.Select(l => $"{l.RegionCode} {l.Supply} {l.Demand}"));
        Assert.Equal(new ScenarioTotals(18, TierQuantities.Zero, 18), r.Totals);
    }

    [Fact]
    public void Bad_input_is_refused_naming_every_field()
    {
        var scenario = Scenario(0, -1, Profile(Use(Ffp2, -1)), new AffectedRegion("02", [new CasualtyGroup("T9", -1)]));
        var input = Input(scenario, [Loc("h", "01"), Loc("h", "01")],
            [Has("nowhere", Ffp2, 1), Has("h", "bad", -1), Has("h", Ffp2, 1), Has("h", Ffp2, 2)],
            [Uses("01", Ffp2, double.NaN)],
            [new ScenarioItem("x", "has space")],
            [new DeliveryReduction(Ffp2, Start.AddDays(1), Start, 0.5, 3, "h")]);
        var ex = Assert.Throws<DomainValidationException>(() => ScenarioEngine.Run(input));
        Assert.Equal([
            "horizon_days", "reserve_days", "regions[0].region", "regions[0].casualties.T9", "regions[0].casualties.T9",
            "profiles[0].categories.T1[0].per_casualty_per_day",
            "locations[1].id", "stock[0].location", "stock[1].item", "stock[1].quantity", "stock[3]",
            "ordinary_consumption[0].per_day", "items[0].id", "items[0].group",
            "delivery_reductions[0].to", "delivery_reductions[0]", "delivery_reductions[0].supplier",
        ], ex.Violations.Select(v => v.Field));
    }
}
