using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;

namespace Supply.Domain.Tests;

/// <summary>
/// The scenario engine as first written (string-keyed dictionaries, every holder scanned for every take): slow,
/// but simple enough to trust. The indexed engine must give exactly its results (ScenarioProperties).
/// </summary>
internal static class ReferenceScenarioEngine
{
    public static ScenarioResult Run(ScenarioInput input, ScenarioOptions? options = null)
    {
        var violations = input.Validate();
        if (violations.Count > 0) throw new DomainValidationException(violations.Take(Limits.MaxViolations).ToList());
        return new EngineRun(input, options ?? ScenarioOptions.Default).Execute();
    }

    private static long[] WholeUnits(double[] perDay) => ScenarioEngine.WholeUnits(perDay);

    private sealed class EngineRun
    {
        private readonly ScenarioInput _input;
        private readonly Scenario _scenario;
        private readonly ScenarioOptions _options;
        private readonly Dictionary<(string Location, string Item), long> _stock = [];
        private readonly Dictionary<(string Region, string Item), long> _regionStock = [];
        private readonly Dictionary<(string Region, string Item), long> _reserve = [];
        /// <summary>Locations holding an item at the start, by location id. Stock only ever leaves, so nobody joins later.</summary>
        private readonly Dictionary<string, List<SourceLocation>> _holders = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string[]> _groupItems = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<DeliveryReduction>> _reductions = new(StringComparer.Ordinal);
        /// <summary>What a supplier under a delivery reduction may still release today (set at the start of each day).</summary>
        private readonly Dictionary<(string Location, string Item), long> _releasable = [];
        private readonly List<Transfer> _transfers = [];
        private readonly List<StockDraw> _draws = [];

        public EngineRun(ScenarioInput input, ScenarioOptions options)
        {
            _input = input;
            _scenario = input.Scenario;
            _options = options;
            var locations = input.Locations.ToDictionary(l => l.LocationId, StringComparer.Ordinal);
            foreach (var s in input.Stock.Where(s => s.Quantity > 0)
                         .OrderBy(s => s.LocationId, StringComparer.Ordinal).ThenBy(s => s.ItemId, StringComparer.Ordinal))
            {
                var location = locations[s.LocationId];
                _stock[(s.LocationId, s.ItemId)] = s.Quantity;
                if (location.IsRegional) _regionStock[(location.RegionCode, s.ItemId)] = _regionStock.GetValueOrDefault((location.RegionCode, s.ItemId)) + s.Quantity;
                if (!_holders.TryGetValue(s.ItemId, out var list)) _holders[s.ItemId] = list = [];
                list.Add(location);
            }
            foreach (var o in input.Ordinary)
                _reserve[(o.RegionCode, o.ItemId)] = (long)Math.Ceiling(_scenario.ReserveDays * o.PerDay - 1e-9);
            foreach (var g in input.Items.Where(i => i.SubstitutionGroup.Length > 0).GroupBy(i => i.SubstitutionGroup, StringComparer.Ordinal))
                _groupItems[g.Key] = g.Select(i => i.ItemId).Order(StringComparer.Ordinal).ToArray();
            // Sorted, so even the floating-point product of several factors never depends on the input's order.
            foreach (var r in input.Reductions.OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.From).ThenBy(r => r.To)
                         .ThenBy(r => r.SupplierLocationId, StringComparer.Ordinal).ThenBy(r => r.Factor).ThenBy(r => r.Quantity))
            {
                if (!_reductions.TryGetValue(r.ItemId, out var list)) _reductions[r.ItemId] = list = [];
                list.Add(r);
            }
        }

        public ScenarioResult Execute()
        {
            var horizon = _scenario.HorizonDays;
            var lines = DemandLines();
            var ordinary = _input.Ordinary
                .OrderBy(o => o.RegionCode, StringComparer.Ordinal).ThenBy(o => o.ItemId, StringComparer.Ordinal)
                .Select(o => new OrdinaryState(o, WholeUnits(Enumerable.Repeat(o.PerDay, horizon).ToArray())))
                .ToList();

            for (var day = 0; day < horizon; day++)
            {
                SetSupplierCaps(day);
                foreach (var o in ordinary) o.Met += TakeOrdinary(o.Source.RegionCode, o.Source.ItemId, o.PerDay[day], day);
                foreach (var line in lines) Serve(line, day);
            }

            var resultLines = lines.Select(l => l.ToLine()).ToList();
            var totals = new ScenarioTotals(resultLines.Sum(l => l.Demand),
                resultLines.Aggregate(TierQuantities.Zero, (sum, l) => sum + l.MetBy), resultLines.Sum(l => l.Shortfall));
            var ordinaryLines = ordinary.Select(o =>
            {
                var total = o.PerDay.Sum();
                return new OrdinaryLine(o.Source.RegionCode, o.Source.ItemId, total, o.Met, total - o.Met,
                    _reserve.GetValueOrDefault((o.Source.RegionCode, o.Source.ItemId)));
            }).ToList();
            // Demand here is the original count × use (no patient flow in these inputs); the labels the engine adds since
            // priorities and patient flow (categories, priority weights, census) come from ScenarioDemand.
            var labels = ScenarioDemand.Lines(_scenario, _input.Items).ToDictionary(l => (l.RegionCode, l.Supply));
            return new ScenarioResult(_scenario.Id, _scenario.Start, horizon, totals,
                resultLines.Select(l => l with { Categories = labels[(l.RegionCode, l.Supply)].Categories, Priority = labels[(l.RegionCode, l.Supply)].Priority }).ToList(),
                _transfers.Select(t => t with { Priority = labels[(t.ToRegion, t.For)].Weight[t.Day] }).ToList(), ordinaryLines,
                _options.RecordDraws ? _draws : []) { Census = ScenarioDemand.Census(_scenario) };
        }

        /// <summary>One line per (affected region, supply), in serving order.</summary>
        private List<LineState> DemandLines()
        {
            var horizon = _scenario.HorizonDays;
            var categories = _scenario.Profiles.SelectMany(p => p.Categories).ToDictionary(c => c.Name, StringComparer.Ordinal);
            var rates = new Dictionary<(string Region, SupplyRef Supply), double[]>();
            foreach (var region in _scenario.Regions)
            foreach (var group in region.Casualties)
            foreach (var use in categories[group.Category].Uses)
            {
                var key = (region.RegionCode, use.Supply);
                if (!rates.TryGetValue(key, out var perDay)) rates[key] = perDay = new double[horizon];
                var until = use.Days is { } days ? Math.Min(horizon, region.ArrivalDay + days) : horizon;
                for (var d = region.ArrivalDay; d < until; d++) perDay[d] += group.Count * use.PerCasualtyPerDay;
            }
            return rates
                .OrderBy(kv => kv.Key.Region, StringComparer.Ordinal).ThenBy(kv => kv.Key.Supply)
                .Select(kv => new LineState(kv.Key.Region, kv.Key.Supply, WholeUnits(kv.Value)))
                .ToList();
        }

        private long TakeOrdinary(string region, string item, long wanted, int day)
        {
            var left = wanted;
            var holders = _holders.GetValueOrDefault(item) ?? [];
            while (left > 0)
            {
                SourceLocation? best = null;
                long bestStock = 0;
                foreach (var l in holders)
                {
                    if (!l.IsRegional || l.RegionCode != region) continue;
                    var s = _stock[(l.LocationId, item)];
                    if (s > bestStock) { best = l; bestStock = s; }  // holders are in id order: ties keep the first
                }
                if (best is null) break;
                var take = Math.Min(left, bestStock);
                Take(best, item, take, day, DrawKind.Ordinary);
                left -= take;
            }
            return wanted - left;
        }

        private void Serve(LineState line, int day)
        {
            var need = line.Demand[day];
            var items = line.Supply.Kind == SupplyKind.Item ? [line.Supply.Id] : _groupItems.GetValueOrDefault(line.Supply.Id) ?? [];
            foreach (var tier in Enum.GetValues<SourceTier>())
            {
                while (need > 0)
                {
                    SourceLocation? best = null;
                    string bestItem = "";
                    long bestGive = 0;
                    foreach (var item in items)
                    foreach (var l in _holders.GetValueOrDefault(item) ?? [])
                    {
                        if (TierOf(l, line.Region) != tier || LeadTime(l, tier) > day) continue;
                        var give = Giveable(l, item, day);
                        // Most to give first; ties: location id, then item id (items and holders are walked in that order).
                        if (give > bestGive || (give == bestGive && give > 0 && best is not null && IsBefore(l, item, best, bestItem)))
                        {
                            best = l; bestItem = item; bestGive = give;
                        }
                    }
                    if (best is null) break;
                    var take = Math.Min(need, bestGive);
                    Take(best, bestItem, take, day, DrawKind.Transfer);
                    _transfers.Add(new Transfer(day, _scenario.Start.AddDays(day), day - LeadTime(best, tier), best.LocationId, best.RegionCode,
                        line.Region, bestItem, take, tier, line.Supply));
                    line.MetBy[(int)tier] += take;
                    line.Met[day] += take;
                    need -= take;
                }
            }
            if (need > 0) line.FirstDayShort ??= day;
        }

        private static bool IsBefore(SourceLocation l, string item, SourceLocation best, string bestItem)
        {
            var c = string.CompareOrdinal(l.LocationId, best.LocationId);
            return c < 0 || (c == 0 && string.CompareOrdinal(item, bestItem) < 0);
        }

        private SourceTier TierOf(SourceLocation l, string region) =>
            l.Kind == LocationKind.Supplier ? SourceTier.Suppliers
            : l.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
            : l.RegionCode == region ? SourceTier.OwnRegion
            : HealthcareRegions.OfRegion(region).Contains(l.HealthcareRegion) ? SourceTier.SameHealthcareRegion
            : SourceTier.OtherRegions;

        private int LeadTime(SourceLocation l, SourceTier tier) => l.LeadTimeDays ?? _scenario.LeadTimes.For(tier);

        /// <summary>What a location can give today without breaking its region's reserve or a delivery reduction.</summary>
        private long Giveable(SourceLocation l, string item, int day)
        {
            var stock = _stock[(l.LocationId, item)];
            if (stock <= 0) return 0;
            if (l.Kind == LocationKind.Supplier) return _releasable.TryGetValue((l.LocationId, item), out var cap) ? Math.Min(stock, cap) : stock;
            if (l.Kind == LocationKind.NationalStockpile) return stock;
            var aboveReserve = _regionStock[(l.RegionCode, item)] - _reserve.GetValueOrDefault((l.RegionCode, item));
            return Math.Max(0, Math.Min(stock, aboveReserve));
        }

        /// <summary>
        /// A reduction caps what a supplier releases on a day, measured on its stock when the day starts
        /// (not re-applied after each take). Factors multiply, then quantities subtract.
        /// </summary>
        private void SetSupplierCaps(int day)
        {
            _releasable.Clear();
            var date = _scenario.Start.AddDays(day);
            foreach (var (item, reductions) in _reductions)
            foreach (var l in _holders.GetValueOrDefault(item) ?? [])
            {
                if (l.Kind != LocationKind.Supplier) continue;
                double factor = 1;
                long less = 0;
                var active = false;
                foreach (var r in reductions)
                {
                    if (date < r.From || date > r.To) continue;
                    if (r.SupplierLocationId.Length > 0 && r.SupplierLocationId != l.LocationId) continue;
                    active = true;
                    if (r.Factor is { } f) factor *= f;
                    else less += r.Quantity ?? 0;
                }
                if (!active) continue;
                var stock = _stock[(l.LocationId, item)];
                var scaled = factor >= 1 ? stock : (long)Math.Floor(stock * factor + 1e-9);
                _releasable[(l.LocationId, item)] = Math.Max(0, scaled - less);
            }
        }

        private void Take(SourceLocation l, string item, long quantity, int day, DrawKind kind)
        {
            _stock[(l.LocationId, item)] -= quantity;
            if (l.IsRegional) _regionStock[(l.RegionCode, item)] -= quantity;
            if (_releasable.ContainsKey((l.LocationId, item))) _releasable[(l.LocationId, item)] -= quantity;
            if (_options.RecordDraws) _draws.Add(new StockDraw(day, kind, l.LocationId, item, quantity));
        }
    }

    private sealed class OrdinaryState(OrdinaryConsumption source, long[] perDay)
    {
        public OrdinaryConsumption Source { get; } = source;
        public long[] PerDay { get; } = perDay;
        public long Met { get; set; }
    }

    private sealed class LineState(string region, SupplyRef supply, long[] demand)
    {
        public string Region { get; } = region;
        public SupplyRef Supply { get; } = supply;
        public long[] Demand { get; } = demand;
        public long[] Met { get; } = new long[demand.Length];
        public long[] MetBy { get; } = new long[5];
        public int? FirstDayShort { get; set; }

        public ScenarioLine ToLine()
        {
            var days = Demand.Select((d, i) => new ScenarioDay(i, d, Met[i], d - Met[i])).ToList();
            var demand = Demand.Sum();
            var metBy = TierQuantities.From(MetBy);
            return new ScenarioLine(Region, Supply, demand, metBy, demand - metBy.Total, FirstDayShort, days);
        }
    }
}
