using System.Collections;

namespace Supply.Domain.Scenarios;

/// <summary>
/// Usable stock on a scenario's start date and reported daily consumption of some items at some locations: one dense
/// row per location, row-major (<c>[location * ItemIds.Length + item]</c>). What a region aggregate answers for a
/// scenario: four arrays, not one record per (location, item), so a nation-wide scenario (a million cells) costs no
/// per-cell allocation or hashing on its way to the engine.
/// </summary>
/// <param name="RegionCode">The region whose aggregate made the table.</param>
/// <param name="ItemIds">Column order.</param>
/// <param name="LocationIds">Row order (the aggregate's ordinal id order).</param>
public sealed record ScenarioStockTable(string RegionCode, string[] ItemIds, string[] LocationIds, long[] Usable, double[] DailyConsumption)
{
    /// <summary>Refuses a table whose arrays do not have rows × columns cells (one built by hand, or damaged on the way).</summary>
    public void EnsureShape()
    {
        var cells = (long)ItemIds.Length * LocationIds.Length;
        if (Usable.Length != cells || DailyConsumption.Length != cells)
            throw new ArgumentException($"a stock table of {LocationIds.Length} locations × {ItemIds.Length} items needs {cells} cells per figure, " +
                                        $"not {Usable.Length} and {DailyConsumption.Length}");
    }
}

/// <summary>
/// Stock entries held column by column: per item (ordinal id order) the locations holding it (ascending numbers into
/// <see cref="LocationIds"/>, ordinal id order) and how much each holds (every quantity positive). Built once from
/// <see cref="ScenarioStockTable"/>s (<see cref="ScenarioInput.FromTables"/>); the engine and the validation read
/// the columns directly, and as a list it reads like any other stock (item by item, location order within an item).
/// </summary>
public sealed class StockColumns : IReadOnlyList<StockAvailable>
{
    private readonly int[] _start; // index of each item's first entry in the list order; one more at the end

    /// <exception cref="ArgumentException">ids not in strictly increasing ordinal order, or a column out of order, out of range or not positive.</exception>
    public StockColumns(string[] locationIds, string[] itemIds, int[][] holders, long[][] quantities)
    {
        RequireIncreasing(locationIds, nameof(locationIds));
        RequireIncreasing(itemIds, nameof(itemIds));
        if (holders.Length != itemIds.Length || quantities.Length != itemIds.Length)
            throw new ArgumentException("one column of holders and of quantities per item");
        _start = new int[itemIds.Length + 1];
        for (var k = 0; k < itemIds.Length; k++)
        {
            var (h, q) = (holders[k], quantities[k]);
            if (h.Length != q.Length) throw new ArgumentException($"item {k}: {h.Length} holders but {q.Length} quantities");
            for (var i = 0; i < h.Length; i++)
            {
                if ((uint)h[i] >= (uint)locationIds.Length || (i > 0 && h[i] <= h[i - 1]))
                    throw new ArgumentException($"item {k}: holders must be increasing location numbers below {locationIds.Length}");
                if (q[i] <= 0) throw new ArgumentException($"item {k}: quantities must be positive");
            }
            _start[k + 1] = checked(_start[k] + h.Length);
        }
        LocationIds = locationIds;
        ItemIds = itemIds;
        Holders = holders;
        Quantities = quantities;
    }

    public string[] LocationIds { get; }
    public string[] ItemIds { get; }
    /// <summary>Per item: the numbers (into <see cref="LocationIds"/>) of the locations holding it, ascending.</summary>
    public int[][] Holders { get; }
    /// <summary>Per item: what each of its holders holds (positive).</summary>
    public long[][] Quantities { get; }

    public int Count => _start[^1];

    public StockAvailable this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var k = Array.BinarySearch(_start, index);
            if (k < 0) k = ~k - 1;
            while (_start[k + 1] == index) k++; // skip items without holders
            var i = index - _start[k];
            return new StockAvailable(LocationIds[Holders[k][i]], ItemIds[k], Quantities[k][i]);
        }
    }

    public IEnumerator<StockAvailable> GetEnumerator()
    {
        for (var k = 0; k < ItemIds.Length; k++)
            for (var i = 0; i < Holders[k].Length; i++)
                yield return new StockAvailable(LocationIds[Holders[k][i]], ItemIds[k], Quantities[k][i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static void RequireIncreasing(string[] ids, string name)
    {
        for (var i = 1; i < ids.Length; i++)
            if (string.CompareOrdinal(ids[i - 1], ids[i]) >= 0)
                throw new ArgumentException($"{name} must be in strictly increasing ordinal order ('{Text.Clip(ids[i - 1])}', '{Text.Clip(ids[i])}')", name);
    }
}
