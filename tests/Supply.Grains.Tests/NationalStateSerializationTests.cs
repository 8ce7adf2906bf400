using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests;

/// <summary>The national aggregate stores its regions column by column (RegionTotalsSurrogate): what is read back is what was written.</summary>
public sealed class NationalStateSerializationTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 8, 9, 30, 0, TimeSpan.FromHours(1));

    private static RegionTotals Region(string code) => new(code, 42,
        [
            new LocationStatus($"se-{code}-a", "south", 7, AsOf, AsOf.AddMinutes(5), new DateOnly(2026, 12, 8)),
            new LocationStatus($"se-{code}-b", "", 0, null, null, new DateOnly(2026, 12, 1)),
        ],
        [
            new AggregateRow("south", CoverageSubject.Item, "npl:20050101000017", "A10", 500, 20, 5, 475, 400, 12.5, 2, 1, AsOf.AddDays(-1), AsOf,
                new TrendState(8, 3, 7.5, 20, 9.25, -0.125, 30),
                [new ExpiringQuantity(new DateOnly(2027, 1, 31), 200, "L-Å"), new ExpiringQuantity(new DateOnly(2027, 6, 30), 250)], Unlotted: 25),
            new AggregateRow("south", CoverageSubject.SubstitutionGroup, "A10", "A10", 500, 20, 5, 475, 400, 12.5, 2, 0, null, null,
                Expiries: []),
            new AggregateRow("", CoverageSubject.Item, "ppe:gloves", "", 0, 0, 0, 0, 0, 0, 1, 0, null, null), // no expiry list at all
        ]);

    [Fact]
    public void A_national_state_reads_back_region_for_region_row_for_row()
    {
        var state = new NationalAggregateState { Version = 9, StoredRegions = [new(Region("12")), new(Region("01"))] };

        var copy = DomainSerializer.RoundTrip(state);

        Assert.Equal(9, copy.Version);
        var back = copy.AllRegions().ToList();
        Assert.Equal(["12", "01"], back.Select(r => r.RegionCode));
        foreach (var (written, read) in state.AllRegions().Zip(back))
        {
            Assert.Equal(written.Version, read.Version);
            Assert.Equal(written.Locations, read.Locations); // records: by value, times with their offsets
            Assert.Equal(written.Rows, read.Rows); // AggregateRow compares its expiries by value
            Assert.Equal(written.Rows.Select(r => r.Expiries is null), read.Rows.Select(r => r.Expiries is null));
        }
        Assert.Equal(TimeSpan.FromHours(1), back[0].Locations[0].LastAsOf!.Value.Offset);
    }

    [Fact]
    public void A_national_state_stored_as_json_before_columns_is_read_still()
    {
        // The form written before: every region's totals in Regions (JSON through Orleans' JSON codec).
        var old = new NationalAggregateState { Version = 3 };
        old.Regions["12"] = Region("12");

        var copy = DomainSerializer.RoundTrip(old);

        var region = Assert.Single(copy.AllRegions());
        Assert.Equal(old.Regions["12"].Rows, region.Rows);
        Assert.Equal(old.Regions["12"].Locations, region.Locations);
    }

    [Fact]
    public void The_stored_national_state_is_binary_not_json()
    {
        var bytes = DomainSerializer.Instance.SerializeToArray(new NationalAggregateState { Version = 1, StoredRegions = [new(Region("12"))] });
        var json = DomainSerializer.Instance.SerializeToArray(new NationalAggregateState { Version = 1, Regions = { ["12"] = Region("12") } });

        Assert.DoesNotContain("DailyConsumption", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Contains("DailyConsumption", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        Assert.True(bytes.Length < json.Length, $"{bytes.Length} bytes as columns, {json.Length} as JSON");
    }
}
