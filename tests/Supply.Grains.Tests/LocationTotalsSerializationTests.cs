using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests;

/// <summary>Region aggregates store locations' totals through a columnar surrogate: what is read back must be what was written.</summary>
public sealed class LocationTotalsSerializationTests
{
    [Fact]
    public void A_region_state_reads_back_item_for_item()
    {
        var asOf = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.FromHours(1));
        var totals = new LocationTotals("se-12-a", "12", "south", 7, asOf, asOf.AddMinutes(5), new DateOnly(2026, 11, 20),
        [
            new LocationItemTotals("npl:20050101000017", "A10", 500, 20, 5, 475, 400, 12.5, 0, asOf,
                [new ExpiringQuantity(new DateOnly(2027, 1, 31), 200, "L-A"), new ExpiringQuantity(new DateOnly(2027, 1, 31), 50, "L-B"),
                 new ExpiringQuantity(new DateOnly(2027, 6, 30), 250)], asOf.AddHours(-2)),
            new LocationItemTotals("ppe:gloves", "", 0, 0, 0, 0, 0, 0, 30, null, []),
        ]);
        var state = new RegionAggregateState { Version = 3 };
        state.Locations[totals.LocationId] = totals;

        var copy = DomainSerializer.RoundTrip<RegionAggregateState>(state);

        var back = copy.Locations["se-12-a"];
        Assert.Equal(3, copy.Version);
        Assert.Equal(totals with { Items = [] }, back with { Items = [] });
        Assert.Equal(asOf.Offset, back.LastAsOf!.Value.Offset);
        Assert.Equal(totals.Items.Count, back.Items.Count);
        for (var i = 0; i < totals.Items.Count; i++)
        {
            Assert.Equal(totals.Items[i] with { Expiries = [] }, back.Items[i] with { Expiries = [] });
            Assert.Equal(totals.Items[i].Expiries, back.Items[i].Expiries);
        }
        Assert.Null(back.Items[1].AsOf);
        Assert.Equal(["L-A", "L-B", ""], back.Items[0].Expiries.Select(e => e.LotNumber));
        Assert.Equal(asOf.AddHours(-2), back.Items[0].SnapshotAsOf);
        Assert.Null(back.Items[1].SnapshotAsOf);
        Assert.Equal(TimeSpan.FromHours(1), back.Items[0].AsOf!.Value.Offset);
    }

    [Fact]
    public void Totals_stored_with_string_arrays_before_packing_read_back_the_same()
    {
        var totals = new LocationTotals("se-12-a", "12", "south", 7, null, null, new DateOnly(2026, 11, 20),
        [
            new LocationItemTotals("npl:20050101000017", "A10", 500, 20, 5, 475, 400, 12.5, 0, null,
                [new ExpiringQuantity(new DateOnly(2027, 1, 31), 200, "L-A"), new ExpiringQuantity(new DateOnly(2027, 6, 30), 250)]),
            new LocationItemTotals("ppe:gloves", "", 0, 0, 0, 0, 0, 0, 30, null, []),
        ]);
        var packed = new LocationTotalsConverter().ConvertToSurrogate(totals);
        Assert.Null(packed.ItemIds);
        var old = packed with
        {
            ItemIds = Strings(packed.PackedItemIds), Groups = Strings(packed.PackedGroups), LotNumbers = Strings(packed.PackedLotNumbers),
            PackedItemIds = null, PackedGroups = null, PackedLotNumbers = null,
        };

        var back = new LocationTotalsConverter().ConvertFromSurrogate(old);

        Assert.Equal(totals.Items.Select(i => i with { Expiries = [] }), back.Items.Select(i => i with { Expiries = [] }));
        Assert.Equal(totals.Items.SelectMany(i => i.Expiries), back.Items.SelectMany(i => i.Expiries));
        // Stored before lot numbers were kept at all: each reads as "".
        Assert.All(new LocationTotalsConverter().ConvertFromSurrogate(old with { LotNumbers = null }).Items.SelectMany(i => i.Expiries),
            e => Assert.Equal("", e.LotNumber));
        static string[] Strings(byte[]? column) => PackedStrings.Unpack(column).Select(s => s!).ToArray();
    }
}
