using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;

namespace Supply.Grains.Aggregation;

// A location's totals are what region aggregates hold and rewrite: ~95 locations × 2,000 items in a large region.
// As JSON that was tens of MB per write, serialized on the grain's own turn, so publications queued behind it.
// Column by column in Orleans' binary format it is a fraction of the size and time (see Stock/LedgerSurrogates.cs
// for the same idea on the location ledger). Field ids: add new ones, never reuse.

[GenerateSerializer]
public struct LocationTotalsSurrogate
{
    [Id(0)] public string LocationId;
    [Id(1)] public string RegionCode;
    [Id(2)] public string HealthcareRegion;
    [Id(3)] public long Version;
    [Id(4)] public DateTimeOffset? LastAsOf;
    [Id(5)] public DateTimeOffset? LastReceivedAt;
    [Id(6)] public int UsableOn; // DateOnly day number

    // The string columns are packed (PackedStrings, fields 40-42); states stored before that have them as string arrays
    // (10, 11, 24), read still.
    [Id(10)] public string[]? ItemIds;
    [Id(11)] public string[]? Groups;
    [Id(12)] public long[] OnHand;
    [Id(13)] public long[] Reserved;
    [Id(14)] public long[] Quarantined;
    [Id(15)] public long[] Available;
    [Id(16)] public long[] Usable;
    [Id(17)] public double[] DailyConsumption;
    [Id(18)] public long[] Discrepancy;
    [Id(19)] public long[] AsOfTicks; // UTC ticks; 0 = none
    [Id(20)] public short[] AsOfOffsets;
    // Expiries of all items in item order; ExpiryCounts[i] of them belong to item i.
    [Id(21)] public int[] ExpiryCounts;
    [Id(22)] public int[] ExpiresOn;
    [Id(23)] public long[] ExpiringQuantities;
    // Lot numbers beside the expiries (null in states stored before lots were kept: read as "").
    [Id(24)] public string[]? LotNumbers;
    [Id(25)] public long[]? SnapshotAsOfTicks; // UTC ticks; 0 = none
    [Id(26)] public short[]? SnapshotAsOfOffsets;
    // Consumption trend per item (TrendState; docs/projection.md). Null when no item has one, as in states stored before.
    [Id(30)] public double[]? Burn7;
    [Id(31)] public int[]? Observations7;
    [Id(32)] public double[]? Burn28;
    [Id(33)] public int[]? Observations28;
    [Id(34)] public double[]? Level;
    [Id(35)] public double[]? Slope;
    [Id(36)] public int[]? Observations;

    [Id(40)] public byte[]? PackedItemIds;
    [Id(41)] public byte[]? PackedGroups;
    [Id(42)] public byte[]? PackedLotNumbers;
}

[RegisterConverter]
public sealed class LocationTotalsConverter : IConverter<LocationTotals, LocationTotalsSurrogate>
{
    public LocationTotalsSurrogate ConvertToSurrogate(in LocationTotals value)
    {
        var n = value.Items.Count;
        var expiries = 0;
        foreach (var item in value.Items) expiries += item.Expiries.Count;
        var s = new LocationTotalsSurrogate
        {
            LocationId = value.LocationId, RegionCode = value.RegionCode, HealthcareRegion = value.HealthcareRegion, Version = value.Version,
            LastAsOf = value.LastAsOf, LastReceivedAt = value.LastReceivedAt, UsableOn = value.UsableOn.DayNumber,
            OnHand = new long[n], Reserved = new long[n], Quarantined = new long[n],
            Available = new long[n], Usable = new long[n], DailyConsumption = new double[n], Discrepancy = new long[n],
            AsOfTicks = new long[n], AsOfOffsets = new short[n], ExpiryCounts = new int[n], ExpiresOn = new int[expiries],
            ExpiringQuantities = new long[expiries], SnapshotAsOfTicks = new long[n],
            SnapshotAsOfOffsets = new short[n],
        };
        var (itemIds, groups, lotNumbers) = (new string[n], new string[n], new string[expiries]);
        var e = 0;
        if (value.Items.Any(i => i.Trend != default))
        {
            s.Burn7 = new double[n]; s.Observations7 = new int[n]; s.Burn28 = new double[n]; s.Observations28 = new int[n];
            s.Level = new double[n]; s.Slope = new double[n]; s.Observations = new int[n];
        }
        for (var i = 0; i < n; i++)
        {
            var item = value.Items[i];
            if (s.Burn7 is not null)
            {
                var t = item.Trend;
                (s.Burn7[i], s.Observations7![i], s.Burn28![i], s.Observations28![i]) = (t.Burn7, t.Observations7, t.Burn28, t.Observations28);
                (s.Level![i], s.Slope![i], s.Observations![i]) = (t.Level, t.Slope, t.Observations);
            }
            itemIds[i] = item.ItemId;
            groups[i] = item.SubstitutionGroup;
            s.OnHand[i] = item.OnHand;
            s.Reserved[i] = item.Reserved;
            s.Quarantined[i] = item.Quarantined;
            s.Available[i] = item.Available;
            s.Usable[i] = item.Usable;
            s.DailyConsumption[i] = item.DailyConsumption;
            s.Discrepancy[i] = item.Discrepancy;
            if (item.AsOf is { } asOf) (s.AsOfTicks[i], s.AsOfOffsets[i]) = StoredTime.Split(asOf);
            if (item.SnapshotAsOf is { } snapshotAsOf) (s.SnapshotAsOfTicks[i], s.SnapshotAsOfOffsets[i]) = StoredTime.Split(snapshotAsOf);
            s.ExpiryCounts[i] = item.Expiries.Count;
            for (var j = 0; j < item.Expiries.Count; j++) // by index: a foreach over the list would box its enumerator per line
            {
                var x = item.Expiries[j];
                s.ExpiresOn[e] = x.ExpiresOn.DayNumber;
                lotNumbers[e] = x.LotNumber ?? "";
                s.ExpiringQuantities[e++] = x.Quantity;
            }
        }
        (s.PackedItemIds, s.PackedGroups, s.PackedLotNumbers) = (PackedStrings.Pack(itemIds), PackedStrings.Pack(groups), PackedStrings.Pack(lotNumbers));
        return s;
    }

    public LocationTotals ConvertFromSurrogate(in LocationTotalsSurrogate s)
    {
        var (itemIds, groups) = (PackedStrings.Read(s.PackedItemIds, s.ItemIds), PackedStrings.Read(s.PackedGroups, s.Groups));
        // States stored before lots were kept have no lot numbers at all: read as "".
        var lotNumbers = s.PackedLotNumbers is null && s.LotNumbers is null ? null : PackedStrings.Read(s.PackedLotNumbers, s.LotNumbers);
        var items = new LocationItemTotals[itemIds.Length];
        var e = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var expiries = s.ExpiryCounts[i] == 0 ? [] : new ExpiringQuantity[s.ExpiryCounts[i]];
            for (var k = 0; k < expiries.Length; k++, e++)
                expiries[k] = new ExpiringQuantity(DateOnly.FromDayNumber(s.ExpiresOn[e]), s.ExpiringQuantities[e], LotNumber(lotNumbers, e));
            DateTimeOffset? asOf = s.AsOfTicks[i] == 0 ? null : StoredTime.Join(s.AsOfTicks[i], s.AsOfOffsets[i]);
            DateTimeOffset? snapshotAsOf = s.SnapshotAsOfTicks is { } ticks && ticks[i] != 0 ? StoredTime.Join(ticks[i], s.SnapshotAsOfOffsets![i]) : null;
            items[i] = new LocationItemTotals(SharedStrings.Of(itemIds[i]!), SharedStrings.Of(groups[i] ?? ""), s.OnHand[i], s.Reserved[i], s.Quarantined[i], s.Available[i],
                s.Usable[i], s.DailyConsumption[i], s.Discrepancy[i], asOf, expiries, snapshotAsOf,
                s.Burn7 is null ? default : new Supply.Domain.Forecast.TrendState(s.Burn7[i], s.Observations7![i], s.Burn28![i],
                    s.Observations28![i], s.Level![i], s.Slope![i], s.Observations![i]));
        }
        return new LocationTotals(s.LocationId, s.RegionCode, s.HealthcareRegion, s.Version, s.LastAsOf, s.LastReceivedAt,
            DateOnly.FromDayNumber(s.UsableOn), items);
    }

    // Many locations hold the same lots of an item (one delivery spread over a region): one string per lot number
    // keeps a region's copies from costing a string each.
    private static string LotNumber(string?[]? numbers, int at) => numbers?[at] is { } number ? SharedStrings.Of(number) : "";
}
