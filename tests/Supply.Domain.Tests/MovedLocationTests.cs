using Supply.Domain.Aggregation;

namespace Supply.Domain.Tests;

/// <summary>A location that moved region is listed by two regions until the old one forgets it: which copy is superseded.</summary>
public class MovedLocationTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23), Tuesday = Monday.AddDays(1);

    private static LocationStatus At(string id, long version, DateOnly usableOn) => new(id, "Mellansverige", version, null, null, usableOn);

    private static RegionTotals Region(string code, params LocationStatus[] locations) => new(code, 1, locations, []);

    [Fact]
    public void The_older_copy_is_superseded_whichever_region_holds_it()
    {
        var superseded = Aggregates.Superseded([
            Region("01", At("moved-up", 7, Monday), At("stays", 3, Monday)),
            Region("03", At("moved-up", 6, Monday), At("moved-down", 9, Monday)),
            Region("05", At("moved-down", 4, Tuesday)),
        ]);
        Assert.Equal(["03 moved-up 6", "05 moved-down 4"],
            superseded.Select(s => $"{s.RegionCode} {s.Location.LocationId} {s.Location.Version}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_version_recomputed_for_a_later_day_supersedes_the_earlier_day_and_exact_ties_are_left_alone()
    {
        var later = Aggregates.Superseded([Region("01", At("x", 5, Tuesday)), Region("03", At("x", 5, Monday))]);
        Assert.Equal(("03", 5L, Monday), (later.Single().RegionCode, later.Single().Location.Version, later.Single().Location.UsableOn));
        Assert.Empty(Aggregates.Superseded([Region("01", At("x", 5, Monday)), Region("03", At("x", 5, Monday))]));
    }

    [Fact]
    public void A_region_forgets_its_superseded_copy_but_never_a_newer_one_received_since()
    {
        static LocationTotals Totals(long version, DateOnly usableOn) => new("x", "03", "Mellansverige", version, null, null, usableOn, []);
        var held = new Dictionary<string, LocationTotals> { ["x"] = Totals(5, Monday) };
        Assert.False(Aggregates.Forget(held, "x", 4, Tuesday)); // we hold version 5: newer than the copy named
        Assert.False(Aggregates.Forget(held, "unknown", 9, Monday));
        Assert.Single(held);
        Assert.True(Aggregates.Forget(held, "x", 5, Monday));
        Assert.Empty(held);
    }

    [Fact]
    public void Three_copies_leave_only_the_newest()
    {
        var superseded = Aggregates.Superseded([Region("01", At("x", 2, Monday)), Region("03", At("x", 8, Monday)), Region("05", At("x", 5, Monday))]);
        Assert.Equal(["01", "05"], superseded.Select(s => s.RegionCode).Order(StringComparer.Ordinal));
    }
}
