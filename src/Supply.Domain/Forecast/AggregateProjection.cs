using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Shortages;

namespace Supply.Domain.Forecast;

/// <summary>
/// One projection row: an item or substitution group in one area, its consumption figures with their basis, and the
/// stock-out walk at current and at trending consumption side by side (docs/projection.md).
/// </summary>
/// <param name="DailyConsumption">Current consumption: the sum of the reported averages (adjusted for stock-outs), what coverage uses.</param>
public sealed record ProjectionRow(
    CoverageLevel Level,
    string Area,
    CoverageSubject Subject,
    string Key,
    DateOnly Start,
    long Usable,
    double DailyConsumption,
    TrendState Trend,
    ProjectionResult AtCurrent,
    ProjectionResult AtTrend,
    int Locations)
{
    public ConsumptionFigure Current => new(DailyConsumption, ConsumptionMethod.ReportedAverages, 0, Locations);
    public ConsumptionFigure Trending => Trend.Trending;

    /// <summary>The earlier of the two stock-out dates (null when neither runs out within the horizon).</summary>
    public DateOnly? EarliestStockout =>
        AtCurrent.StockoutOn is { } a ? AtTrend.StockoutOn is { } b && b < a ? b : a : AtTrend.StockoutOn;

    /// <summary>Runs out within <paramref name="days"/> days of the start at current or at trending consumption.</summary>
    public bool RunsOutWithin(double days) => Math.Min(AtCurrent.DaysOfSupply, AtTrend.DaysOfSupply) < days
        && (AtCurrent.StockoutOn is not null || AtTrend.StockoutOn is not null);
}

/// <summary>Which rows to project; empty means all.</summary>
public sealed record ProjectionFilter(IReadOnlyList<string> RegionCodes, IReadOnlyList<string> Keys, int HorizonDays = StockoutProjection.DefaultHorizonDays)
{
    public static readonly ProjectionFilter All = new([], []);
}

/// <summary>
/// A supplier's line of an item that shortage notices bind within the walk (docs/projection.md#notices), as the supplier last
/// published it: a projection splits it off the summed stock of its rows and walks it under the notices' caps.
/// </summary>
public sealed record NoticedLine(LocationTotals Supplier, LocationItemTotals Item, IReadOnlyList<ShortageNotice> Notices);

/// <summary>
/// Projections from the aggregates, never from the locations: the national totals' region rows hold the summed trend
/// and walkable stock, so a national question sums at most one row per region and key and walks once per row.
/// Location rows come from a region's view (its locations' published totals).
/// </summary>
public static class AggregateProjection
{
    /// <param name="noticed">Suppliers' lines under shortage notices (from the region views): each is taken off the summed stock
    /// of the row it lies in and walked apart, capped by its notices.</param>
    public static IReadOnlyList<ProjectionRow> Rows(
        IEnumerable<RegionTotals> regions, CoverageLevel level, CoverageSubject subject, ProjectionFilter filter, DateOnly start,
        IReadOnlyList<NoticedLine>? noticed = null)
    {
        if (level == CoverageLevel.Location)
            throw new ArgumentException("location rows come from the region views (FromLocations)", nameof(level));
        var codes = filter.RegionCodes.ToHashSet(StringComparer.Ordinal);
        var keys = filter.Keys.ToHashSet(StringComparer.Ordinal);
        var parts = new SortedDictionary<(string Area, string Key), Part>(AreaKeyOrder);
        foreach (var region in regions)
        {
            if (codes.Count > 0 && !codes.Contains(region.RegionCode)) continue;
            foreach (var row in region.Rows)
            {
                if (row.Subject != subject || (keys.Count > 0 && !keys.Contains(row.Key))) continue;
                var area = level switch
                {
                    CoverageLevel.Region => region.RegionCode,
                    CoverageLevel.HealthcareRegion => row.HealthcareRegion,
                    _ => CoverageRollup.Nation,
                };
                if (!parts.TryGetValue((area, row.Key), out var part)) parts[(area, row.Key)] = part = new Part();
                part.Add(row);
            }
        }
        foreach (var line in noticed ?? [])
        {
            if (codes.Count > 0 && !codes.Contains(line.Supplier.RegionCode)) continue;
            var area = level switch
            {
                CoverageLevel.Region => line.Supplier.RegionCode,
                CoverageLevel.HealthcareRegion => line.Supplier.HealthcareRegion,
                _ => CoverageRollup.Nation,
            };
            if (parts.TryGetValue((area, KeyOf(line.Item, subject)), out var part)) part.SplitOff(line);
        }
        return parts.Select(kv => kv.Value.Project(level, kv.Key.Area,
            subject, kv.Key.Key, start, filter.HorizonDays)).ToList();
    }

    /// <summary>Location rows from region views' location totals (one region grain call per region, never one per location).</summary>
    /// <param name="noticed">Suppliers' lines under shortage notices: walked apart, capped by their notices.</param>
    public static IReadOnlyList<ProjectionRow> FromLocations(
        IEnumerable<LocationTotals> locations, CoverageSubject subject, ProjectionFilter filter, DateOnly start,
        IReadOnlyList<NoticedLine>? noticed = null)
    {
        var keys = filter.Keys.ToHashSet(StringComparer.Ordinal);
        var notices = (noticed ?? []).ToDictionary(l => (l.Supplier.LocationId, l.Item.ItemId), l => l.Notices);
        var parts = new SortedDictionary<(string Area, string Key), Part>(AreaKeyOrder);
        foreach (var location in locations)
            foreach (var item in location.Items)
            {
                var key = KeyOf(item, subject);
                if (keys.Count > 0 && !keys.Contains(key)) continue;
                if (!parts.TryGetValue((location.LocationId, key), out var part)) parts[(location.LocationId, key)] = part = new Part(locations: 1);
                if (notices.TryGetValue((location.LocationId, item.ItemId), out var binding)) part.AddNoticed(item, location, binding);
                else part.Add(item, location.UsableOn);
            }
        return parts.Select(kv => kv.Value.Project(CoverageLevel.Location, kv.Key.Area, subject, kv.Key.Key, start, filter.HorizonDays)).ToList();
    }

    /// <summary>
    /// The lines of <paramref name="suppliers"/> (supplier locations' published totals) that <paramref name="notices"/> bind, each
    /// with the notices binding it (<see cref="ShortageSupply.Binds"/>).
    /// </summary>
    public static IReadOnlyList<NoticedLine> NoticedLines(IEnumerable<LocationTotals> suppliers, IReadOnlyList<ShortageNotice> notices)
    {
        var lines = new List<NoticedLine>();
        var itemIds = notices.Select(n => n.ItemId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var supplier in suppliers)
            foreach (var itemId in itemIds)
            {
                if (PublishedItems.Find(supplier.Items, itemId) is not { } item) continue;
                var binding = notices.Where(n => ShortageSupply.Binds(n, itemId, supplier.LocationId)).ToList();
                if (binding.Count > 0) lines.Add(new NoticedLine(supplier, item, binding));
            }
        return lines;
    }

    private static string KeyOf(LocationItemTotals item, CoverageSubject subject) => subject == CoverageSubject.Item ? item.ItemId : item.GroupKey;

    private static readonly IComparer<(string Area, string Key)> AreaKeyOrder = Comparer<(string Area, string Key)>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Area, b.Area);
        return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
    });

    private sealed class Part(int locations = 0)
    {
        private long _usable, _unlotted;
        private double _daily;
        private TrendState _trend;
        private int _locations = locations;
        private readonly Dictionary<int, long> _weeks = [];
        private List<SupplierStock>? _suppliers;

        public void Add(AggregateRow row)
        {
            _usable += row.Usable;
            _daily += row.DailyConsumption;
            _trend += row.Trend;
            _locations += row.Locations;
            _unlotted += row.Unlotted;
            foreach (var e in row.Expiries ?? []) _weeks[e.ExpiresOn.DayNumber] = _weeks.GetValueOrDefault(e.ExpiresOn.DayNumber) + e.Quantity;
        }

        public void Add(LocationItemTotals item, DateOnly usableOn)
        {
            _usable += item.Usable;
            _daily += item.DailyConsumption;
            _trend += item.Trend;
            _unlotted += item.Expiries.Count == 0 ? item.Available
                : WalkableStock.AddTo(_weeks, item.OnHand, item.Reserved, item.Quarantined, item.Expiries, usableOn);
        }

        /// <summary>A supplier's line under notices at location level: its usable stock and consumption count, its stock is walked apart.</summary>
        public void AddNoticed(LocationItemTotals item, LocationTotals supplier, IReadOnlyList<ShortageNotice> notices)
        {
            _usable += item.Usable;
            _daily += item.DailyConsumption;
            _trend += item.Trend;
            (_suppliers ??= []).Add(Walkable(supplier, item, notices));
        }

        /// <summary>
        /// Takes a supplier's line (already summed into this row) off the summed stock and walks it apart. Each bucket is
        /// lowered by at most what it holds, in case the row is a publication behind the supplier's view.
        /// </summary>
        public void SplitOff(NoticedLine line)
        {
            var apart = Walkable(line.Supplier, line.Item, line.Notices);
            foreach (var e in apart.Expiries)
            {
                var day = e.ExpiresOn.DayNumber;
                var left = _weeks.GetValueOrDefault(day) - e.Quantity;
                if (left > 0) _weeks[day] = left;
                else _weeks.Remove(day);
            }
            _unlotted = Math.Max(0, _unlotted - apart.Unlotted);
            (_suppliers ??= []).Add(apart);
        }

        /// <summary>A line's walkable stock exactly as the region aggregate sums it (Aggregates' Sum), so splitting it off is exact.</summary>
        private static SupplierStock Walkable(LocationTotals supplier, LocationItemTotals item, IReadOnlyList<ShortageNotice> notices)
        {
            var weeks = new Dictionary<int, long>();
            var unlotted = item.Expiries.Count == 0
                ? Math.Max(0, item.OnHand - Math.Max(0, item.Reserved) - Math.Max(0, item.Quarantined))
                : WalkableStock.AddTo(weeks, item.OnHand, item.Reserved, item.Quarantined, item.Expiries, supplier.UsableOn);
            return new SupplierStock(supplier.LocationId, item.ItemId, WalkableStock.ToExpiries(weeks), unlotted, notices);
        }

        public ProjectionRow Project(CoverageLevel level, string area, CoverageSubject subject, string key, DateOnly start, int horizon)
        {
            var stock = new ProjectionStock(start, WalkableStock.ToExpiries(_weeks), _unlotted, _suppliers);
            var daily = _daily;
            var trend = _trend;
            var atCurrent = StockoutProjection.Walk(stock, _ => daily, horizon);
            // No history: the trend is unknown, so the trending walk uses current consumption (said by Observations = 0).
            var atTrend = trend.Observations == 0 ? atCurrent : StockoutProjection.Walk(stock, h => trend.Forecast(h + 1), horizon);
            return new ProjectionRow(level, area, subject, key, start, _usable, daily, trend, atCurrent, atTrend, _locations);
        }
    }
}
