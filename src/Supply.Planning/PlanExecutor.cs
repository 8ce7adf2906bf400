using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <summary>
/// Carries out a pool-level allocation day by day under the scenario engine's exact rules, and assigns it to locations:
/// each day ordinary care first (own region, largest holding first), then each line's planned units (whole units:
/// rounded down), taken from the pool's locations in id order, never more than a location holds, below its region's
/// reserve or above a supplier's cap. With <c>topUp</c>, what rounding or the exact rules left unmet is then met from
/// stock no later plan needs: higher priority first, within a priority the worst-covered line first (fair shares),
/// nearest pool first. Finally every shortfall is explained from the stock left at the end of the day.
/// </summary>
internal sealed class PlanExecutor
{
    private readonly PlanModel _m;
    private readonly long[][] _stock;
    private readonly long[] _regionStock;
    private readonly Dictionary<(int Item, int Holder), long> _capLeft = [];
    private readonly int[][] _poolsOfItem;
    private readonly Dictionary<(int Region, int Item), List<int>> _own = [];
    private readonly long[][] _met;          // [line][day]
    private readonly long[][] _metBy;        // [line][tier]
    private readonly ShortfallBound[][] _bound;
    private readonly List<Transfer> _transfers = [];
    private readonly SortedDictionary<(int Line, int Location, int Item), long> _today = new();
    private readonly long[] _ordinaryMet;
    private readonly long[][] _plannedFrom;  // per source key: planned units per day (regional pools share their region's key)

    public PlanExecutor(PlanModel m)
    {
        _m = m;
        _stock = m.Stock.Select(s => (long[])s.Clone()).ToArray();
        _regionStock = new long[m.Regions.Length * m.Items.Length];
        for (var k = 0; k < m.Items.Length; k++)
        for (var h = 0; h < m.Holders[k].Length; h++)
        {
            var l = m.Holders[k][h];
            if (!m.Locations[l].IsRegional) continue;
            _regionStock[m.LocationRegion[l] * m.Items.Length + k] += _stock[k][h];
            var key = (m.LocationRegion[l], k);
            if (!_own.TryGetValue(key, out var list)) _own[key] = list = [];
            list.Add(h);
        }
        _poolsOfItem = Enumerable.Range(0, m.Items.Length).Select(k => Enumerable.Range(0, m.Pools.Count).Where(p => m.Pools[p].Item == k).ToArray()).ToArray();
        _met = m.Lines.Select(_ => new long[m.Horizon]).ToArray();
        _metBy = m.Lines.Select(_ => new long[5]).ToArray();
        _bound = m.Lines.Select(_ => new ShortfallBound[m.Horizon]).ToArray();
        _ordinaryMet = new long[m.Regions.Length * m.Items.Length];
        _plannedFrom = new long[m.Pools.Count + m.Regions.Length * m.Items.Length][];
    }

    private int SourceKey(int pool) => _m.Pools[pool] is { IsRegional: true } p ? _m.Pools.Count + p.Region * _m.Items.Length + p.Item : pool;

    public ScenarioResult Run(IReadOnlyList<Arc> arcs, double[] flow, bool topUp)
    {
        var byDay = Enumerable.Range(0, _m.Horizon).Select(_ => new List<(Arc Arc, long Units)>()).ToArray();
        for (var a = 0; a < arcs.Count; a++)
        {
            // Whole units, rounded down; a flow a hair under a whole number (the solver's tolerance) counts as that number.
            var units = (long)Math.Floor(flow[a] + 1e-3);
            if (units <= 0) continue;
            byDay[arcs[a].Day].Add((arcs[a], units));
            (_plannedFrom[SourceKey(arcs[a].Pool)] ??= new long[_m.Horizon])[arcs[a].Day] += units;
        }
        for (var day = 0; day < _m.Horizon; day++)
        {
            SetCaps(day);
            Ordinary(day);
            // Higher priority first, then line order: the plan's units are all feasible together, the order only matters when the exact rule bites.
            foreach (var (arc, units) in byDay[day].OrderByDescending(x => _m.Lines[x.Arc.Line].Source.Weight[day]).ThenBy(x => x.Arc.Line).ThenBy(x => x.Arc.Cost).ThenBy(x => x.Arc.Pool))
                Draw(arc.Pool, arc.Line, day, Math.Min(units, Need(arc.Line, day)), free: false);
            if (topUp) TopUp(day);
            Explain(day);
            foreach (var ((line, location, item), quantity) in _today)
            {
                var l = _m.Lines[line];
                var from = _m.Locations[location];
                var tier = Tier(from, l.Region);
                _transfers.Add(new Transfer(day, _m.Input.Scenario.Start.AddDays(day), day - (from.LeadTimeDays ?? _m.Input.Scenario.LeadTimes.For(tier)),
                    from.LocationId, from.RegionCode, l.Source.RegionCode, _m.Items[item], quantity, tier, l.Source.Supply) { Priority = l.Source.Weight[day] });
            }
            _today.Clear();
        }
        return Result();
    }

    private long Need(int line, int day) => _m.Lines[line].Source.Demand[day] - _met[line][day];

    private SourceTier Tier(SourceLocation l, int lineRegion) =>
        l.Kind == LocationKind.Supplier ? SourceTier.Suppliers
        : l.Kind == LocationKind.NationalStockpile ? SourceTier.NationalStockpile
        : l.RegionCode == _m.Regions[lineRegion] ? SourceTier.OwnRegion
        : HealthcareRegions.OfRegion(_m.Regions[lineRegion]).Contains(l.HealthcareRegion) ? SourceTier.SameHealthcareRegion
        : SourceTier.OtherRegions;

    private void SetCaps(int day)
    {
        _capLeft.Clear();
        var date = _m.Input.Scenario.Start.AddDays(day);
        foreach (var (k, reductions) in _m.Reductions)
            for (var h = 0; h < _m.Holders[k].Length; h++)
            {
                var l = _m.Locations[_m.Holders[k][h]];
                if (l.Kind == LocationKind.Supplier && SupplierCaps.Cap(reductions, date, l.LocationId, _stock[k][h]) is { } cap) _capLeft[(k, h)] = cap;
            }
    }

    private void Ordinary(int day)
    {
        foreach (var ((region, k), holders) in _own)
        {
            var at = region * _m.Items.Length + k;
            var left = _m.Ordinary[at]?[day] ?? 0;
            while (left > 0)
            {
                var best = -1;
                foreach (var h in holders) if (_stock[k][h] > 0 && (best < 0 || _stock[k][h] > _stock[k][best])) best = h;
                if (best < 0) break;
                var take = Math.Min(left, _stock[k][best]);
                Take(k, best, take);
                _ordinaryMet[at] += take;
                left -= take;
            }
        }
    }

    private long Giveable(int k, int h)
    {
        var stock = _stock[k][h];
        if (stock <= 0) return 0;
        var l = _m.Locations[_m.Holders[k][h]];
        if (l.Kind == LocationKind.NationalStockpile) return stock;
        if (l.Kind == LocationKind.Supplier) return _capLeft.TryGetValue((k, h), out var cap) ? Math.Min(stock, cap) : stock;
        var at = _m.LocationRegion[_m.Holders[k][h]] * _m.Items.Length + k;
        return Math.Max(0, Math.Min(stock, _regionStock[at] - _m.Reserve[at]));
    }

    private long PoolGiveable(int p)
    {
        var pool = _m.Pools[p];
        long sum = 0;
        foreach (var h in pool.Members) sum += Giveable(pool.Item, h);
        if (!pool.IsRegional) return sum;
        var at = pool.Region * _m.Items.Length + pool.Item;
        return Math.Min(sum, Math.Max(0, _regionStock[at] - _m.Reserve[at]));
    }

    /// <summary>What a pool can give today that no later day of the plan counts on.</summary>
    private long Free(int p, int day)
    {
        long later = 0;
        if (_plannedFrom[SourceKey(p)] is { } planned)
            for (var d = day + 1; d < planned.Length; d++) later += planned[d];
        return Math.Max(0, PoolGiveable(p) - later);
    }

    private long Draw(int p, int line, int day, long wanted, bool free)
    {
        var pool = _m.Pools[p];
        var left = free ? Math.Min(wanted, Free(p, day)) : wanted;
        var given = 0L;
        foreach (var h in pool.Members)
        {
            if (left <= 0) break;
            var take = Math.Min(left, Giveable(pool.Item, h));
            if (take <= 0) continue;
            Take(pool.Item, h, take);
            var key = (line, _m.Holders[pool.Item][h], pool.Item);
            _today[key] = _today.GetValueOrDefault(key) + take;
            _metBy[line][(int)_m.TierOf(pool, _m.Lines[line].Region)] += take;
            (left, given) = (left - take, given + take);
        }
        _met[line][day] += given;
        return given;
    }

    private void Take(int k, int h, long quantity)
    {
        _stock[k][h] -= quantity;
        var l = _m.Holders[k][h];
        if (_m.Locations[l].IsRegional) _regionStock[_m.LocationRegion[l] * _m.Items.Length + k] -= quantity;
        if (_capLeft.ContainsKey((k, h))) _capLeft[(k, h)] -= quantity;
    }

    /// <summary>Pools a line may draw on today, nearest first (cost, then pool order).</summary>
    private IEnumerable<int> Reachable(int line, int day) =>
        _m.Lines[line].Items.SelectMany(k => _poolsOfItem[k]).Where(p => _m.LeadTime(_m.Pools[p], _m.Lines[line].Region) <= day)
            .OrderBy(p => _m.Cost(_m.Pools[p], _m.Lines[line].Region)).ThenBy(p => p);

    private void TopUp(int day)
    {
        var wanting = Enumerable.Range(0, _m.Lines.Count).Where(l => Need(l, day) > 0).ToList();
        foreach (var cls in wanting.GroupBy(l => Math.Round(_m.Lines[l].Source.Weight[day], 9)).OrderByDescending(g => g.Key))
        {
            var open = cls.ToList();
            double Ratio(int l) => (double)_met[l][day] / _m.Lines[l].Source.Demand[day];
            while (open.Count > 0)
            {
                // The worst-covered line first (ties: line order), raised to the next one's ratio, or as far as it gets.
                var line = open.OrderBy(Ratio).ThenBy(l => l).First();
                var next = open.Where(l => l != line).Select(Ratio).DefaultIfEmpty(1).Min();
                // At least 1/256 of the demand a step, so two lines at the same ratio do not take turns a unit at a time.
                var demand = _m.Lines[line].Source.Demand[day];
                var step = Math.Max((demand + 255) / 256, (long)Math.Ceiling(next * demand - _met[line][day] - 1e-9));
                var want = Math.Min(Need(line, day), Math.Max(1, step));
                var got = 0L;
                foreach (var p in Reachable(line, day))
                {
                    if (got >= want) break;
                    got += Draw(p, line, day, want - got, free: true);
                }
                if (got < want || Need(line, day) == 0) open.Remove(line); // nothing more reaches it today, or it is met
            }
        }
    }

    private void Explain(int day)
    {
        // What each pool holds, can give and has free at the end of the day: worked out once, read for every short line.
        var (held, give, free) = (new long[_m.Pools.Count], new long[_m.Pools.Count], new long[_m.Pools.Count]);
        var known = new bool[_m.Pools.Count];
        void Know(int p)
        {
            if (known[p]) return;
            var pool = _m.Pools[p];
            foreach (var h in pool.Members) held[p] += _stock[pool.Item][h];
            (give[p], free[p], known[p]) = (PoolGiveable(p), Free(p, day), true);
        }
        for (var line = 0; line < _m.Lines.Count; line++)
        {
            if (Need(line, day) <= 0) continue;
            var l = _m.Lines[line];
            var pools = l.Items.SelectMany(k => _poolsOfItem[k]).ToList();
            if (pools.Count == 0) { _bound[line][day] = ShortfallBound.NoStockAnywhere; continue; }
            pools.ForEach(Know);
            bool Any(Func<Pool, int, bool> test) => pools.Any(p => test(_m.Pools[p], p));
            _bound[line][day] =
                Any((pool, p) => _m.LeadTime(pool, l.Region) > day && give[p] > 0) ? ShortfallBound.LeadTime
                : Any((pool, p) => _m.LeadTime(pool, l.Region) <= day && free[p] > 0) ? ShortfallBound.SharedOut
                : Any((pool, p) => pool.IsRegional && held[p] > 0 && give[p] == 0) ? ShortfallBound.Reserve
                : Any((pool, p) => pool.Kind == LocationKind.Supplier && held[p] > 0 && give[p] == 0) ? ShortfallBound.SupplierCap
                : ShortfallBound.SharedOut;
        }
    }

    private ScenarioResult Result()
    {
        var s = _m.Input.Scenario;
        var lines = _m.Lines.Select((l, i) =>
        {
            var days = l.Source.Demand.Select((d, day) => new ScenarioDay(day, d, _met[i][day], d - _met[i][day]) { Bound = _bound[i][day] }).ToList();
            var metBy = TierQuantities.From(_metBy[i]);
            var demand = l.Source.Demand.Sum();
            return new ScenarioLine(l.Source.RegionCode, l.Source.Supply, demand, metBy, demand - metBy.Total, days.FirstOrDefault(d => d.Shortfall > 0)?.Day, days)
                { Categories = l.Source.Categories, Priority = l.Source.Priority };
        }).ToList();
        var ordinary = new List<OrdinaryLine>();
        for (var r = 0; r < _m.Regions.Length; r++)
        for (var k = 0; k < _m.Items.Length; k++)
        {
            var at = r * _m.Items.Length + k;
            if (_m.Ordinary[at] is not { } perDay) continue;
            var total = perDay.Sum();
            ordinary.Add(new OrdinaryLine(_m.Regions[r], _m.Items[k], total, _ordinaryMet[at], total - _ordinaryMet[at], _m.Reserve[at]));
        }
        var totals = new ScenarioTotals(lines.Sum(l => l.Demand), lines.Aggregate(TierQuantities.Zero, (sum, l) => sum + l.MetBy), lines.Sum(l => l.Shortfall));
        return new ScenarioResult(s.Id, s.Start, s.HorizonDays, totals, lines, _transfers, ordinary, []) { Planner = "fair" };
    }
}
