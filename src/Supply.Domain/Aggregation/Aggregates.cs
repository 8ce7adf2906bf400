using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Domain.Scenarios;
using Supply.Domain.Stock;

namespace Supply.Domain.Aggregation;

/// <summary>
/// The rules of the aggregation path location → region → nation, plain C#: what a location
/// publishes, "newest version wins", and how region rows are summed. The grains only hold state and
/// move messages.
/// </summary>
public static class Aggregates
{
    /// <summary>
    /// The whole totals of a location's current stock at its ledger version, usable stock computed for
    /// <paramref name="date"/>. Null when the catalog does not know the location (reports for it are refused anyway).
    /// </summary>
    public static LocationTotals? TotalsOf(LocationLedger ledger, ICatalogView catalog, DateOnly date)
    {
        if (!catalog.TryGetLocation(ledger.LocationId, out var location)) return null;
        // An exact-size array in item id order (a region keeps it as long as the location's version stands). Every
        // publication builds one line per item, so no LINQ and one dictionary walk.
        var entries = ledger.Items.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var items = new LocationItemTotals[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var (itemId, itemLedger) = entries[i];
            items[i] = ItemTotalsOf(itemLedger.Current(itemId), catalog.TryGetItem(itemId, out var item) ? item.SubstitutionGroup : "", date,
                TrendState.Of(itemLedger.History, date));
        }
        return new LocationTotals(location.Id, location.RegionCode, HealthcareRegions.Of(location), ledger.Version,
            ledger.LastAsOf, ledger.LastReceivedAt, date, items);
    }

    /// <summary>One item's totals: the same figures <see cref="CoverageCell.Of"/> derives (usable at the reported rate).</summary>
    public static LocationItemTotals ItemTotalsOf(ItemStock stock, string substitutionGroup, DateOnly date, TrendState trend = default)
    {
        var expiries = ExpiringQuantity.Of(stock.Lots); // once: the usable split below walks the same form
        return new(stock.ItemId, substitutionGroup, stock.OnHand, stock.Reserved, stock.Quarantined, stock.Available,
            UsableStock.Of(stock.OnHand, stock.Reserved, stock.Quarantined, expiries, stock.AverageDailyConsumption, date).Usable,
            Math.Max(0, stock.AverageDailyConsumption), stock.Discrepancy, stock.AsOf, expiries, stock.SnapshotAsOf, trend);
    }

    /// <summary>
    /// Newest version wins: stores <paramref name="value"/> under <paramref name="key"/> unless what is held
    /// there has the same or a newer version. Returns whether it changed anything. Because only the
    /// newest version counts, duplicates, reordering and lost intermediate versions cannot skew a total.
    /// </summary>
    public static bool Accept<T>(IDictionary<string, T> held, string key, T value, Func<T, long> version)
    {
        if (held.TryGetValue(key, out var current) && version(current) >= version(value)) return false;
        held[key] = value;
        return true;
    }

    /// <summary>
    /// Newest location totals win, ordered by (version, usable-on date): the same stock version recomputed for a
    /// later date (a republication the next day) refreshes usable stock; an exact repeat changes nothing.
    /// </summary>
    public static bool Accept(IDictionary<string, LocationTotals> held, LocationTotals published)
    {
        if (held.TryGetValue(published.LocationId, out var current)
            && (current.Version, current.UsableOn).CompareTo((published.Version, published.UsableOn)) >= 0) return false;
        held[published.LocationId] = published;
        return true;
    }

    /// <summary>
    /// Drops a location's totals that another region has superseded (<see cref="Superseded"/>): only if what is held is
    /// still that copy or older, never a newer one received since. Returns whether anything was dropped.
    /// </summary>
    public static bool Forget(IDictionary<string, LocationTotals> held, string locationId, long version, DateOnly usableOn) =>
        held.TryGetValue(locationId, out var current) && (current.Version, current.UsableOn).CompareTo((version, usableOn)) <= 0
        && held.Remove(locationId);

    public static bool Accept(IDictionary<string, RegionTotals> held, RegionTotals published) =>
        Accept(held, published.RegionCode, published, static t => t.Version);

    /// <summary>
    /// The next version of an aggregate: above the previous one and at least the current time in ticks,
    /// so an aggregate that lost its state and starts again still moves past what its parent holds.
    /// </summary>
    public static long NextVersion(long previous, DateTimeOffset now) => Math.Max(previous + 1, now.UtcTicks);

    /// <summary>
    /// Region rows from the locations' last-known totals: one row per (healthcare region, item) and per
    /// (healthcare region, group key), ordered by healthcare region, subject and key (ordinal). A group counts a
    /// location once however many of its items it holds. The sums are exact, so any order of the same locations gives
    /// the same figures (<see cref="RegionRows"/>, which region aggregates keep up to date one location at a time).
    /// </summary>
    public static IReadOnlyList<AggregateRow> Rows(IEnumerable<LocationTotals> locations) => RegionRows.Of(locations).ToRows();

    /// <summary>What a region publishes to the nation.</summary>
    public static RegionTotals RegionTotalsOf(string regionCode, long version, IEnumerable<LocationTotals> locations)
    {
        var listed = locations as IReadOnlyCollection<LocationTotals> ?? locations.ToList();
        return RegionTotalsOf(regionCode, version, listed, RegionRows.Of(listed));
    }

    /// <summary>What a region publishes to the nation, from the rows it keeps up to date (<paramref name="rows"/> sum <paramref name="locations"/>).</summary>
    public static RegionTotals RegionTotalsOf(string regionCode, long version, IEnumerable<LocationTotals> locations, RegionRows rows) =>
        new(regionCode, version, locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).Select(StatusOf).ToList(), rows.ToRows());

    /// <summary>
    /// Locations listed by more than one region: a location that moved region publishes to its new region, and the old
    /// one keeps its last totals. Returns every copy older, by (version, usable-on date), than the newest copy of the same
    /// location, with the region holding it: those regions should forget it. Exact ties are left alone (no copy is
    /// known to be the older).
    /// </summary>
    public static IReadOnlyList<(string RegionCode, LocationStatus Location)> Superseded(IEnumerable<RegionTotals> regions)
    {
        var newest = new Dictionary<string, (string RegionCode, LocationStatus Location)>(StringComparer.Ordinal);
        var superseded = new List<(string, LocationStatus)>();
        foreach (var region in regions.OrderBy(r => r.RegionCode, StringComparer.Ordinal))
            foreach (var location in region.Locations)
            {
                if (!newest.TryGetValue(location.LocationId, out var held)) { newest[location.LocationId] = (region.RegionCode, location); continue; }
                var order = (held.Location.Version, held.Location.UsableOn).CompareTo((location.Version, location.UsableOn));
                if (order < 0) { superseded.Add(held); newest[location.LocationId] = (region.RegionCode, location); }
                else if (order > 0) superseded.Add((region.RegionCode, location));
            }
        return superseded;
    }

    public static LocationStatus StatusOf(LocationTotals t) =>
        new(t.LocationId, t.HealthcareRegion, t.Version, t.LastAsOf, t.LastReceivedAt, t.UsableOn);

    /// <summary>The national totals restricted to <paramref name="filter"/> (regions by code order).</summary>
    public static NationalTotals Filter(long version, IEnumerable<RegionTotals> regions, AggregateFilter filter)
    {
        var codes = filter.RegionCodes.ToHashSet(StringComparer.Ordinal);
        var keys = filter.Keys.ToHashSet(StringComparer.Ordinal);
        var selected = regions
            .Where(r => codes.Count == 0 || codes.Contains(r.RegionCode))
            .OrderBy(r => r.RegionCode, StringComparer.Ordinal)
            .Select(r => filter.Subject is null && keys.Count == 0
                ? r
                : r with { Rows = r.Rows.Where(x => (filter.Subject is not { } s || x.Subject == s) && (keys.Count == 0 || keys.Contains(x.Key))).ToList() })
            .ToList();
        return new NationalTotals(version, selected);
    }

    /// <summary>
    /// What a scenario needs of these locations (a region aggregate's): per location, in id order, the usable stock of
    /// each asked-for item on the scenario's start date and its daily consumption. The same figures
    /// <see cref="ScenarioStock.Of"/> gives from the locations' own stock: usable stock published for that date is
    /// taken as it is, for another date it is recomputed from the published expiries (<see cref="UsableStock"/>).
    /// </summary>
    public static IReadOnlyList<ScenarioStock> ScenarioStockOf(IEnumerable<LocationTotals> locations, ScenarioStockQuery query)
    {
        var only = query.ItemIds?.ToHashSet(StringComparer.Ordinal);
        return locations.OrderBy(l => l.LocationId, StringComparer.Ordinal)
            .Select(l => new ScenarioStock(l.LocationId, l.Items
                .Where(i => only is null || only.Contains(i.ItemId))
                .Select(i => new ScenarioStockLine(i.ItemId, UsableOn(i, l.UsableOn, query.Start), i.DailyConsumption))
                .ToList()))
            .ToList();
    }

    /// <summary>
    /// The same figures as <see cref="ScenarioStockOf"/> as one <see cref="ScenarioStockTable"/> of the region's
    /// locations (id order) × the asked-for items (ordinal order; every item held when none are named): what a region
    /// answers for a scenario. An item a location does not hold is 0 usable, 0 a day, as if it had no line.
    /// </summary>
    public static ScenarioStockTable ScenarioStockTableOf(string regionCode, IEnumerable<LocationTotals> locations, ScenarioStockQuery query)
    {
        var rows = locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).ToArray();
        var itemIds = (query.ItemIds ?? (IEnumerable<string>)rows.SelectMany(l => l.Items).Select(i => i.ItemId)).Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(itemIds, StringComparer.Ordinal);
        var column = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var c = 0; c < itemIds.Length; c++) column[itemIds[c]] = c;
        var usable = new long[rows.Length * itemIds.Length];
        var daily = new double[usable.Length];
        // Locations of a region mostly hold the same items in the same order: when a location's item ids equal the previous
        // location's, its columns are the previous one's too (comparing ids is cheaper than looking each one up).
        IReadOnlyList<LocationItemTotals>? previous = null;
        var columnOf = Array.Empty<int>(); // per position in the location's items: column, or -1 (not asked for)
        for (var r = 0; r < rows.Length; r++)
        {
            var items = rows[r].Items;
            if (!SameItemIds(items, previous))
            {
                columnOf = new int[items.Count];
                for (var i = 0; i < items.Count; i++) columnOf[i] = column.TryGetValue(items[i].ItemId, out var c) ? c : -1;
                previous = items;
            }
            var row = r * itemIds.Length;
            for (var i = 0; i < items.Count; i++)
            {
                if (columnOf[i] < 0) continue;
                usable[row + columnOf[i]] = UsableOn(items[i], rows[r].UsableOn, query.Start);
                daily[row + columnOf[i]] = items[i].DailyConsumption;
            }
        }
        return new ScenarioStockTable(regionCode, itemIds, Array.ConvertAll(rows, l => l.LocationId), usable, daily);
    }

    private static bool SameItemIds(IReadOnlyList<LocationItemTotals> items, IReadOnlyList<LocationItemTotals>? previous)
    {
        if (previous is null || previous.Count != items.Count) return false;
        for (var i = 0; i < items.Count; i++)
            if (!string.Equals(items[i].ItemId, previous[i].ItemId, StringComparison.Ordinal)) return false;
        return true;
    }

    private static long UsableOn(LocationItemTotals item, DateOnly computedOn, DateOnly date) =>
        date == computedOn ? item.Usable : UsableStock.Of(item.OnHand, item.Reserved, item.Quarantined, item.Expiries, item.DailyConsumption, date).Usable;

    /// <summary>Groups location ids by region code (e.g. the catalog's locations, for a rebuild).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> LocationIdsByRegion(IEnumerable<Location> locations) =>
        locations.GroupBy(l => l.RegionCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.Id).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
}
