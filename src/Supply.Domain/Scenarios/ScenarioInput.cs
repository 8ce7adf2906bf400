using System.Runtime.InteropServices;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Stock;

namespace Supply.Domain.Scenarios;

/// <summary>
/// A place stock can come from. <see cref="LeadTimeDays"/> overrides the lead time of its tier
/// (suppliers each have their own).
/// </summary>
public sealed record SourceLocation(string LocationId, string RegionCode, string HealthcareRegion, LocationKind Kind, int? LeadTimeDays = null)
{
    public static SourceLocation From(Location location, int? leadTimeDays = null) =>
        new(location.Id, location.RegionCode, HealthcareRegions.Of(location), location.Kind, leadTimeDays);

    /// <summary>Stockpiles and suppliers are national: they have no region reserve and no ordinary consumption.</summary>
    public bool IsRegional => Kind is not (LocationKind.NationalStockpile or LocationKind.Supplier);
}

/// <summary>Usable units of an item at a location when the scenario starts (a struct: a nation has a million of them).</summary>
public readonly record struct StockAvailable(string LocationId, string ItemId, long Quantity);

/// <summary>One item at one location as a scenario starts: usable units on the start date and the reported daily consumption.</summary>
public readonly record struct ScenarioStockLine(string ItemId, long Usable, double DailyConsumption);

/// <summary>A location's stock as a scenario needs it (lines in the location's item order).</summary>
public sealed record ScenarioStock(string LocationId, IReadOnlyList<ScenarioStockLine> Lines)
{
    /// <summary>Usable stock on <paramref name="start"/> (<see cref="UsableStock"/>, at the reported rate) of every item of a location.</summary>
    public static ScenarioStock Of(LocationStockView view, DateOnly start) =>
        new(view.LocationId, view.Items.Select(line => new ScenarioStockLine(line.ItemId, UsableStock.Of(line, start).Usable, Math.Max(0, line.AverageDailyConsumption))).ToList());
}

/// <summary>What to ask the region aggregates for: usable stock on <see cref="Start"/> of <see cref="ItemIds"/> (null: every item).</summary>
public sealed record ScenarioStockQuery(DateOnly Start, IReadOnlyCollection<string>? ItemIds);

/// <summary>A region's ordinary (everyday) use of an item, units per day.</summary>
public sealed record OrdinaryConsumption(string RegionCode, string ItemId, double PerDay);

/// <summary>
/// An item and its substitution group (empty: none), so group demand knows which items may meet it; its criticality
/// weighs its shortfall in the fair plan (life-saving above essential above the rest).
/// </summary>
public sealed record ScenarioItem(string ItemId, string SubstitutionGroup, Criticality Criticality = Criticality.Unspecified);

/// <summary>Everything the engine needs: plain data, no I/O.</summary>
public sealed record ScenarioInput(
    Scenario Scenario,
    IReadOnlyList<SourceLocation> Locations,
    IReadOnlyList<StockAvailable> Stock,
    IReadOnlyList<OrdinaryConsumption> Ordinary,
    IReadOnlyList<ScenarioItem> Items,
    IReadOnlyList<DeliveryReduction> Reductions)
{
    /// <summary>
    /// Builds the input from the domain's own views: usable stock on the scenario's start date
    /// (<see cref="UsableStock"/>), ordinary consumption = the sum of the reported daily consumption of each
    /// region's regional locations. <paramref name="leadTimeDays"/> gives per-location lead times (suppliers).
    /// </summary>
    public static ScenarioInput FromStock(
        Scenario scenario, IEnumerable<Location> locations, IEnumerable<Item> items, IEnumerable<LocationStockView> stock,
        IEnumerable<DeliveryReduction>? reductions = null, IReadOnlyDictionary<string, int>? leadTimeDays = null) =>
        FromUsable(scenario, locations, items, stock.Select(v => ScenarioStock.Of(v, scenario.Start)), reductions, leadTimeDays);

    /// <summary>
    /// The same input from per-location usable figures already computed for the start date (e.g. by the region
    /// aggregates, <see cref="Aggregation.Aggregates.ScenarioStockOf"/>): given the same figures, the same input as
    /// <see cref="FromStock"/>. Stock of locations not in <paramref name="locations"/> is ignored.
    /// </summary>
    public static ScenarioInput FromUsable(
        Scenario scenario, IEnumerable<Location> locations, IEnumerable<Item> items, IEnumerable<ScenarioStock> stock,
        IEnumerable<DeliveryReduction>? reductions = null, IReadOnlyDictionary<string, int>? leadTimeDays = null)
    {
        var (sources, byId) = Sources(locations, leadTimeDays);
        var available = new List<StockAvailable>();
        // Summed per region and item in location order (the same floating-point result every time); sorted once at the end.
        var ordinary = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var location in stock.OrderBy(v => v.LocationId, StringComparer.Ordinal))
        {
            if (!byId.TryGetValue(location.LocationId, out var source)) continue;
            Dictionary<string, double>? regional = null;
            if (source.IsRegional && !ordinary.TryGetValue(source.RegionCode, out regional))
                ordinary[source.RegionCode] = regional = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var line in location.Lines)
            {
                if (line.Usable > 0) available.Add(new StockAvailable(location.LocationId, line.ItemId, line.Usable));
                if (regional is not null && line.DailyConsumption > 0)
                    CollectionsMarshal.GetValueRefOrAddDefault(regional, line.ItemId, out _) += line.DailyConsumption;
            }
        }
        return new ScenarioInput(scenario, sources, available,
            ordinary.SelectMany(r => r.Value.Select(i => (Key: (Region: r.Key, Item: i.Key), Sum: i.Value))).OrderBy(x => x.Key)
                .Select(x => new OrdinaryConsumption(x.Key.Region, x.Key.Item, x.Sum)).ToList(),
            items.Select(i => new ScenarioItem(i.Id, i.SubstitutionGroup, i.Criticality)).ToList(),
            reductions?.ToList() ?? []);
    }

    /// <summary>
    /// The same input as <see cref="FromUsable"/> from the region aggregates' stock tables
    /// (<see cref="Aggregation.Aggregates.ScenarioStockTableOf"/>), without a record per (location, item): stock goes
    /// into <see cref="StockColumns"/>, ordinary consumption is summed per region and item in location order (the same
    /// floating-point sums). Rows of locations not in <paramref name="locations"/> are ignored; a location found in
    /// several tables (it moved region while the aggregates caught up) counts once: from its current region's table,
    /// else from the first table listing it.
    /// </summary>
    public static ScenarioInput FromTables(
        Scenario scenario, IEnumerable<Location> locations, IEnumerable<Item> items, IReadOnlyList<ScenarioStockTable> tables,
        IEnumerable<DeliveryReduction>? reductions = null, IReadOnlyDictionary<string, int>? leadTimeDays = null)
    {
        var (sources, byId) = Sources(locations, leadTimeDays);

        // Which table row stands for each location: the row of its current region's table if there is one.
        var rows = new Dictionary<string, (int Table, int Row, bool Current)>(StringComparer.Ordinal);
        for (var t = 0; t < tables.Count; t++)
        {
            var table = tables[t];
            table.EnsureShape();
            for (var r = 0; r < table.LocationIds.Length; r++)
            {
                var id = table.LocationIds[r];
                if (!byId.TryGetValue(id, out var source)) continue;
                var current = string.Equals(table.RegionCode, source.RegionCode, StringComparison.Ordinal);
                if (!rows.TryGetValue(id, out var held) || (current && !held.Current)) rows[id] = (t, r, current);
            }
        }
        var locationIds = rows.Keys.ToArray();
        Array.Sort(locationIds, StringComparer.Ordinal);
        var itemIds = tables.SelectMany(t => t.ItemIds).Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(itemIds, StringComparer.Ordinal);
        var itemIndex = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var k = 0; k < itemIds.Length; k++) itemIndex[itemIds[k]] = k;
        var columnsOf = tables.Select(t => Array.ConvertAll(t.ItemIds, id => itemIndex[id])).ToArray(); // table column -> item number

        // Two passes over the cells: count each item's holders, then fill its columns in location order.
        var counts = new int[itemIds.Length];
        foreach (var id in locationIds)
        {
            var (t, r, _) = rows[id];
            var (table, columns, width) = (tables[t], columnsOf[t], tables[t].ItemIds.Length);
            for (var c = 0; c < width; c++)
                if (table.Usable[r * width + c] > 0) counts[columns[c]]++;
        }
        var holders = new int[itemIds.Length][];
        var quantities = new long[itemIds.Length][];
        for (var k = 0; k < itemIds.Length; k++) (holders[k], quantities[k]) = (new int[counts[k]], new long[counts[k]]);
        Array.Clear(counts);
        var ordinary = new Dictionary<string, double[]>(StringComparer.Ordinal); // region -> per item
        for (var l = 0; l < locationIds.Length; l++)
        {
            var (t, r, _) = rows[locationIds[l]];
            var (table, columns, width) = (tables[t], columnsOf[t], tables[t].ItemIds.Length);
            var source = byId[locationIds[l]];
            double[]? regional = null;
            if (source.IsRegional && !ordinary.TryGetValue(source.RegionCode, out regional))
                ordinary[source.RegionCode] = regional = new double[itemIds.Length];
            for (var c = 0; c < width; c++)
            {
                var k = columns[c];
                var usable = table.Usable[r * width + c];
                if (usable > 0)
                {
                    holders[k][counts[k]] = l;
                    quantities[k][counts[k]++] = usable;
                }
                var daily = table.DailyConsumption[r * width + c];
                if (regional is not null && daily > 0) regional[k] += daily;
            }
        }
        var ordinaryList = new List<OrdinaryConsumption>();
        foreach (var region in ordinary.Keys.Order(StringComparer.Ordinal))
        {
            var perItem = ordinary[region];
            // Only positive rates are summed (as in FromUsable), so a zero sum means the region has no line for the item.
            for (var k = 0; k < itemIds.Length; k++)
                if (perItem[k] > 0) ordinaryList.Add(new OrdinaryConsumption(region, itemIds[k], perItem[k]));
        }
        return new ScenarioInput(scenario, sources, new StockColumns(locationIds, itemIds, holders, quantities), ordinaryList,
            items.Select(i => new ScenarioItem(i.Id, i.SubstitutionGroup, i.Criticality)).ToList(),
            reductions?.ToList() ?? []);
    }

    /// <summary>The sources for <paramref name="locations"/> (with per-location lead times), and the same by id.</summary>
    private static (List<SourceLocation> Sources, Dictionary<string, SourceLocation> ById) Sources(
        IEnumerable<Location> locations, IReadOnlyDictionary<string, int>? leadTimeDays)
    {
        var sources = locations.Select(l => SourceLocation.From(l, leadTimeDays is not null && leadTimeDays.TryGetValue(l.Id, out var d) ? d : null))
            .ToList();
        return (sources, sources.ToDictionary(s => s.LocationId, StringComparer.Ordinal));
    }

    /// <summary>
    /// The items a scenario can touch: those its profiles name and every item of the substitution groups they name.
    /// Items are independent in the engine (stock, reserve and ordinary use are all per item), so an input holding
    /// only these gives the same lines, transfers and totals as one holding every item; only the ordinary-care lines
    /// of the other items are left out.
    /// </summary>
    public static IReadOnlySet<string> ItemsNeeded(Scenario scenario, IEnumerable<Item> items)
    {
        var uses = scenario.Profiles.SelectMany(p => p.Categories).SelectMany(c => c.Uses).Select(u => u.Supply).ToList();
        var groups = uses.Where(u => u.Kind == SupplyKind.Group).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var needed = uses.Where(u => u.Kind == SupplyKind.Item).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var item in items)
            if (item.SubstitutionGroup.Length > 0 && groups.Contains(item.SubstitutionGroup)) needed.Add(item.Id);
        return needed;
    }

    /// <summary>All violations of the input; field names are those of the scenario file.</summary>
    public IReadOnlyList<Violation> Validate()
    {
        var v = new Violations();
        Scenario.Validate(v);
        for (var i = 0; i < Scenario.Profiles.Count; i++) Scenario.ValidateProfile(Scenario.Profiles[i], v, $"profiles[{i}]");

        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        for (var i = 0; i < Locations.Count; i++)
        {
            var l = Locations[i];
            var p = $"locations[{i}]";
            if (!LocationId.IsValid(l.LocationId, out var why)) v.Add($"{p}.id", why);
            else v.Check(locations.TryAdd(l.LocationId, l), $"{p}.id", $"'{Text.Clip(l.LocationId)}' is listed twice");
            v.Check(Regions.IsRegionCode(l.RegionCode), $"{p}.region", $"'{Text.Clip(l.RegionCode)}' is not a Swedish region code");
            v.Check(Enum.IsDefined(l.Kind) && l.Kind != LocationKind.Unspecified, $"{p}.kind", "must be a known location kind");
            v.Check(l.LeadTimeDays is null or >= 0 and <= Scenario.MaxLeadTimeDays, $"{p}.lead_time_days", $"must be 0 to {Scenario.MaxLeadTimeDays}");
            if (v.Items.Count >= Limits.MaxViolations) break;
        }

        if (Stock is StockColumns columns) ValidateColumns(columns, locations, v);
        else ValidateStockList(locations, v);

        var ordinaryKeys = new HashSet<(string, string)>();
        for (var i = 0; i < Ordinary.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            var o = Ordinary[i];
            var p = $"ordinary_consumption[{i}]";
            v.Check(Regions.IsRegionCode(o.RegionCode), $"{p}.region", $"'{Text.Clip(o.RegionCode)}' is not a Swedish region code");
            if (!ItemId.IsValid(o.ItemId, out var why)) v.Add($"{p}.item", why);
            v.Check(double.IsFinite(o.PerDay) && o.PerDay is >= 0 and <= 1e12, $"{p}.per_day", "must be a finite number, not negative");
            v.Check(ordinaryKeys.Add((o.RegionCode, o.ItemId)), $"{p}", $"region {Text.Clip(o.RegionCode)} and '{Text.Clip(o.ItemId)}' are listed twice");
        }

        var itemIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Items.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            var it = Items[i];
            if (!ItemId.IsValid(it.ItemId, out var why)) v.Add($"items[{i}].id", why);
            else v.Check(itemIds.Add(it.ItemId), $"items[{i}].id", $"'{Text.Clip(it.ItemId)}' is listed twice");
            v.Check(it.SubstitutionGroup.Length == 0 || Text.IsToken(it.SubstitutionGroup, 64), $"items[{i}].group",
                "must be a token of at most 64 characters without spaces");
        }

        for (var i = 0; i < Reductions.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            var r = Reductions[i];
            var p = $"delivery_reductions[{i}]";
            if (!ItemId.IsValid(r.ItemId, out var why)) v.Add($"{p}.item", why);
            v.Check(r.From <= r.To, $"{p}.to", "must not be before 'from'");
            v.Check(r.Factor.HasValue != r.Quantity.HasValue, p, "give exactly one of 'factor' and 'quantity'");
            v.Check(r.Factor is null || (double.IsFinite(r.Factor.Value) && r.Factor is >= 0 and <= 1), $"{p}.factor", "must be from 0 to 1");
            v.Check(r.Quantity is null or >= 0 and <= Limits.MaxQuantity, $"{p}.quantity", "must be a whole number, not negative");
            if (r.SupplierLocationId.Length > 0)
                v.Check(locations.TryGetValue(r.SupplierLocationId, out var s) && s.Kind == LocationKind.Supplier, $"{p}.supplier",
                    $"'{Text.Clip(r.SupplierLocationId)}' is not a supplier location");
        }
        return v.Items;
    }

    /// <summary>
    /// A nation-wide input has a million stock entries, grouped by location: look a location up once per run of its
    /// entries, check each item id once, and build field paths only for a violation.
    /// </summary>
    private void ValidateStockList(Dictionary<string, SourceLocation> locations, Violations v)
    {
        var itemsAt = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var itemChecks = new Dictionary<string, string?>(StringComparer.Ordinal); // id -> why it is invalid (null: valid)
        string? lastLocation = null;
        HashSet<string>? seenHere = null;
        var known = false;
        for (var i = 0; i < Stock.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            var s = Stock[i];
            if (seenHere is null || !string.Equals(s.LocationId, lastLocation, StringComparison.Ordinal))
            {
                lastLocation = s.LocationId;
                known = locations.ContainsKey(s.LocationId);
                ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(itemsAt, s.LocationId, out _);
                seenHere = set ??= new HashSet<string>(StringComparer.Ordinal);
            }
            if (!known) v.Add($"stock[{i}].location", $"'{Text.Clip(s.LocationId)}' is not one of the locations");
            ref var why = ref CollectionsMarshal.GetValueRefOrAddDefault(itemChecks, s.ItemId, out var checkedBefore);
            if (!checkedBefore) why = ItemId.IsValid(s.ItemId, out var reason) ? null : reason;
            if (why is not null) v.Add($"stock[{i}].item", why);
            if (s.Quantity is < 0 or > Limits.MaxQuantity) v.Add($"stock[{i}].quantity", "must be a whole number, not negative");
            if (!seenHere.Add(s.ItemId)) v.Add($"stock[{i}]", $"stock of '{Text.Clip(s.ItemId)}' at '{Text.Clip(s.LocationId)}' is listed twice");
        }
    }

    /// <summary>
    /// Columns are unique, in order and positive by construction (<see cref="StockColumns"/> refuses anything else):
    /// what is left to check is each location and item id once, and each quantity's upper bound.
    /// </summary>
    private static void ValidateColumns(StockColumns columns, Dictionary<string, SourceLocation> locations, Violations v)
    {
        foreach (var id in columns.LocationIds)
        {
            if (v.Items.Count >= Limits.MaxViolations) return;
            v.Check(locations.ContainsKey(id), "stock.location", $"'{Text.Clip(id)}' is not one of the locations");
        }
        for (var k = 0; k < columns.ItemIds.Length && v.Items.Count < Limits.MaxViolations; k++)
        {
            if (!ItemId.IsValid(columns.ItemIds[k], out var why)) v.Add("stock.item", why);
            foreach (var q in columns.Quantities[k])
                if (q > Limits.MaxQuantity)
                {
                    v.Add("stock.quantity", $"stock of '{Text.Clip(columns.ItemIds[k])}' must be a whole number, not negative");
                    break;
                }
        }
    }
}
