namespace Supply.Storage.Tests;

/// <summary>A lot of one item: the shape of the product's stock records, for large-state tests.</summary>
[GenerateSerializer]
public sealed record LotRecord(
    [property: Id(0)] string LotNumber,
    [property: Id(1)] DateOnly Expiry,
    [property: Id(2)] decimal Quantity);

[GenerateSerializer]
public sealed record ItemRecord(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Location,
    [property: Id(2)] List<LotRecord> Lots);

/// <summary>Grain state holding many items with their lots (several MB serialized at 20,000 items).</summary>
[GenerateSerializer]
public sealed class InventoryTestState
{
    [Id(0)] public string Label { get; set; } = "";
    [Id(1)] public List<ItemRecord> Items { get; set; } = [];

    public static InventoryTestState Create(string label, int items, int lotsPerItem, int seed)
    {
        var random = new Random(seed);
        var start = new DateOnly(2026, 1, 1);
        var state = new InventoryTestState { Label = label };
        for (var i = 0; i < items; i++)
        {
            var lots = new List<LotRecord>(lotsPerItem);
            for (var l = 0; l < lotsPerItem; l++)
            {
                lots.Add(new LotRecord(
                    $"LOT-{seed}-{i:D6}-{l}-{random.Next():X8}",
                    start.AddDays(random.Next(0, 730)),
                    random.Next(1, 100_000) / 100m));
            }

            state.Items.Add(new ItemRecord($"SKU-{i:D6}-{random.Next():X8}", $"WH{random.Next(1, 40):D2}-A{random.Next(1, 99):D2}", lots));
        }

        return state;
    }

    /// <summary>Field-by-field equality (records compare their lists by reference).</summary>
    public static void AssertEqual(InventoryTestState expected, InventoryTestState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            var e = expected.Items[i];
            var a = actual.Items[i];
            Assert.Equal(e.Sku, a.Sku);
            Assert.Equal(e.Location, a.Location);
            Assert.Equal(e.Lots, a.Lots); // LotRecord has value equality
        }
    }
}
