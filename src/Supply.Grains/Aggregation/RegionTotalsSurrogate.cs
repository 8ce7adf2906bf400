using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;

namespace Supply.Grains.Aggregation;

// The national aggregate stores every region's totals whole, every few seconds while reports arrive: 21 regions × ~4,000
// rows nationally. As JSON (how Orleans carries domain records) that write was 9% of a national load's CPU; column by
// column in Orleans' binary format it is a fraction of that (see LocationTotalsSurrogate.cs for the same idea). Only the
// stored state uses this form: a region's push to the nation travels as before. Field ids: add new ones, never reuse.

/// <summary>A region's totals as the national aggregate stores them (<see cref="NationalAggregateState.StoredRegions"/>).</summary>
public sealed record StoredRegionTotals(RegionTotals Totals);

[GenerateSerializer]
public struct RegionTotalsSurrogate
{
    [Id(0)] public string RegionCode;
    [Id(1)] public long Version;

    // Locations: one entry each. Times as UTC ticks (0 = none) and offsets in minutes; days as day numbers.
    [Id(10)] public byte[] LocationIds;
    [Id(11)] public byte[] LocationHealthcareRegions;
    [Id(12)] public long[] LocationVersions;
    [Id(13)] public long[] LastAsOfTicks;
    [Id(14)] public short[] LastAsOfOffsets;
    [Id(15)] public long[] LastReceivedTicks;
    [Id(16)] public short[] LastReceivedOffsets;
    [Id(17)] public int[] UsableOn;

    // Rows: one entry each; string columns packed (PackedStrings).
    [Id(20)] public byte[] HealthcareRegions;
    [Id(21)] public byte[] Subjects;
    [Id(22)] public byte[] Keys;
    [Id(23)] public byte[] SubstitutionGroups;
    [Id(24)] public long[] OnHand;
    [Id(25)] public long[] Reserved;
    [Id(26)] public long[] Quarantined;
    [Id(27)] public long[] Available;
    [Id(28)] public long[] Usable;
    [Id(29)] public double[] DailyConsumption;
    [Id(30)] public int[] Locations;
    [Id(31)] public int[] LocationsWithDiscrepancy;
    [Id(32)] public long[] OldestAsOfTicks;
    [Id(33)] public short[] OldestAsOfOffsets;
    [Id(34)] public long[] NewestAsOfTicks;
    [Id(35)] public short[] NewestAsOfOffsets;
    [Id(36)] public long[] Unlotted;
    // Trend per row (TrendState).
    [Id(40)] public double[] Burn7;
    [Id(41)] public int[] Observations7;
    [Id(42)] public double[] Burn28;
    [Id(43)] public int[] Observations28;
    [Id(44)] public double[] Level;
    [Id(45)] public double[] Slope;
    [Id(46)] public int[] Observations;
    // Expiries of all rows in row order; ExpiryCounts[i] of them belong to row i (-1: the row has no list at all).
    [Id(50)] public int[] ExpiryCounts;
    [Id(51)] public int[] ExpiresOn;
    [Id(52)] public long[] ExpiringQuantities;
    [Id(53)] public byte[] ExpiryLotNumbers;
}

[RegisterConverter]
public sealed class StoredRegionTotalsConverter : IConverter<StoredRegionTotals, RegionTotalsSurrogate>
{
    public RegionTotalsSurrogate ConvertToSurrogate(in StoredRegionTotals value)
    {
        var (locations, rows) = (value.Totals.Locations, value.Totals.Rows);
        var (l, n) = (locations.Count, rows.Count);
        var s = new RegionTotalsSurrogate
        {
            RegionCode = value.Totals.RegionCode, Version = value.Totals.Version,
            LocationVersions = new long[l], LastAsOfTicks = new long[l], LastAsOfOffsets = new short[l], LastReceivedTicks = new long[l],
            LastReceivedOffsets = new short[l], UsableOn = new int[l],
            Subjects = new byte[n], OnHand = new long[n], Reserved = new long[n], Quarantined = new long[n], Available = new long[n],
            Usable = new long[n], DailyConsumption = new double[n], Locations = new int[n], LocationsWithDiscrepancy = new int[n],
            OldestAsOfTicks = new long[n], OldestAsOfOffsets = new short[n], NewestAsOfTicks = new long[n], NewestAsOfOffsets = new short[n],
            Unlotted = new long[n], Burn7 = new double[n], Observations7 = new int[n], Burn28 = new double[n], Observations28 = new int[n],
            Level = new double[n], Slope = new double[n], Observations = new int[n], ExpiryCounts = new int[n],
        };
        var (locationIds, locationHealthcareRegions) = (new string[l], new string[l]);
        for (var i = 0; i < l; i++)
        {
            var x = locations[i];
            (locationIds[i], locationHealthcareRegions[i], s.LocationVersions[i], s.UsableOn[i]) = (x.LocationId, x.HealthcareRegion, x.Version, x.UsableOn.DayNumber);
            (s.LastAsOfTicks[i], s.LastAsOfOffsets[i]) = StoredTime.Split(x.LastAsOf);
            (s.LastReceivedTicks[i], s.LastReceivedOffsets[i]) = StoredTime.Split(x.LastReceivedAt);
        }
        (s.LocationIds, s.LocationHealthcareRegions) = (PackedStrings.Pack(locationIds), PackedStrings.Pack(locationHealthcareRegions));

        var expiries = 0;
        for (var i = 0; i < n; i++) expiries += rows[i].Expiries?.Count ?? 0;
        (s.ExpiresOn, s.ExpiringQuantities) = (new int[expiries], new long[expiries]);
        var (healthcareRegions, keys, groups, lots) = (new string[n], new string[n], new string[n], new string[expiries]);
        var e = 0;
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            (healthcareRegions[i], s.Subjects[i], keys[i], groups[i]) = (r.HealthcareRegion, (byte)r.Subject, r.Key, r.SubstitutionGroup);
            (s.OnHand[i], s.Reserved[i], s.Quarantined[i], s.Available[i], s.Usable[i]) = (r.OnHand, r.Reserved, r.Quarantined, r.Available, r.Usable);
            (s.DailyConsumption[i], s.Locations[i], s.LocationsWithDiscrepancy[i], s.Unlotted[i]) = (r.DailyConsumption, r.Locations, r.LocationsWithDiscrepancy, r.Unlotted);
            (s.OldestAsOfTicks[i], s.OldestAsOfOffsets[i]) = StoredTime.Split(r.OldestAsOf);
            (s.NewestAsOfTicks[i], s.NewestAsOfOffsets[i]) = StoredTime.Split(r.NewestAsOf);
            var t = r.Trend;
            (s.Burn7[i], s.Observations7[i], s.Burn28[i], s.Observations28[i]) = (t.Burn7, t.Observations7, t.Burn28, t.Observations28);
            (s.Level[i], s.Slope[i], s.Observations[i]) = (t.Level, t.Slope, t.Observations);
            s.ExpiryCounts[i] = r.Expiries?.Count ?? -1;
            if (r.Expiries is not { } list) continue;
            for (var j = 0; j < list.Count; j++, e++) // by index: a foreach over the list would box its enumerator per row
                (s.ExpiresOn[e], s.ExpiringQuantities[e], lots[e]) = (list[j].ExpiresOn.DayNumber, list[j].Quantity, list[j].LotNumber);
        }
        (s.HealthcareRegions, s.Keys, s.SubstitutionGroups) = (PackedStrings.Pack(healthcareRegions), PackedStrings.Pack(keys), PackedStrings.Pack(groups));
        s.ExpiryLotNumbers = PackedStrings.Pack(lots);
        return s;
    }

    public StoredRegionTotals ConvertFromSurrogate(in RegionTotalsSurrogate s)
    {
        var (locationIds, locationHealthcareRegions) = (PackedStrings.Unpack(s.LocationIds), PackedStrings.Unpack(s.LocationHealthcareRegions));
        var locations = new LocationStatus[locationIds.Length];
        for (var i = 0; i < locations.Length; i++)
            locations[i] = new LocationStatus(locationIds[i]!, SharedStrings.Of(locationHealthcareRegions[i] ?? ""), s.LocationVersions[i],
                StoredTime.JoinOrNone(s.LastAsOfTicks[i], s.LastAsOfOffsets[i]), StoredTime.JoinOrNone(s.LastReceivedTicks[i], s.LastReceivedOffsets[i]),
                DateOnly.FromDayNumber(s.UsableOn[i]));

        var (healthcareRegions, keys, groups) = (PackedStrings.Unpack(s.HealthcareRegions), PackedStrings.Unpack(s.Keys), PackedStrings.Unpack(s.SubstitutionGroups));
        var lots = PackedStrings.Unpack(s.ExpiryLotNumbers);
        var rows = new AggregateRow[keys.Length];
        var e = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            ExpiringQuantity[]? expiries = null;
            if (s.ExpiryCounts[i] >= 0)
            {
                expiries = s.ExpiryCounts[i] == 0 ? [] : new ExpiringQuantity[s.ExpiryCounts[i]];
                for (var j = 0; j < expiries.Length; j++, e++)
                    expiries[j] = new ExpiringQuantity(DateOnly.FromDayNumber(s.ExpiresOn[e]), s.ExpiringQuantities[e], SharedStrings.Of(lots[e] ?? ""));
            }
            rows[i] = new AggregateRow(SharedStrings.Of(healthcareRegions[i] ?? ""), (CoverageSubject)s.Subjects[i], SharedStrings.Of(keys[i]!),
                SharedStrings.Of(groups[i] ?? ""), s.OnHand[i], s.Reserved[i], s.Quarantined[i], s.Available[i], s.Usable[i], s.DailyConsumption[i],
                s.Locations[i], s.LocationsWithDiscrepancy[i], StoredTime.JoinOrNone(s.OldestAsOfTicks[i], s.OldestAsOfOffsets[i]),
                StoredTime.JoinOrNone(s.NewestAsOfTicks[i], s.NewestAsOfOffsets[i]),
                new TrendState(s.Burn7[i], s.Observations7[i], s.Burn28[i], s.Observations28[i], s.Level[i], s.Slope[i], s.Observations[i]),
                expiries, s.Unlotted[i]);
        }
        return new StoredRegionTotals(new RegionTotals(s.RegionCode, s.Version, locations, rows));
    }
}
