using Supply.Domain.Scenarios;

namespace Supply.Planning;

/// <summary>An input's stock by item, built once per run: locations in ordinal id order, each item's holders in that order.</summary>
internal sealed class StockIndex
{
    private readonly Dictionary<string, (int[] Holders, long[] Quantities)> _byItem = new(StringComparer.Ordinal);

    public SourceLocation[] Locations { get; }
    public Dictionary<string, int> Number { get; }
    public IEnumerable<string> ItemIds => _byItem.Keys;

    public StockIndex(ScenarioInput input)
    {
        Locations = input.Locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).ToArray();
        var number = Number = new Dictionary<string, int>(Locations.Length, StringComparer.Ordinal);
        for (var i = 0; i < Locations.Length; i++) number[Locations[i].LocationId] = i;
        if (input.Stock is StockColumns columns)
        {
            var map = Array.ConvertAll(columns.LocationIds, id => number[id]); // columns list holders in location id order too
            for (var c = 0; c < columns.ItemIds.Length; c++)
                _byItem[columns.ItemIds[c]] = (Array.ConvertAll(columns.Holders[c], h => map[h]), columns.Quantities[c]);
            return;
        }
        foreach (var g in input.Stock.Where(s => s.Quantity > 0).GroupBy(s => s.ItemId, StringComparer.Ordinal))
        {
            var held = g.Select(s => (Location: number[s.LocationId], s.Quantity)).OrderBy(x => x.Location).ToArray();
            _byItem[g.Key] = (held.Select(x => x.Location).ToArray(), held.Select(x => x.Quantity).ToArray());
        }
    }

    /// <summary>The holders of an item and what they hold at the start (shared: callers copy before taking).</summary>
    public (int[] Holders, long[] Quantities) Of(string itemId) => _byItem.TryGetValue(itemId, out var x) ? x : ([], []);
}

/// <summary>The delivery-reduction rule of the scenario engine: what a supplier may release on a day, from its stock when the day starts.</summary>
internal static class SupplierCaps
{
    /// <summary>The cap, or null when no reduction applies to this supplier on that day.</summary>
    public static long? Cap(IReadOnlyList<DeliveryReduction>? reductions, DateOnly date, string supplierId, long stockAtDayStart)
    {
        if (reductions is null) return null;
        double factor = 1;
        long less = 0;
        var active = false;
        foreach (var r in reductions)
        {
            if (date < r.From || date > r.To) continue;
            if (r.SupplierLocationId.Length > 0 && r.SupplierLocationId != supplierId) continue;
            active = true;
            if (r.Factor is { } f) factor *= f;
            else less += r.Quantity ?? 0;
        }
        if (!active) return null;
        var scaled = factor >= 1 ? stockAtDayStart : (long)Math.Floor(stockAtDayStart * factor + 1e-9);
        return Math.Max(0, scaled - less);
    }
}
