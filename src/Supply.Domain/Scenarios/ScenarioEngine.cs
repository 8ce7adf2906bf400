using System.Buffers;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;

namespace Supply.Domain.Scenarios;

/// <summary>
/// Runs a mass-casualty scenario day by day over its horizon. Each day:
/// <list type="number">
/// <item>every region's ordinary consumption is taken from its own regional stock (largest holding first),
/// reserve included: the reserve exists for exactly that. What its own stock cannot meet is reported, not sourced.</item>
/// <item>casualty demand, line by line (region code, then items before groups, then id), is met from sources in order of
/// reach: own region, same healthcare region, other regions, national stockpile, suppliers. A source is usable
/// on day d only if its lead time L ≤ d. Regional sources never give below their region's reserve
/// (reserve days × the region's ordinary daily consumption of the item); suppliers give at most what the
/// delivery reductions of that day leave of their stock at the start of the day. Within a tier the (location, item) with the most stock to give goes
/// first (ties: location id, item id), so a group's demand falls on the item with the most stock.</item>
/// </list>
/// Fractional demand (1.27 respirators per patient-day) is rounded up on the running total, so no demand is
/// lost and the days add up to the horizon's total. Every order is fixed: the same input gives the same result.
/// </summary>
public static class ScenarioEngine
{
    /// <exception cref="DomainValidationException">the input breaks a rule; nothing is run.</exception>
    public static ScenarioResult Run(ScenarioInput input, ScenarioOptions? options = null)
    {
        var violations = input.Validate();
        if (violations.Count > 0) throw new DomainValidationException(violations.Take(Limits.MaxViolations).ToList());
        options ??= ScenarioOptions.Default;
        var threads = options.RecordDraws ? 1 : options.MaxParallelism > 0 ? options.MaxParallelism : Environment.ProcessorCount;
        var parts = threads > 1 ? ScenarioParts.Split(input, threads) : [];
        if (parts.Count < 2) return new EngineRun(input, options, part: null).Execute();
        // Independent parts on their own threads (a nation: hundreds of items, each its own part), then merged into the
        // order one run would have produced.
        var results = new ScenarioResult[parts.Count];
        try
        {
            Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
                i => results[i] = new EngineRun(input, options, parts[i]).Execute());
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return ScenarioParts.Merge(input.Scenario, results);
    }

    /// <summary>Totals of a result's lines (one run, or merged parts).</summary>
    internal static ScenarioTotals TotalsOf(IReadOnlyList<ScenarioLine> lines) =>
        new(lines.Sum(l => l.Demand), lines.Aggregate(TierQuantities.Zero, (sum, l) => sum + l.MetBy), lines.Sum(l => l.Shortfall));

    /// <summary>Spreads a per-day rate into whole units per day: day d gets ceil(total to d) − ceil(total to d−1).</summary>
    internal static long[] WholeUnits(double[] perDay)
    {
        var result = new long[perDay.Length];
        double total = 0;
        long before = 0;
        for (var d = 0; d < perDay.Length; d++)
        {
            total += perDay[d];
            var upTo = Math.Max(before, (long)Math.Ceiling(total - 1e-9));
            result[d] = upTo - before;
            before = upTo;
        }
        return result;
    }

    /// <remarks>
    /// Indexed for scale (a nation: thousands of locations × hundreds of items × weeks): locations and items are
    /// numbered in ordinal id order, so comparing numbers is comparing ids and every tie-break stays the same; each
    /// item's holders (in location order) carry their stock in arrays; each region's own holders of an item sit under a
    /// max tree, and an item's stockpiles and suppliers are listed once, instead of being looked for among all holders
    /// on every take. The rules are those above, unchanged (a test runs the straightforward original beside it).
    /// </remarks>
    private sealed class EngineRun
    {
        private readonly ScenarioInput _input;
        private readonly Scenario _scenario;
        private readonly ScenarioOptions _options;
        private readonly ScenarioParts.Part? _part;                    // null: every item
        private readonly SourceLocation[] _locations;                 // ordinal id order
        private readonly string[] _items;                             // ordinal id order
        private readonly Dictionary<string, int> _itemIndex = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _regionIndex = new(StringComparer.Ordinal);
        private readonly int[] _locationRegion;                        // region number of each location
        /// <summary>Per item: the locations holding it at the start, in location order, and what each holds now. Stock only leaves, so nobody joins later.</summary>
        private readonly int[][] _holders;
        private readonly long[][] _stock;
        private readonly long[] _regionStock;                          // [region * items + item]: regional holders only
        private readonly long[] _reserve;                              // [region * items + item]
        private readonly Dictionary<string, int[]> _groupItems = new(StringComparer.Ordinal);
        private readonly Dictionary<int, List<DeliveryReduction>> _reductions = [];
        /// <summary>Per item under a delivery reduction: what each supplier holder may still release today, and whether a cap applies today.</summary>
        private readonly Dictionary<int, (long[] Releasable, bool[] Capped)> _caps = [];
        /// <summary>Positions in <see cref="_holders"/>: [item * 2] national stockpiles, [item * 2 + 1] suppliers; built when first needed.</summary>
        private readonly int[]?[] _nationalHolders;
        private readonly SourceTier[]?[] _tierOf;                      // per line region: the tier of every location
        /// <summary>Per [item * regions + region]: the region's own holders of the item; built for all regions of an item at once.</summary>
        private readonly OwnHolders?[] _own;
        private readonly sbyte[] _regionTier;                          // [region * regions + line region]: a tier, Mixed or Unknown
        private const sbyte Unknown = -2, Mixed = -1;
        private readonly int _regionCount;
        private readonly Slab<long> _longs = new(1 << 18);            // max trees (a nation: ~20 MB a run, in 2 MB chunks)
        private readonly Slab<int> _ints = new(1 << 18);              // own-region positions
        private readonly int[]?[] _ownSlot;                            // per item: each regional holder's place in its own region's list
        private readonly List<Transfer> _transfers = [];
        private readonly List<StockDraw> _draws = [];

        public EngineRun(ScenarioInput input, ScenarioOptions options, ScenarioParts.Part? part)
        {
            _part = part;
            _input = input;
            _scenario = input.Scenario;
            _options = options;
            _locations = input.Locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).ToArray();
            var locationIndex = new Dictionary<string, int>(_locations.Length, StringComparer.Ordinal);
            for (var i = 0; i < _locations.Length; i++) locationIndex[_locations[i].LocationId] = i;

            var columns = input.Stock as StockColumns; // built from the region aggregates' tables: already one column per item
            _items = (columns?.ItemIds ?? input.Stock.Select(s => s.ItemId)).Concat(input.Ordinary.Select(o => o.ItemId)).Concat(input.Items.Select(i => i.ItemId))
                .Concat(input.Reductions.Select(r => r.ItemId))
                .Concat(_scenario.Profiles.SelectMany(p => p.Categories).SelectMany(c => c.Uses).Where(u => u.Supply.Kind == SupplyKind.Item).Select(u => u.Supply.Id))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            for (var k = 0; k < _items.Length; k++) _itemIndex[_items[k]] = k;
            foreach (var code in _locations.Select(l => l.RegionCode).Concat(input.Ordinary.Select(o => o.RegionCode))
                         .Concat(_scenario.Regions.Select(r => r.RegionCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                _regionIndex[code] = _regionIndex.Count;
            _locationRegion = _locations.Select(l => _regionIndex[l.RegionCode]).ToArray();
            _regionCount = _regionIndex.Count;
            _nationalHolders = new int[]?[_items.Length * 2];
            _tierOf = new SourceTier[]?[_regionCount];
            _own = new OwnHolders?[_items.Length * _regionCount];
            _regionTier = new sbyte[_regionCount * _regionCount];
            Array.Fill(_regionTier, Unknown);

            _holders = new int[_items.Length][];
            _ownSlot = new int[_items.Length][];
            _stock = new long[_items.Length][];
            _regionStock = new long[_regionCount * _items.Length];
            _reserve = new long[_regionCount * _items.Length];
            if (columns is not null) HoldersFromColumns(columns, locationIndex);
            else HoldersFromList(input.Stock, locationIndex);
            for (var k = 0; k < _items.Length; k++)
            {
                _holders[k] ??= [];
                _stock[k] ??= [];
                for (var h = 0; h < _holders[k].Length; h++)
                    if (_locations[_holders[k][h]].IsRegional) _regionStock[_locationRegion[_holders[k][h]] * _items.Length + k] += _stock[k][h];
            }
            foreach (var o in input.Ordinary)
                if (InPart(o.ItemId)) _reserve[_regionIndex[o.RegionCode] * _items.Length + _itemIndex[o.ItemId]] = (long)Math.Ceiling(_scenario.ReserveDays * o.PerDay - 1e-9);
            foreach (var g in input.Items.Where(i => i.SubstitutionGroup.Length > 0).GroupBy(i => i.SubstitutionGroup, StringComparer.Ordinal))
                _groupItems[g.Key] = g.Select(i => _itemIndex[i.ItemId]).Order().ToArray();
            // Sorted, so even the floating-point product of several factors never depends on the input's order.
            foreach (var r in input.Reductions.Where(r => InPart(r.ItemId)).OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.From).ThenBy(r => r.To)
                         .ThenBy(r => r.SupplierLocationId, StringComparer.Ordinal).ThenBy(r => r.Factor).ThenBy(r => r.Quantity))
            {
                var k = _itemIndex[r.ItemId];
                if (!_reductions.TryGetValue(k, out var list)) _reductions[k] = list = [];
                list.Add(r);
            }
            foreach (var k in _reductions.Keys) _caps[k] = (new long[_holders[k].Length], new bool[_holders[k].Length]);
        }

        private bool InPart(string itemId) => _part is null || _part.Items.Contains(itemId);

        private void HoldersFromList(IReadOnlyList<StockAvailable> stock, Dictionary<string, int> locationIndex)
        {
            var held = new List<(int Location, long Quantity)>[_items.Length];
            foreach (var s in stock)
            {
                if (s.Quantity <= 0 || !InPart(s.ItemId)) continue;
                var k = _itemIndex[s.ItemId];
                (held[k] ??= []).Add((locationIndex[s.LocationId], s.Quantity));
            }
            for (var k = 0; k < _items.Length; k++)
            {
                if (held[k] is not { } list) continue;
                list.Sort((a, b) => a.Location.CompareTo(b.Location)); // location order (ids are unique per item: validated)
                _holders[k] = list.Select(x => x.Location).ToArray();
                _stock[k] = list.Select(x => x.Quantity).ToArray();
            }
        }

        /// <summary>Columns list holders in location id order, and the engine numbers locations in that order too: no sorting.</summary>
        private void HoldersFromColumns(StockColumns columns, Dictionary<string, int> locationIndex)
        {
            var number = Array.ConvertAll(columns.LocationIds, id => locationIndex[id]);
            var same = number.Length == _locations.Length; // every location holds something: the numbers are the engine's own
            for (var c = 0; c < columns.ItemIds.Length; c++)
            {
                if (!InPart(columns.ItemIds[c])) continue;
                var k = _itemIndex[columns.ItemIds[c]];
                _holders[k] = same ? columns.Holders[c] : Array.ConvertAll(columns.Holders[c], h => number[h]); // read, never written
                _stock[k] = (long[])columns.Quantities[c].Clone(); // the run takes from its own copy; the input stays as it was
            }
        }

        public ScenarioResult Execute()
        {
            var horizon = _scenario.HorizonDays;
            var lines = DemandLines();
            var ordinary = _input.Ordinary.Where(o => InPart(o.ItemId))
                .OrderBy(o => o.RegionCode, StringComparer.Ordinal).ThenBy(o => o.ItemId, StringComparer.Ordinal)
                .Select(o => new OrdinaryState(o, WholeUnits(Enumerable.Repeat(o.PerDay, horizon).ToArray())) { Region = _regionIndex[o.RegionCode], Item = _itemIndex[o.ItemId] })
                .ToList();

            try
            {
                for (var day = 0; day < horizon; day++)
                {
                    SetSupplierCaps(day);
                    foreach (var o in ordinary) o.Met += TakeOrdinary(o.Region, o.Item, o.PerDay[day], day);
                    foreach (var line in lines) Serve(line, day);
                }
            }
            finally
            {
                // The trees and their positions are done with: back to the pool for the next run.
                _longs.Return();
                _ints.Return();
            }

            var resultLines = lines.Select(l => l.ToLine()).ToList();
            var totals = TotalsOf(resultLines);
            var ordinaryLines = ordinary.Select(o =>
            {
                var total = o.PerDay.Sum();
                return new OrdinaryLine(o.Source.RegionCode, o.Source.ItemId, total, o.Met, total - o.Met,
                    _reserve[_regionIndex[o.Source.RegionCode] * _items.Length + _itemIndex[o.Source.ItemId]]);
            }).ToList();
            return new ScenarioResult(_scenario.Id, _scenario.Start, horizon, totals, resultLines, _transfers, ordinaryLines,
                _options.RecordDraws ? _draws : []) { Census = ScenarioDemand.Census(_scenario) };
        }

        /// <summary>One line per (affected region, supply), in serving order (<see cref="ScenarioDemand.Lines"/>).</summary>
        private List<LineState> DemandLines() =>
            ScenarioDemand.Lines(_scenario, _input.Items).Where(l => _part is null || _part.Serves(l.Supply))
                .Select(l => new LineState(l.RegionCode, l.Supply, l.Demand)
                {
                    RegionNumber = _regionIndex[l.RegionCode],
                    Items = l.Supply.Kind == SupplyKind.Item
                        ? (_itemIndex.TryGetValue(l.Supply.Id, out var k) ? [k] : [])
                        : _groupItems.GetValueOrDefault(l.Supply.Id) ?? [],
                    Source = l,
                })
                .ToList();

        /// <summary>Ordinary use is met from the region's own regional holders, largest holding first (ties: location order).</summary>
        private long TakeOrdinary(int region, int item, long wanted, int day)
        {
            var left = wanted;
            var own = Own(item, region); // exactly the regional holders of the region
            while (left > 0)
            {
                // The largest holding; ties: the first in location order.
                var most = own.Stock.Max;
                if (most <= 0) break;
                var best = own[own.Stock.FirstAtLeast(most)];
                var take = Math.Min(left, most);
                Take(item, best, take, day, DrawKind.Ordinary);
                left -= take;
            }
            return wanted - left;
        }

        /// <summary>
        /// The best regional source of one tier for a line: every holder of a region gives min(stock, what its region holds
        /// above its reserve), so a region's best is its first holder (location order) with the most stock, or its first with
        /// at least that much above the reserve: found in the region's max tree, not by scanning its holders. Regions whose
        /// locations fall in different tiers for the line (a split healthcare region) or that have per-location lead times
        /// are scanned holder by holder. The best over regions and items: most to give, then location, then item, as the
        /// rules say.
        /// </summary>
        private Candidate BestRegional(LineState line, SourceTier tier, int day)
        {
            var best = Candidate.None;
            var tierLead = _scenario.LeadTimes.For(tier);
            var tiers = TiersFor(line.RegionNumber);
            foreach (var item in line.Items)
            {
                var holders = _holders[item];
                for (var region = 0; region < _regionCount; region++)
                {
                    var regionTier = RegionTier(region, line.RegionNumber);
                    if (regionTier is { } t && t != tier) continue;
                    var own = Own(item, region);
                    if (own.Count == 0) continue;
                    if (regionTier is null || own.LeadTimeOverrides)
                    {
                        for (var i = 0; i < own.Count; i++)
                        {
                            var h = own[i];
                            var location = holders[h];
                            if (tiers[location] != tier || (_locations[location].LeadTimeDays ?? tierLead) > day) continue;
                            best.Consider(item, h, location, Giveable(tier, item, h, location));
                        }
                        continue;
                    }
                    if (tierLead > day) continue;
                    var at = region * _items.Length + item;
                    var above = _regionStock[at] - _reserve[at];
                    var most = own.Stock.Max;
                    if (above <= 0 || most <= 0) continue;
                    var give = Math.Min(most, above);
                    if (give < best.Give) continue; // cannot win; finding its first holder (for ties) costs a tree walk
                    var first = own[own.Stock.FirstAtLeast(give)];
                    best.Consider(item, first, holders[first], give);
                }
            }
            return best;
        }

        /// <summary>The tier of every regional location of <paramref name="region"/> for lines of <paramref name="lineRegion"/>; null when they differ.</summary>
        private SourceTier? RegionTier(int region, int lineRegion)
        {
            var known = _regionTier[region * _regionCount + lineRegion];
            if (known != Unknown) return known == Mixed ? null : (SourceTier)known;
            var tiers = TiersFor(lineRegion);
            SourceTier? tier = null;
            var mixed = false;
            for (var l = 0; l < _locations.Length && !mixed; l++)
            {
                if (_locationRegion[l] != region || !_locations[l].IsRegional) continue;
                if (tier is null) tier = tiers[l];
                else mixed = tier != tiers[l];
            }
            // A region without regional locations has no holders: any tier will do.
            SourceTier? result = mixed ? null : tier ?? SourceTier.OtherRegions;
            _regionTier[region * _regionCount + lineRegion] = result is { } t ? (sbyte)t : Mixed;
            return result;
        }

        private void Serve(LineState line, int day)
        {
            var need = line.Demand[day];
            foreach (var tier in Tiers)
            {
                while (need > 0)
                {
                    var best = tier is SourceTier.OwnRegion or SourceTier.SameHealthcareRegion or SourceTier.OtherRegions
                        ? BestRegional(line, tier, day)
                        : BestNational(line, tier, day);
                    if (best.Holder < 0) break;
                    var take = Math.Min(need, best.Give);
                    Take(best.Item, best.Holder, take, day, DrawKind.Transfer);
                    var from = _locations[best.Location];
                    _transfers.Add(new Transfer(day, _scenario.Start.AddDays(day), day - LeadTime(from, tier), from.LocationId, from.RegionCode,
                        line.Region, _items[best.Item], take, tier, line.Supply) { Priority = line.Source.Weight[day] });
                    line.MetBy[(int)tier] += take;
                    line.Met[day] += take;
                    need -= take;
                }
            }
            if (need > 0) line.FirstDayShort ??= day;
        }

        private static readonly SourceTier[] Tiers = Enum.GetValues<SourceTier>();

        /// <summary>The best national stockpile or supplier (<paramref name="tier"/>) for a line today.</summary>
        private Candidate BestNational(LineState line, SourceTier tier, int day)
        {
            var best = Candidate.None;
            var tierLead = _scenario.LeadTimes.For(tier);
            foreach (var item in line.Items)
            {
                var holders = _holders[item];
                foreach (var h in NationalHolders(item, tier))
                {
                    var location = holders[h];
                    if ((_locations[location].LeadTimeDays ?? tierLead) > day) continue;
                    best.Consider(item, h, location, Giveable(tier, item, h, location));
                }
            }
            return best;
        }

        /// <summary>
        /// Positions (in location order) of the holders of <paramref name="item"/> that are national stockpiles
        /// (<paramref name="tier"/> = NationalStockpile) or suppliers: the same for every line region, so found once per item.
        /// </summary>
        private int[] NationalHolders(int item, SourceTier tier)
        {
            var at = item * 2 + (tier == SourceTier.Suppliers ? 1 : 0);
            if (_nationalHolders[at] is { } list) return list;
            var holders = _holders[item];
            var (stockpiles, suppliers) = (new List<int>(), new List<int>());
            for (var h = 0; h < holders.Length; h++)
            {
                var kind = _locations[holders[h]].Kind;
                if (kind == LocationKind.NationalStockpile) stockpiles.Add(h);
                else if (kind == LocationKind.Supplier) suppliers.Add(h);
            }
            _nationalHolders[item * 2] = stockpiles.ToArray();
            _nationalHolders[item * 2 + 1] = suppliers.ToArray();
            return _nationalHolders[at]!;
        }

        /// <summary>The own-region holders of (item, region) with a max tree over their stock, kept current by <see cref="Take"/>.</summary>
        private OwnHolders Own(int item, int region) => _own[item * _regionCount + region] ?? OwnOfEveryRegion(item, region);

        /// <summary>Two passes over an item's holders sort them into every region's own list (the own tier is: regional, in the region).</summary>
        private OwnHolders OwnOfEveryRegion(int item, int region)
        {
            var holders = _holders[item];
            var counts = new int[_regionCount + 1];
            for (var h = 0; h < holders.Length; h++)
                if (_locations[holders[h]].IsRegional) counts[_locationRegion[holders[h]] + 1]++;
            for (var r = 0; r < _regionCount; r++) counts[r + 1] += counts[r]; // counts[r]: where region r's positions start
            var (positions, start) = _ints.Take(counts[_regionCount]);
            var next = counts[..^1];
            var slots = _ownSlot[item] ??= new int[holders.Length];
            for (var h = 0; h < holders.Length; h++)
            {
                if (!_locations[holders[h]].IsRegional) continue;
                var r = _locationRegion[holders[h]];
                slots[h] = next[r] - counts[r];
                positions[start + next[r]++] = h;
            }
            for (var r = 0; r < _regionCount; r++)
            {
                var (from, count) = (start + counts[r], counts[r + 1] - counts[r]);
                var leadTimeOverrides = false;
                for (var i = from; i < from + count; i++) leadTimeOverrides |= _locations[holders[positions[i]]].LeadTimeDays is not null;
                var (nodes, offset) = _longs.Take(MaxTree.Size(count));
                _own[item * _regionCount + r] = new OwnHolders(positions, from, count,
                    new MaxTree(_stock[item], positions, from, count, nodes, offset), leadTimeOverrides);
            }
            return _own[item * _regionCount + region]!;
        }

        private SourceTier[] TiersFor(int region)
        {
            if (_tierOf[region] is { } tiers) return tiers;
            var code = _regionIndex.First(kv => kv.Value == region).Key;
            return _tierOf[region] = _locations.Select(l => TierOf(l, code)).ToArray();
        }

        private static SourceTier TierOf(SourceLocation l, string region) =>
            l.Kind == LocationKind.Supplier ? SourceTier.Suppliers
            : l.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
            : l.RegionCode == region ? SourceTier.OwnRegion
            : HealthcareRegions.OfRegion(region).Contains(l.HealthcareRegion) ? SourceTier.SameHealthcareRegion
            : SourceTier.OtherRegions;

        private int LeadTime(SourceLocation l, SourceTier tier) => l.LeadTimeDays ?? _scenario.LeadTimes.For(tier);

        /// <summary>What a holder can give today without breaking its region's reserve or a delivery reduction (its tier says what kind it is).</summary>
        private long Giveable(SourceTier tier, int item, int h, int location)
        {
            var stock = _stock[item][h];
            if (stock <= 0) return 0;
            switch (tier)
            {
                case SourceTier.Suppliers:
                    return _caps.TryGetValue(item, out var caps) && caps.Capped[h] ? Math.Min(stock, caps.Releasable[h]) : stock;
                case SourceTier.NationalStockpile:
                    return stock;
                default:
                    var at = _locationRegion[location] * _items.Length + item;
                    return Math.Max(0, Math.Min(stock, _regionStock[at] - _reserve[at]));
            }
        }

        /// <summary>
        /// A reduction caps what a supplier releases on a day, measured on its stock when the day starts
        /// (not re-applied after each take). Factors multiply, then quantities subtract.
        /// </summary>
        private void SetSupplierCaps(int day)
        {
            var date = _scenario.Start.AddDays(day);
            foreach (var (item, reductions) in _reductions)
            {
                var (releasable, capped) = _caps[item];
                Array.Clear(capped);
                var holders = _holders[item];
                for (var h = 0; h < holders.Length; h++)
                {
                    var l = _locations[holders[h]];
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
                    var stock = _stock[item][h];
                    var scaled = factor >= 1 ? stock : (long)Math.Floor(stock * factor + 1e-9);
                    releasable[h] = Math.Max(0, scaled - less);
                    capped[h] = true;
                }
            }
        }

        private void Take(int item, int h, long quantity, int day, DrawKind kind)
        {
            var location = _holders[item][h];
            _stock[item][h] -= quantity;
            if (_locations[location].IsRegional)
            {
                _regionStock[_locationRegion[location] * _items.Length + item] -= quantity;
                _own[item * _regionCount + _locationRegion[location]]?.Stock.Set(_ownSlot[item]![h], _stock[item][h]);
            }
            if (_caps.TryGetValue(item, out var caps) && caps.Capped[h]) caps.Releasable[h] -= quantity;
            if (_options.RecordDraws) _draws.Add(new StockDraw(day, kind, _locations[location].LocationId, _items[item], quantity));
        }
    }

    /// <summary>The source a line draws on next: an item, a holder of it (position) and its location, and what it can give.</summary>
    private struct Candidate
    {
        public int Item, Holder, Location;
        public long Give;

        public static Candidate None => new() { Item = -1, Holder = -1, Location = -1 };

        /// <summary>Most to give first; ties: location id, then item id (numbers follow id order).</summary>
        public void Consider(int item, int holder, int location, long give)
        {
            if (give > Give || (give == Give && give > 0 && Holder >= 0 && (location < Location || (location == Location && item < Item))))
                (Item, Holder, Location, Give) = (item, holder, location, give);
        }
    }

    /// <summary>A region's own holders of an item: positions in the item's holder list (a slice of a slab), and a max tree over their stock.</summary>
    private sealed class OwnHolders(int[] slab, int start, int count, MaxTree stock, bool leadTimeOverrides)
    {
        public int Count { get; } = count;
        public int this[int i] => slab[start + i];
        public MaxTree Stock { get; } = stock;
        public bool LeadTimeOverrides { get; } = leadTimeOverrides;
    }

    /// <summary>
    /// A max segment tree: the largest value, and the first index holding at least a value, in O(log n). Its nodes live in a
    /// slice of a slab (node i at <c>nodes[offset + i]</c>, i from 1).
    /// </summary>
    private sealed class MaxTree
    {
        private readonly long[] _nodes;
        private readonly int _offset;
        private readonly int _leaves;

        /// <summary>Room a tree over <paramref name="count"/> values takes in a slab.</summary>
        public static int Size(int count) => 2 * Leaves(count);

        private static int Leaves(int count)
        {
            var leaves = 1;
            while (leaves < count) leaves <<= 1;
            return leaves;
        }

        /// <summary>A tree over <c>values[at[from]], values[at[from + 1]], ...</c> (<paramref name="count"/> of them) in <c>nodes[offset..offset + Size(count))</c>.</summary>
        public MaxTree(long[] values, int[] at, int from, int count, long[] nodes, int offset)
        {
            _leaves = Leaves(count);
            _nodes = nodes;
            _offset = offset;
            Array.Fill(nodes, long.MinValue, offset + _leaves + count, _leaves - count);
            for (var i = 0; i < count; i++) nodes[offset + _leaves + i] = values[at[from + i]];
            for (var i = _leaves - 1; i >= 1; i--) nodes[offset + i] = Math.Max(nodes[offset + 2 * i], nodes[offset + 2 * i + 1]);
        }

        public long Max => _nodes[_offset + 1];

        public void Set(int index, long value)
        {
            var i = index + _leaves;
            _nodes[_offset + i] = value;
            for (i >>= 1; i >= 1; i >>= 1) _nodes[_offset + i] = Math.Max(_nodes[_offset + 2 * i], _nodes[_offset + 2 * i + 1]);
        }

        /// <summary>The first index whose value is at least <paramref name="value"/>; the caller knows one exists (value ≤ Max).</summary>
        public int FirstAtLeast(long value)
        {
            var i = 1;
            while (i < _leaves) i = _nodes[_offset + 2 * i] >= value ? 2 * i : 2 * i + 1;
            return i - _leaves;
        }
    }

    /// <summary>
    /// Hands out slices of a few large pooled arrays for a run's many small working arrays (a nation: 10,000 trees) and gives
    /// the arrays back when the run ends, so the next run works in memory the process already has instead of fresh pages
    /// (which the garbage collector would also copy while they live). Slices are not cleared: their users write before reading.
    /// </summary>
    private sealed class Slab<T>(int chunkLength)
    {
        private readonly List<T[]> _chunks = [];
        private int _used = int.MaxValue / 2; // no chunk yet

        public (T[] Array, int Offset) Take(int length)
        {
            if (length > chunkLength) return (new T[length], 0);
            if (_used + length > chunkLength)
            {
                _chunks.Add(ArrayPool<T>.Shared.Rent(chunkLength));
                _used = 0;
            }
            var offset = _used;
            _used += length;
            return (_chunks[^1], offset);
        }

        public void Return()
        {
            foreach (var chunk in _chunks) ArrayPool<T>.Shared.Return(chunk);
            _chunks.Clear();
            _used = int.MaxValue / 2;
        }
    }

    private sealed class OrdinaryState(OrdinaryConsumption source, long[] perDay)
    {
        public OrdinaryConsumption Source { get; } = source;
        public int Region { get; init; }
        public int Item { get; init; }
        public long[] PerDay { get; } = perDay;
        public long Met { get; set; }
    }

    private sealed class LineState(string region, SupplyRef supply, long[] demand)
    {
        public string Region { get; } = region;
        public int RegionNumber { get; init; }
        /// <summary>Item numbers that may meet the line (one item, or a group's items in id order).</summary>
        public int[] Items { get; init; } = [];
        public SupplyRef Supply { get; } = supply;
        public long[] Demand { get; } = demand;
        public long[] Met { get; } = new long[demand.Length];
        public long[] MetBy { get; } = new long[5];
        public int? FirstDayShort { get; set; }
        public required DemandLine Source { get; init; }

        public ScenarioLine ToLine()
        {
            var days = Demand.Select((d, i) => new ScenarioDay(i, d, Met[i], d - Met[i])).ToList();
            var demand = Demand.Sum();
            var metBy = TierQuantities.From(MetBy);
            return new ScenarioLine(Region, Supply, demand, metBy, demand - metBy.Total, FirstDayShort, days)
                { Categories = Source.Categories, Priority = Source.Priority };
        }
    }
}
