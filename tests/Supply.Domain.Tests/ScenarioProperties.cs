using CsCheck;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;
using static Supply.Domain.Tests.PropertyRunner;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Domain.Tests;

/// <summary>
/// Properties of the scenario engine over generated inputs (regions across healthcare regions, Halland's
/// split, stockpiles, suppliers with their own lead times and delivery reductions, groups). The checks
/// replay the engine's recorded stock draws from the input stock and compare with the rules as stated.
/// </summary>
public class ScenarioProperties
{
    private static readonly string[] RegionPool = ["01", "09", "03", "13", "12", "14"];
    private static readonly ScenarioItem[] Items =
        [new("vnr:100001", "G"), new("vnr:100002", "G"), new("vnr:100003", "H"), new("ppe:ffp2", "")];
    private static readonly SupplyRef[] SupplyPool =
        [SupplyRef.Item("vnr:100001"), SupplyRef.Group("G"), SupplyRef.Group("H"), SupplyRef.Item("ppe:ffp2"), SupplyRef.Group("EMPTY")];
    private static readonly LocationKind[] RegionalKinds =
        [LocationKind.Hospital, LocationKind.RegionalWarehouse, LocationKind.MunicipalCare, LocationKind.Pharmacy];
    private static readonly string[] HallandMunicipalities = ["1380", "1384", ""];

    // ---- generators ---------------------------------------------------------------------------

    private static SourceLocation[] MakeLocations(int[] perRegion, int[] kinds, int[] municipalities, int piles, int suppliers, int[] leads)
    {
        int? Lead(int x) => x < 0 ? null : x;
        var list = new List<SourceLocation>();
        for (var r = 0; r < RegionPool.Length; r++)
        for (var k = 0; k < perRegion[r]; k++)
            list.Add(Loc($"r{RegionPool[r]}-{k}", RegionPool[r], RegionalKinds[kinds[2 * r + k]],
                municipality: RegionPool[r] == "13" ? HallandMunicipalities[municipalities[2 * r + k]] : "", lead: k == 1 ? Lead(leads[0]) : null));
        if (piles > 0) list.Add(Loc("pile", "03", LocationKind.NationalStockpile, Lead(leads[1])));
        for (var s = 0; s < suppliers; s++) list.Add(Loc($"sup-{s}", s == 0 ? "01" : "14", LocationKind.Supplier, Lead(leads[2 + s])));
        return list.ToArray();
    }

    private static readonly Gen<SourceLocation[]> GenLocations =
        from perRegion in Gen.Int[0, 2].Array[RegionPool.Length]
        from kinds in Gen.Int[0, RegionalKinds.Length - 1].Array[RegionPool.Length * 2]
        from municipalities in Gen.Int[0, 2].Array[RegionPool.Length * 2]
        from piles in Gen.Int[0, 1]
        from suppliers in Gen.Int[0, 2]
        from leads in Gen.Int[-1, 4].Array[4]
        select MakeLocations(perRegion, kinds, municipalities, piles, suppliers, leads);

    private static Gen<StockAvailable[]> GenStock(SourceLocation[] locations) =>
        from quantities in Gen.Long[0, 40].Array[locations.Length * Items.Length]
        from present in Gen.Int[0, 2].Array[locations.Length * Items.Length]
        select quantities.Select((q, i) => present[i] > 0 ? Has(locations[i / Items.Length].LocationId, Items[i % Items.Length].ItemId, q) : (StockAvailable?)null)
            .OfType<StockAvailable>().ToArray();

    private static readonly Gen<OrdinaryConsumption[]> GenOrdinary =
        from rates in Gen.OneOf(0.0, 0.0, 0.5, 1.0, 2.0, 4.0).Array[RegionPool.Length * Items.Length]
        select rates.Select((rate, i) => rate > 0 ? Uses(RegionPool[i / Items.Length], Items[i % Items.Length].ItemId, rate) : null)
            .OfType<OrdinaryConsumption>().ToArray();

    private static Scenario MakeScenario(int horizon, double reserve, int[] lt, int[] affected, int[] counts, int[] arrivals,
        bool[] useOn, double[] perDay, int[] days)
    {
        var uses = SupplyPool.Select((s, i) => useOn[i] || i == 0 ? new ProfileUse(s, perDay[i], days[i] == 0 ? null : days[i]) : null)
            .OfType<ProfileUse>().ToList();
        var profile = new CasualtyProfile("p", "P", "", "", [new CasualtyCategory("T1", uses)]);
        var regions = affected.Select((r, i) => new AffectedRegion(RegionPool[r], [new CasualtyGroup("T1", counts[i])], arrivals[i] % horizon)).ToList();
        return new Scenario("prop", "Property", "", Start, horizon, reserve, new LeadTimes(lt[0], lt[1], lt[2], lt[3], lt[4]), [profile], regions);
    }

    private static readonly Gen<Scenario> GenScenario =
        from horizon in Gen.Int[1, 5]
        from reserve in Gen.OneOf(0.0, 1.0, 2.5)
        from lt in Gen.Int[0, 3].Array[5]
        from affected in Gen.Int[0, RegionPool.Length - 1].Array[1, 2]
        from counts in Gen.Int[0, 10].Array[2]
        from arrivals in Gen.Int[0, 4].Array[2]
        from useOn in Gen.Bool.Array[SupplyPool.Length]
        from perDay in Gen.OneOf(0.5, 1.0, 2.0, 3.0).Array[SupplyPool.Length]
        from days in Gen.Int[0, 3].Array[SupplyPool.Length]
        select MakeScenario(horizon, reserve, lt, affected, counts, arrivals, useOn, perDay, days);

    private static Gen<DeliveryReduction[]> GenReductions(SourceLocation[] locations)
    {
        var suppliers = locations.Where(l => l.Kind == LocationKind.Supplier).Select(l => l.LocationId).ToArray();
        return
            from n in Gen.Int[0, 2]
            from offsets in Gen.Int[0, 4].Array[2]
            from lengths in Gen.Int[0, 3].Array[2]
            from isFactor in Gen.Bool.Array[2]
            from factors in Gen.OneOf(0.0, 0.5, 0.8).Array[2]
            from quantities in Gen.Long[0, 20].Array[2]
            from items in Gen.Int[0, Items.Length - 1].Array[2]
            from specific in Gen.Int[-1, 1].Array[2]
            select Enumerable.Range(0, n).Select(i => new DeliveryReduction(Items[items[i]].ItemId, Start.AddDays(offsets[i]),
                Start.AddDays(offsets[i] + lengths[i]), isFactor[i] ? factors[i] : null, isFactor[i] ? null : quantities[i],
                specific[i] >= 0 && specific[i] < suppliers.Length ? suppliers[specific[i]] : "")).ToArray();
    }

    private static readonly Gen<ScenarioInput> GenInput =
        from locations in GenLocations
        from stock in GenStock(locations)
        from ordinary in GenOrdinary
        from scenario in GenScenario
        from reductions in GenReductions(locations)
        select new ScenarioInput(scenario, locations, stock, ordinary, Items, reductions);

    private static string Describe(ScenarioInput i) =>
        $"\n  horizon {i.Scenario.HorizonDays}, reserve {i.Scenario.ReserveDays} d, lead times {i.Scenario.LeadTimes}" +
        $"\n  regions: {string.Join(", ", i.Scenario.Regions.Select(r => $"{r.RegionCode} ×{r.Casualties[0].Count} from day {r.ArrivalDay}"))}" +
        $"\n  uses: {string.Join(", ", i.Scenario.Profiles[0].Categories[0].Uses.Select(u => $"{u.Supply} {u.PerCasualtyPerDay}/d for {u.Days?.ToString() ?? "all"} d"))}" +
        $"\n  locations: {string.Join(", ", i.Locations.Select(l => $"{l.LocationId} ({l.Kind}, {l.HealthcareRegion}, lead {l.LeadTimeDays?.ToString() ?? "-"})"))}" +
        $"\n  stock: {string.Join(", ", i.Stock.Select(s => $"{s.LocationId} {s.ItemId} {s.Quantity}"))}" +
        $"\n  ordinary: {string.Join(", ", i.Ordinary.Select(o => $"{o.RegionCode} {o.ItemId} {o.PerDay}"))}" +
        $"\n  reductions: {string.Join(", ", i.Reductions.Select(r => $"{r.ItemId} {r.From}..{r.To} {r.Factor?.ToString() ?? r.Quantity + " units"} {r.SupplierLocationId}"))}";

    // ---- the rules, as the checks state them ----------------------------------------------------

    /// <summary>Replays draws and answers, at any point, what a source could still give.</summary>
    private sealed class Replay(ScenarioInput input)
    {
        private readonly Dictionary<string, SourceLocation> _locations = input.Locations.ToDictionary(l => l.LocationId, StringComparer.Ordinal);
        public Dictionary<(string Location, string Item), long> Stock { get; } = input.Stock.ToDictionary(s => (s.LocationId, s.ItemId), s => s.Quantity);
        /// <summary>Stock when the current day started, and what left each source since: a reduction caps a day's releases.</summary>
        private Dictionary<(string Location, string Item), long> _dayStart = [];
        private readonly Dictionary<(string Location, string Item), long> _releasedToday = [];

        public void StartDay()
        {
            _dayStart = new Dictionary<(string, string), long>(Stock);
            _releasedToday.Clear();
        }

        public void Release(string location, string item, long quantity) =>
            _releasedToday[(location, item)] = _releasedToday.GetValueOrDefault((location, item)) + quantity;

        public SourceLocation Location(string id) => _locations[id];

        public long Reserve(string region, string item) =>
            input.Ordinary.Where(o => o.RegionCode == region && o.ItemId == item)
                .Select(o => (long)Math.Ceiling(input.Scenario.ReserveDays * o.PerDay - 1e-9)).SingleOrDefault();

        public long RegionTotal(string region, string item) =>
            input.Locations.Where(l => l.IsRegional && l.RegionCode == region).Sum(l => Stock.GetValueOrDefault((l.LocationId, item)));

        public SourceTier Tier(SourceLocation l, string toRegion) =>
            l.Kind == LocationKind.Supplier ? SourceTier.Suppliers
            : l.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
            : l.RegionCode == toRegion ? SourceTier.OwnRegion
            : HealthcareRegions.OfRegion(toRegion).Contains(l.HealthcareRegion) ? SourceTier.SameHealthcareRegion
            : SourceTier.OtherRegions;

        public int LeadTime(SourceLocation l, string toRegion) => l.LeadTimeDays ?? input.Scenario.LeadTimes.For(Tier(l, toRegion));

        public long Giveable(SourceLocation l, string item, int day)
        {
            var stock = Stock.GetValueOrDefault((l.LocationId, item));
            if (stock <= 0) return 0;
            if (l.Kind == LocationKind.NationalStockpile) return stock;
            if (l.Kind == LocationKind.Supplier)
            {
                var date = input.Scenario.Start.AddDays(day);
                var active = input.Reductions.Where(r => r.ItemId == item && r.From <= date && date <= r.To
                    && (r.SupplierLocationId.Length == 0 || r.SupplierLocationId == l.LocationId)).ToList();
                if (active.Count == 0) return stock;
                var start = _dayStart.GetValueOrDefault((l.LocationId, item));
                var factor = active.Aggregate(1.0, (f, r) => f * (r.Factor ?? 1));
                var scaled = factor >= 1 ? start : (long)Math.Floor(start * factor + 1e-9);
                var cap = scaled - active.Sum(r => r.Quantity ?? 0) - _releasedToday.GetValueOrDefault((l.LocationId, item));
                return Math.Max(0, Math.Min(stock, cap));
            }
            return Math.Max(0, Math.Min(stock, RegionTotal(l.RegionCode, item) - Reserve(l.RegionCode, item)));
        }

        public IEnumerable<string> ItemsOf(SupplyRef supply) => supply.Kind == SupplyKind.Item
            ? [supply.Id]
            : input.Items.Where(i => i.SubstitutionGroup == supply.Id).Select(i => i.ItemId);
    }

    private static ScenarioResult RunRecorded(ScenarioInput input) => ScenarioEngine.Run(input, new ScenarioOptions(RecordDraws: true));

    [Fact]
    public void The_indexed_engine_gives_exactly_what_the_straightforward_original_gives() =>
        ForAll(GenInput, input =>
        {
            var options = new ScenarioOptions(RecordDraws: true);
            Assert.Equal(Json(ReferenceScenarioEngine.Run(input, options)), Json(ScenarioEngine.Run(input, options)));
        }, salt: 8128, cases: 500, print: Describe);

    [Fact]
    public void Independent_parts_run_on_several_threads_give_exactly_what_one_run_gives() =>
        ForAll(GenInput, input =>
        {
            // Items joined by a group are one part; the others (and a used group without items) are parts of their own.
            Assert.InRange(ScenarioParts.Split(input, 8).Count, 3, 4);
            var one = Json(ScenarioEngine.Run(input, new ScenarioOptions(MaxParallelism: 1)));
            Assert.Equal(one, Json(ScenarioEngine.Run(input, new ScenarioOptions(MaxParallelism: 2))));
            Assert.Equal(one, Json(ScenarioEngine.Run(input, new ScenarioOptions(MaxParallelism: 8))));
        }, salt: 1729, cases: 300, print: Describe);

    [Fact]
    public void A_plan_never_moves_more_than_a_source_holds_nor_dips_below_a_reserve_nor_delivers_before_the_lead_time() =>
        ForAll(GenInput, input =>
        {
            var result = RunRecorded(input);
            var replay = new Replay(input);
            Assert.Equal(
                result.Transfers.Select(t => (t.Day, t.FromLocationId, t.ItemId, t.Quantity)),
                result.Draws.Where(d => d.Kind == DrawKind.Transfer).Select(d => (d.Day, d.LocationId, d.ItemId, d.Quantity)));
            var transfers = result.Transfers.GetEnumerator();
            var lastDay = -1;
            foreach (var draw in result.Draws)
            {
                Assert.True(draw.Day >= lastDay, "draws are in day order");
                for (; lastDay < draw.Day; lastDay++) replay.StartDay();
                var key = (draw.LocationId, draw.ItemId);
                if (draw.Kind == DrawKind.Transfer)
                    Assert.True(draw.Quantity <= replay.Giveable(replay.Location(draw.LocationId), draw.ItemId, draw.Day),
                        $"day {draw.Day}: {draw.LocationId} gives {draw.Quantity} of {draw.ItemId}, more than it may");
                replay.Release(draw.LocationId, draw.ItemId, draw.Quantity);
                Assert.InRange(draw.Quantity, 1, replay.Stock.GetValueOrDefault(key));
                replay.Stock[key] -= draw.Quantity;
                if (draw.Kind != DrawKind.Transfer) continue;

                transfers.MoveNext();
                var t = transfers.Current;
                var from = replay.Location(t.FromLocationId);
                if (from.IsRegional)
                    Assert.True(replay.RegionTotal(from.RegionCode, t.ItemId) >= replay.Reserve(from.RegionCode, t.ItemId),
                        $"region {from.RegionCode} below its reserve of {t.ItemId} after {t}");
                var lead = replay.LeadTime(from, t.ToRegion);
                Assert.True(t.Day >= lead, $"delivered before the lead time {lead}: {t}");
                Assert.Equal(t.Day - lead, t.DispatchDay);
                Assert.Equal(replay.Tier(from, t.ToRegion), t.Tier);
                Assert.Equal(from.RegionCode, t.FromRegion);
                Assert.Contains(t.ItemId, replay.ItemsOf(t.For));
            }
        }, salt: 201, print: Describe);

    [Fact]
    public void Met_plus_shortfall_is_demand_and_the_plan_accounts_for_every_unit_met() =>
        ForAll(GenInput, input =>
        {
            var result = RunRecorded(input);
            var s = input.Scenario;
            foreach (var line in result.Lines)
            {
                // Demand as the scenario states it: casualties × per-casualty use × days of use, rounded up once.
                var exact = s.Regions.Where(r => r.RegionCode == line.RegionCode)
                    .SelectMany(r => s.Profiles[0].Categories[0].Uses.Where(u => u.Supply == line.Supply)
                        .Select(u => r.Casualties[0].Count * u.PerCasualtyPerDay * (Math.Min(s.HorizonDays, r.ArrivalDay + (u.Days ?? s.HorizonDays)) - r.ArrivalDay)))
                    .Sum();
                Assert.Equal((long)Math.Ceiling(exact - 1e-9), line.Demand);
                Assert.Equal(line.Demand, line.Met + line.Shortfall);
                Assert.InRange(line.Shortfall, 0, line.Demand);
                Assert.Equal(line.Demand, line.Days.Sum(d => d.Demand));
                Assert.Equal(line.Met, line.Days.Sum(d => d.Met));
                Assert.All(line.Days, d => Assert.Equal(d.Demand, d.Met + d.Shortfall));
                Assert.Equal(line.Days.FirstOrDefault(d => d.Shortfall > 0)?.Day, line.FirstDayShort);
                foreach (var tier in Enum.GetValues<SourceTier>())
                    Assert.Equal(line.MetBy[tier], result.Transfers.Where(t => t.ToRegion == line.RegionCode && t.For == line.Supply && t.Tier == tier).Sum(t => t.Quantity));
            }
            Assert.Equal(result.Lines.Sum(l => l.Demand), result.Totals.Demand);
            Assert.Equal(result.Lines.Sum(l => l.Shortfall), result.Totals.Shortfall);
            Assert.Equal(result.Totals.Demand, result.Totals.Met + result.Totals.Shortfall);
            var replay = new Replay(input);
            foreach (var o in result.Ordinary)
            {
                Assert.Equal((long)Math.Ceiling(input.Ordinary.Single(x => x.RegionCode == o.RegionCode && x.ItemId == o.ItemId).PerDay * s.HorizonDays - 1e-9), o.Consumption);
                Assert.Equal(o.Consumption, o.Met + o.Unmet);
                Assert.Equal(o.Met, result.Draws.Where(d => d.Kind == DrawKind.Ordinary && d.ItemId == o.ItemId
                    && replay.Location(d.LocationId).RegionCode == o.RegionCode).Sum(d => d.Quantity));
            }
        }, salt: 202, print: Describe);

    [Fact]
    public void No_shortfall_is_reported_while_a_reachable_source_holds_stock_above_its_reserve() =>
        ForAll(GenInput, input =>
        {
            var result = RunRecorded(input);
            var replay = new Replay(input);
            var next = 0;
            for (var day = 0; day < input.Scenario.HorizonDays; day++)
            {
                replay.StartDay();
                for (; next < result.Draws.Count && result.Draws[next].Day == day; next++)
                {
                    var d = result.Draws[next];
                    replay.Stock[(d.LocationId, d.ItemId)] -= d.Quantity;
                    replay.Release(d.LocationId, d.ItemId, d.Quantity);
                }
                // Stock only leaves during a day, so what is giveable at the end of the day was giveable when the line came short.
                foreach (var line in result.Lines.Where(l => l.Days[day].Shortfall > 0))
                foreach (var item in replay.ItemsOf(line.Supply))
                foreach (var source in input.Locations.Where(l => replay.LeadTime(l, line.RegionCode) <= day))
                    Assert.True(replay.Giveable(source, item, day) == 0,
                        $"day {day}: {line.RegionCode} {line.Supply} short by {line.Days[day].Shortfall} while {source.LocationId} could give {replay.Giveable(source, item, day)} of {item}");
            }
        }, salt: 203, print: Describe);

    [Fact]
    public void The_same_input_gives_the_same_result_whatever_the_order_of_its_lists() =>
        ForAll(GenInput, input =>
        {
            var reordered = input with
            {
                Locations = input.Locations.Reverse().ToList(),
                Stock = input.Stock.Reverse().ToList(),
                Ordinary = input.Ordinary.Reverse().ToList(),
                Items = input.Items.Reverse().ToList(),
                Reductions = input.Reductions.Reverse().ToList(),
            };
            var first = Json(RunRecorded(input));
            Assert.Equal(first, Json(RunRecorded(input)));
            Assert.Equal(first, Json(RunRecorded(reordered)));
        }, salt: 204, cases: 100, print: Describe);
}
