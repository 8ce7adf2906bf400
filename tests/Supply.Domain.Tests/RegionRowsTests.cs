using CsCheck;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using static Supply.Domain.Tests.PropertyRunner;

namespace Supply.Domain.Tests;

/// <summary>
/// Region rows kept up to date one publication at a time (<see cref="RegionRows"/>) are the rows summed afresh, whatever
/// order the publications came in, and a location taken out leaves no trace.
/// </summary>
public class RegionRowsTests
{
    private static readonly DateOnly Day = new(2026, 12, 7);
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    private static LocationItemTotals Item(string id, string group, long onHand, double daily,
        ExpiringQuantity[]? expiries = null, long discrepancy = 0, TrendState trend = default) =>
        new(id, group, onHand, 0, 0, onHand, onHand, daily, discrepancy, T0, expiries ?? [], T0, trend);

    private static LocationTotals Location(string id, long version, DateTimeOffset? lastAsOf, params LocationItemTotals[] items) =>
        new(id, "01", "Stockholm-Gotland", version, lastAsOf, lastAsOf, Day, items.OrderBy(i => i.ItemId, StringComparer.Ordinal).ToArray());

    /// <summary>Every figure of every row as text (rows hold lists, which records compare by reference).</summary>
    private static List<string> Flat(IEnumerable<AggregateRow> rows) =>
        rows.Select(r => $"{r with { Expiries = null }} expiries [{string.Join(", ", r.Expiries ?? [])}]").ToList();

    [Fact]
    public void Consumption_sums_are_exact_so_taking_a_location_out_leaves_exactly_the_others()
    {
        var a = Location("a", 1, T0, Item("vnr:1", "", 10, 0.1));
        var b = Location("b", 1, T0, Item("vnr:1", "", 20, 1e8));
        var rows = new RegionRows();
        rows.Replace(null, b);
        rows.Replace(null, a);
        var both = rows.ToRows().Single(r => r.Subject == CoverageSubject.Item);
        Assert.Equal(1e8 + 0.1, both.DailyConsumption);
        Assert.Equal((30L, 2), (both.OnHand, both.Locations));

        rows.Replace(b, null);
        var left = rows.ToRows().Single(r => r.Subject == CoverageSubject.Item);
        Assert.NotEqual(0.1, 1e8 + 0.1 - 1e8); // what plain floating point would leave: 0.09999999403953552
        Assert.Equal(0.1, left.DailyConsumption);
        Assert.Equal(Flat(Aggregates.Rows([a])), Flat(rows.ToRows()));

        rows.Replace(a, null);
        Assert.Empty(rows.ToRows());
    }

    [Fact]
    public void The_oldest_report_moves_on_when_the_location_that_held_it_reports_again()
    {
        var rows = new RegionRows();
        var a1 = Location("a", 1, T0, Item("vnr:1", "g", 1, 1));
        rows.Replace(null, a1);
        rows.Replace(null, Location("b", 1, T0.AddHours(1), Item("vnr:1", "g", 1, 1)));
        rows.Replace(null, Location("c", 1, T0.AddHours(2), Item("vnr:2", "g", 1, 1)));
        var item = rows.ToRows().Single(r => r.Key == "vnr:1");
        Assert.Equal((T0, T0.AddHours(1)), (item.OldestAsOf!.Value, item.NewestAsOf!.Value));

        rows.Replace(a1, Location("a", 2, T0.AddHours(3), Item("vnr:1", "g", 1, 1)));
        item = rows.ToRows().Single(r => r.Key == "vnr:1");
        Assert.Equal((T0.AddHours(1), T0.AddHours(3)), (item.OldestAsOf!.Value, item.NewestAsOf!.Value));
        var group = rows.ToRows().Single(r => r.Subject == CoverageSubject.SubstitutionGroup);
        Assert.Equal((T0.AddHours(1), T0.AddHours(3), 3), (group.OldestAsOf!.Value, group.NewestAsOf!.Value, group.Locations));
    }

    [Fact]
    public void A_read_counts_the_rows_it_had_to_build_again()
    {
        var rows = new RegionRows();
        rows.Replace(null, Location("a", 1, T0, Item("vnr:1", "g", 1, 1), Item("vnr:2", "g", 2, 1), Item("vnr:3", "", 3, 1)));
        var first = rows.ToRows();
        Assert.Equal(first.Count, rows.RebuiltByLastRead); // 3 items, group g and the group of one vnr:3
        Assert.Equal(5, first.Count);

        var again = rows.ToRows();
        Assert.Equal(0, rows.RebuiltByLastRead); // nothing changed: every row is the one built before
        Assert.Same(first[0], again[0]);

        rows.Replace(null, Location("b", 1, T0, Item("vnr:2", "g", 5, 1)));
        rows.ToRows();
        Assert.Equal(2, rows.RebuiltByLastRead); // vnr:2 and its group g
    }

    [Fact]
    public void A_location_counts_once_in_its_group_however_many_of_the_groups_items_it_holds()
    {
        var rows = RegionRows.Of([Location("a", 1, T0, Item("vnr:1", "g", 5, 1), Item("vnr:2", "g", 7, 2), Item("vnr:3", "", 1, 0))]);
        var result = rows.ToRows();
        var g = result.Single(r => r.Subject == CoverageSubject.SubstitutionGroup && r.Key == "g");
        Assert.Equal((12L, 1, 3.0), (g.OnHand, g.Locations, g.DailyConsumption));
        var alone = result.Single(r => r.Subject == CoverageSubject.SubstitutionGroup && r.Key == "vnr:3"); // a group of one
        Assert.Equal("", alone.SubstitutionGroup);
    }

    private static readonly string[] LocationIds = ["se-01.a", "se-01.b", "se-01.c", "se-01.d"];
    private static readonly string[] ItemIds = ["vnr:1", "vnr:2", "vnr:3", "ppe:1", "ppe:2"];

    private static readonly Gen<LocationItemTotals> GenItem =
        from onHand in Gen.Long[0, 500]
        from daily in Gen.OneOf(Gen.Const(0.0), Gen.Const(0.1), Gen.Const(1.0 / 3), Gen.Double[0, 50])
        from weeks in Gen.Int[1, 30].Array[0, 3]
        from quantities in Gen.Long[1, 40].Array[3]
        from discrepancy in Gen.OneOf(Gen.Const(0L), Gen.Long[1, 5])
        from burn in Gen.Double[0, 20]
        from observations in Gen.Int[0, 56]
        from slope in Gen.Double[-1, 1]
        select Item("", "", onHand, daily,
            weeks.Select((w, k) => new ExpiringQuantity(Day.AddDays(7 * w), quantities[k])).ToArray(), discrepancy,
            new TrendState(burn, Math.Min(observations, 7), burn * 1.1, Math.Min(observations, 28), burn, slope, observations));

    /// <summary>One publication: a location's whole totals at a version (some items, groups as the catalogue had them then).</summary>
    private static readonly Gen<LocationTotals> GenPublication =
        from location in Gen.OneOf(LocationIds)
        from version in Gen.Long[1, 6]
        from hours in Gen.OneOf(Gen.Const((int?)null), Gen.Int[0, 48].Select(h => (int?)h))
        from held in Gen.Bool.Array[ItemIds.Length]
        from items in GenItem.Array[ItemIds.Length]
        from grouped in Gen.Bool
        select Location(location, version, hours is { } h ? T0.AddHours(h) : null,
            ItemIds.Select((id, k) => (id, k)).Where(x => held[x.k])
                .Select(x => items[x.k] with { ItemId = x.id, SubstitutionGroup = grouped && x.id.StartsWith("vnr", StringComparison.Ordinal) ? "grp:vnr" : "" })
                .ToArray());

    private sealed record Step(LocationTotals? Published, string? Forgotten);

    private static readonly Gen<Step[]> GenSteps =
        Gen.Frequency((6, GenPublication.Select(p => new Step(p, null))), (1, Gen.OneOf(LocationIds).Select(id => new Step(null, id))))
            .Array[1, 30];

    [Fact]
    public void Kept_up_to_date_the_rows_are_the_rows_summed_afresh_in_any_order() =>
        ForAll(GenSteps.Select(steps => (steps, 0)), run =>
        {
            var (held, rows) = Play(run.steps);
            Assert.Equal(Flat(RegionRows.Of(held.Values).ToRows()), Flat(rows.ToRows()));
            // The same publications in another order (no forgets: a forget is only right after what it supersedes). One
            // content per location and version, as locations publish.
            var publications = run.steps.Where(s => s.Published is not null)
                .DistinctBy(s => (s.Published!.LocationId, s.Published.Version)).ToArray();
            var (heldForward, forward) = Play(publications);
            var (_, backward) = Play(publications.Reverse().ToArray());
            Assert.Equal(Flat(forward.ToRows()), Flat(backward.ToRows()));
            Assert.Equal(Flat(Aggregates.Rows(heldForward.Values.OrderByDescending(l => l.LocationId, StringComparer.Ordinal))), Flat(forward.ToRows()));
        }, salt: 1807, print: run => string.Join("\n", run.steps.Select(s => s.Published is { } p ? $"{p.LocationId} v{p.Version} {p.Items.Count} items" : $"forget {s.Forgotten}")));

    /// <summary>As a region aggregate does: newest version wins; a forget drops what is held.</summary>
    private static (Dictionary<string, LocationTotals> Held, RegionRows Rows) Play(IEnumerable<Step> steps)
    {
        var held = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
        var rows = new RegionRows();
        foreach (var step in steps)
        {
            if (step.Published is { } published)
            {
                var previous = held.GetValueOrDefault(published.LocationId);
                if (Aggregates.Accept(held, published)) rows.Replace(previous, published);
            }
            else if (held.Remove(step.Forgotten!, out var gone)) rows.Replace(gone, null);
            // Read now and then, as pushes do, so cached rows must be refreshed correctly.
            if (held.Count % 2 == 0) rows.ToRows();
        }
        return (held, rows);
    }
}
