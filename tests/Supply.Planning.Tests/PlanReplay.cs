using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;

namespace Supply.Planning.Tests;

/// <summary>
/// Replays a plan from the input stock, day by day as the rules say (ordinary care first from the region's own stock,
/// largest holding first, then the day's transfers), and checks each rule: never more than a source holds, never below a
/// reserve, never above a supplier's cap, never before the lead time; met + shortfall = demand; the plan accounts for
/// every unit met.
/// </summary>
internal static class PlanReplay
{
    public static void Check(ScenarioInput input, ScenarioResult plan)
    {
        var s = input.Scenario;
        var locations = input.Locations.ToDictionary(l => l.LocationId, StringComparer.Ordinal);
        var stock = input.Stock.ToDictionary(x => (x.LocationId, x.ItemId), x => x.Quantity);
        long Reserve(string region, string item) => input.Ordinary.Where(o => o.RegionCode == region && o.ItemId == item)
            .Select(o => (long)Math.Ceiling(s.ReserveDays * o.PerDay - 1e-9)).SingleOrDefault();
        long RegionTotal(string region, string item) =>
            input.Locations.Where(l => l.IsRegional && l.RegionCode == region).Sum(l => stock.GetValueOrDefault((l.LocationId, item)));
        SourceTier Tier(SourceLocation l, string to) =>
            l.Kind == LocationKind.Supplier ? SourceTier.Suppliers : l.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
            : l.RegionCode == to ? SourceTier.OwnRegion : HealthcareRegions.OfRegion(to).Contains(l.HealthcareRegion) ? SourceTier.SameHealthcareRegion
            : SourceTier.OtherRegions;

        for (var day = 0; day < s.HorizonDays; day++)
        {
            var date = s.Start.AddDays(day);
            var dayStart = new Dictionary<(string, string), long>(stock);
            foreach (var o in input.Ordinary)
            {
                var left = ScenarioEngine.WholeUnits(Enumerable.Repeat(o.PerDay, s.HorizonDays).ToArray())[day];
                while (left > 0)
                {
                    var best = input.Locations.Where(l => l.IsRegional && l.RegionCode == o.RegionCode && stock.GetValueOrDefault((l.LocationId, o.ItemId)) > 0)
                        .OrderByDescending(l => stock[(l.LocationId, o.ItemId)]).ThenBy(l => l.LocationId, StringComparer.Ordinal).FirstOrDefault();
                    if (best is null) break;
                    var take = Math.Min(left, stock[(best.LocationId, o.ItemId)]);
                    stock[(best.LocationId, o.ItemId)] -= take;
                    left -= take;
                }
            }
            var released = new Dictionary<(string, string), long>();
            var givingRegions = new HashSet<(string, string)>();
            foreach (var t in plan.Transfers.Where(t => t.Day == day))
            {
                var from = locations[t.FromLocationId];
                var key = (t.FromLocationId, t.ItemId);
                Assert.InRange(t.Quantity, 1, stock.GetValueOrDefault(key));
                stock[key] -= t.Quantity;
                released[key] = released.GetValueOrDefault(key) + t.Quantity;
                var lead = from.LeadTimeDays ?? s.LeadTimes.For(Tier(from, t.ToRegion));
                Assert.True(t.Day >= lead, $"delivered before the lead time {lead}: {t}");
                Assert.Equal(t.Day - lead, t.DispatchDay);
                Assert.Equal(Tier(from, t.ToRegion), t.Tier);
                Assert.True(t.For.Kind == SupplyKind.Item ? t.ItemId == t.For.Id : input.Items.Any(i => i.ItemId == t.ItemId && i.SubstitutionGroup == t.For.Id));
                if (from.IsRegional) givingRegions.Add((from.RegionCode, t.ItemId));
                if (from.Kind != LocationKind.Supplier) continue;
                var active = input.Reductions.Where(r => r.ItemId == t.ItemId && r.From <= date && date <= r.To
                    && (r.SupplierLocationId.Length == 0 || r.SupplierLocationId == from.LocationId)).ToList();
                if (active.Count == 0) continue;
                var factor = active.Aggregate(1.0, (f, r) => f * (r.Factor ?? 1));
                var start = dayStart.GetValueOrDefault(key);
                var cap = (factor >= 1 ? start : (long)Math.Floor(start * factor + 1e-9)) - active.Sum(r => r.Quantity ?? 0);
                Assert.True(released[key] <= Math.Max(0, cap), $"day {day}: supplier {from.LocationId} releases {released[key]} of {t.ItemId}, cap {cap}");
            }
            foreach (var (region, item) in givingRegions)
                Assert.True(RegionTotal(region, item) >= Reserve(region, item), $"day {day}: region {region} below its reserve of {item}");
        }

        foreach (var line in plan.Lines)
        {
            Assert.Equal(line.Demand, line.Met + line.Shortfall);
            Assert.InRange(line.Shortfall, 0, line.Demand);
            Assert.All(line.Days, d => Assert.Equal(d.Demand, d.Met + d.Shortfall));
            Assert.Equal(line.Met, line.Days.Sum(d => d.Met));
            Assert.Equal(line.Days.FirstOrDefault(d => d.Shortfall > 0)?.Day, line.FirstDayShort);
            foreach (var tier in Enum.GetValues<SourceTier>())
                Assert.Equal(line.MetBy[tier], plan.Transfers.Where(t => t.ToRegion == line.RegionCode && t.For == line.Supply && t.Tier == tier).Sum(t => t.Quantity));
            foreach (var d in line.Days)
                Assert.Equal(d.Met, plan.Transfers.Where(t => t.ToRegion == line.RegionCode && t.For == line.Supply && t.Day == d.Day).Sum(t => t.Quantity));
        }
        Assert.Equal(plan.Totals.Demand, plan.Totals.Met + plan.Totals.Shortfall);
    }
}
