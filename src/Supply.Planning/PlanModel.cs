using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <summary>
/// Where stock can come from, aggregated for the solver: the regional locations of one region (and healthcare region,
/// and lead-time override), the national stockpiles with the same override, or one supplier. Members are the pool's
/// holders of one item, in location id order: the plan takes from them in that order.
/// </summary>
internal sealed class Pool
{
    public required int Item { get; init; }
    public required LocationKind Kind { get; init; } // Hospital stands for every regional kind
    public required int Region { get; init; }        // regional pools: the region's number; else -1
    public required SourceLocation First { get; init; }
    public required int Index { get; init; }
    public List<int> Members { get; } = [];          // positions in the item's holder list
    public bool IsRegional => Kind != LocationKind.NationalStockpile && Kind != LocationKind.Supplier;
}

/// <summary>A demand line of a part: what it needs each day, its weight, and the items that may meet it.</summary>
internal sealed class PlanLine(DemandLine source, int region, int[] items)
{
    public DemandLine Source { get; } = source;
    public int Region { get; } = region;
    public int[] Items { get; } = items;
}

/// <summary>
/// One part of a scenario (items joined by substitution groups) in numbers: locations and items in ordinal id order,
/// each item's holders and their stock, pools, lines, ordinary use and reserves. Read-only once built.
/// </summary>
internal sealed class PlanModel
{
    public required ScenarioInput Input { get; init; }
    public required SourceLocation[] Locations { get; init; }
    public required string[] Regions { get; init; }
    public required int[] LocationRegion { get; init; }
    public required string[] Items { get; init; }
    public required int[][] Holders { get; init; }        // per item: location numbers, in order
    public required long[][] Stock { get; init; }         // per item: what each holder has at the start
    public required List<Pool> Pools { get; init; }
    public required int[][] PoolOfHolder { get; init; }   // per item: the pool of each holder
    public required List<PlanLine> Lines { get; init; }
    public required long[][] Ordinary { get; init; }      // [region * items + item]: whole units per day (null: none)
    public required long[] Reserve { get; init; }         // [region * items + item]
    public required Dictionary<int, List<DeliveryReduction>> Reductions { get; init; }
    public int Horizon => Input.Scenario.HorizonDays;

    /// <summary>Per pool and line region: tier, lead time and cost, worked out once (hot in the solver's arcs and the executor).</summary>
    private (SourceTier Tier, int Lead, int Cost)[][]? _reach;

    private (SourceTier Tier, int Lead, int Cost) Reach(Pool pool, int lineRegion)
    {
        _reach ??= Pools.Select(p => Enumerable.Range(0, Regions.Length).Select(r =>
        {
            var tier = Tier(p, r);
            var lead = p.First.LeadTimeDays ?? Input.Scenario.LeadTimes.For(tier);
            return (tier, lead, 10 * (int)tier + lead);
        }).ToArray()).ToArray();
        return _reach[pool.Index][lineRegion];
    }

    public SourceTier TierOf(Pool pool, int lineRegion) => Reach(pool, lineRegion).Tier;

    public int LeadTime(Pool pool, int lineRegion) => Reach(pool, lineRegion).Lead;

    /// <summary>Transport cost of a unit (objective c): nearer tiers and shorter lead times first.</summary>
    public int Cost(Pool pool, int lineRegion) => Reach(pool, lineRegion).Cost;

    private SourceTier Tier(Pool pool, int lineRegion) =>
        pool.Kind == LocationKind.Supplier ? SourceTier.Suppliers
        : pool.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
        : pool.Region == lineRegion ? SourceTier.OwnRegion
        : HealthcareRegions.OfRegion(Regions[lineRegion]).Contains(pool.First.HealthcareRegion) ? SourceTier.SameHealthcareRegion
        : SourceTier.OtherRegions;

    /// <summary>Builds the part holding <paramref name="items"/> and serving <paramref name="lines"/> (all of them: null).</summary>
    public static PlanModel Build(ScenarioInput input, StockIndex stock, IReadOnlySet<string>? items, IReadOnlyList<DemandLine> lines)
    {
        var scenario = input.Scenario;
        bool In(string item) => items is null || items.Contains(item);
        var itemIds = stock.ItemIds.Where(In).Concat(input.Ordinary.Select(o => o.ItemId).Where(In)).Concat(input.Items.Select(i => i.ItemId).Where(In))
            .Concat(lines.Where(l => l.Supply.Kind == SupplyKind.Item).Select(l => l.Supply.Id).Where(In))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var itemIndex = itemIds.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k, StringComparer.Ordinal);
        var regions = stock.Locations.Select(l => l.RegionCode).Concat(input.Ordinary.Select(o => o.RegionCode)).Concat(scenario.Regions.Select(r => r.RegionCode))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var regionIndex = regions.Select((code, r) => (code, r)).ToDictionary(x => x.code, x => x.r, StringComparer.Ordinal);
        var locationRegion = stock.Locations.Select(l => regionIndex[l.RegionCode]).ToArray();

        var holders = new int[itemIds.Length][];
        var quantities = new long[itemIds.Length][];
        for (var k = 0; k < itemIds.Length; k++)
            (holders[k], quantities[k]) = stock.Of(itemIds[k]);

        // Pools: regional by (region, healthcare region, lead override); stockpiles by override; each supplier alone.
        var pools = new List<Pool>();
        var poolOf = new int[itemIds.Length][];
        for (var k = 0; k < itemIds.Length; k++)
        {
            poolOf[k] = new int[holders[k].Length];
            var byKey = new Dictionary<(LocationKind, int, string, int?, string), int>();
            for (var h = 0; h < holders[k].Length; h++)
            {
                var l = stock.Locations[holders[k][h]];
                var kind = l.IsRegional ? LocationKind.Hospital : l.Kind;
                var key = (kind, l.IsRegional ? locationRegion[holders[k][h]] : -1, l.IsRegional ? l.HealthcareRegion : "", l.LeadTimeDays,
                    l.Kind == LocationKind.Supplier ? l.LocationId : "");
                if (!byKey.TryGetValue(key, out var p))
                {
                    byKey[key] = p = pools.Count;
                    pools.Add(new Pool { Item = k, Kind = kind, Region = key.Item2, First = l, Index = p });
                }
                pools[p].Members.Add(h);
                poolOf[k][h] = p;
            }
        }

        var groupItems = input.Items.Where(i => i.SubstitutionGroup.Length > 0 && itemIndex.ContainsKey(i.ItemId))
            .GroupBy(i => i.SubstitutionGroup, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(i => itemIndex[i.ItemId]).Order().ToArray(), StringComparer.Ordinal);
        var planLines = lines.Select(l => new PlanLine(l, regionIndex[l.RegionCode], l.Supply.Kind == SupplyKind.Item
            ? (itemIndex.TryGetValue(l.Supply.Id, out var k) ? [k] : [])
            : groupItems.GetValueOrDefault(l.Supply.Id) ?? [])).ToList();

        var ordinary = new long[regions.Length * itemIds.Length][];
        var reserve = new long[regions.Length * itemIds.Length];
        foreach (var o in input.Ordinary.Where(o => In(o.ItemId)))
        {
            var at = regionIndex[o.RegionCode] * itemIds.Length + itemIndex[o.ItemId];
            ordinary[at] = ScenarioEngine.WholeUnits(Enumerable.Repeat(o.PerDay, scenario.HorizonDays).ToArray());
            reserve[at] = (long)Math.Ceiling(scenario.ReserveDays * o.PerDay - 1e-9);
        }
        var reductions = new Dictionary<int, List<DeliveryReduction>>();
        // Sorted, so the product of several factors never depends on the input's order (as in the greedy engine).
        foreach (var r in input.Reductions.Where(r => In(r.ItemId)).OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.From).ThenBy(r => r.To)
                     .ThenBy(r => r.SupplierLocationId, StringComparer.Ordinal).ThenBy(r => r.Factor).ThenBy(r => r.Quantity))
        {
            var k = itemIndex[r.ItemId];
            if (!reductions.TryGetValue(k, out var list)) reductions[k] = list = [];
            list.Add(r);
        }
        return new PlanModel
        {
            Input = input, Locations = stock.Locations, Regions = regions, LocationRegion = locationRegion, Items = itemIds, Holders = holders,
            Stock = quantities, Pools = pools, PoolOfHolder = poolOf, Lines = planLines, Ordinary = ordinary, Reserve = reserve, Reductions = reductions,
        };
    }
}
