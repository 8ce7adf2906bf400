using CsCheck;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Expiry;
using Supply.Domain.Readiness;
using static Supply.Domain.Tests.PropertyRunner;

namespace Supply.Domain.Tests;

/// <summary>Readiness compliance, target validation and the expiry wave: the hand-worked examples of docs/readiness.md, and properties.</summary>
public sealed class ReadinessTests
{
    private static readonly AreaPlace Hospital01 = new("01", "Stockholm-Gotland", LocationKind.Hospital);
    private static readonly AreaPlace Region01 = new("01", "Stockholm-Gotland", LocationKind.Unspecified);

    private static CoverageRow Row(CoverageLevel level, string area, long usable, double daily) =>
        new(level, area, CoverageSubject.SubstitutionGroup, "J01", new CoverageFigures(usable, daily, 0), 1);

    private static readonly ReadinessTarget[] Targets =
    [
        new("J01", CoverageSubject.SubstitutionGroup, 7, CoverageLevel.Location, LocationKind.Hospital),
        new("J01", CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
    ];

    /// <summary>docs/readiness.md, "A worked example": two hospitals of region 01 and the region itself, group J01.</summary>
    [Fact]
    public void The_worked_example_of_the_docs()
    {
        var rows = new[]
        {
            (Row(CoverageLevel.Location, "se-01-h1", 100, 10), Hospital01),
            (Row(CoverageLevel.Location, "se-01-h2", 20, 5), Hospital01),
            (Row(CoverageLevel.Region, "01", 120, 15), Region01),
        };
        var lines = Compliance.Lines(rows.Select(r => r.Item1), row => rows.Single(r => r.Item1 == row).Item2, Targets);

        var atLocation = Compliance.AtLevel(lines, CoverageLevel.Location);
        Assert.Equal(["se-01-h2", "se-01-h1"], atLocation.Select(l => l.Area)); // worst first
        var h2 = atLocation[0];
        Assert.Equal((35L, 20L, 15L, 3.0), (h2.TargetUnits, h2.UsableUnits, h2.GapUnits, h2.GapDays));
        Assert.Equal(57.142857, h2.PercentCompliant, 5);
        Assert.Equal((70L, 0L, 100.0), (atLocation[1].TargetUnits, atLocation[1].GapUnits, atLocation[1].PercentCompliant));

        var atRegion = Compliance.AtLevel(lines, CoverageLevel.Region);
        var own = atRegion.Single(l => l.TargetLevel == CoverageLevel.Region);
        Assert.Equal((450L, 120L, 330L, 22.0), (own.TargetUnits, own.UsableUnits, own.GapUnits, own.GapDays));
        Assert.Equal(26.666667, own.PercentCompliant, 5);
        var hospitals = atRegion.Single(l => l.TargetLevel == CoverageLevel.Location);
        Assert.Equal(("01", 105L, 120L, 15L, 1.0, 2, 1), (hospitals.Area, hospitals.TargetUnits, hospitals.UsableUnits, hospitals.GapUnits,
            hospitals.GapDays, hospitals.Lines, hospitals.LinesCompliant));
        Assert.Equal(85.714286, hospitals.PercentCompliant, 5);
        Assert.Equal(own, atRegion[0]); // 26.7 % is worse than 85.7 %

        var record = Compliance.Summaries(lines, CoverageLevel.Region, new DateOnly(2026, 12, 7)).Single();
        Assert.Equal((555L, 210L, 345L, 3, 1), (record.TargetUnits, record.UsableTowardTarget, record.GapUnits, record.Lines, record.LinesCompliant));
        Assert.Equal(37.837838, record.PercentCompliant, 5);
    }

    [Fact]
    public void The_most_specific_target_wins_and_rows_without_a_target_are_left_out()
    {
        ReadinessTarget[] targets =
        [
            new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
            new("J01", CoverageSubject.SubstitutionGroup, 60, CoverageLevel.Region),
            new("J01", CoverageSubject.SubstitutionGroup, 90, CoverageLevel.Region, RegionCode: "01"),
        ];
        var place14 = new AreaPlace("14", "Västra", LocationKind.Unspecified);
        Assert.Equal(90, Compliance.TargetFor(Row(CoverageLevel.Region, "01", 0, 1), Region01, targets)!.Days);
        Assert.Equal(60, Compliance.TargetFor(Row(CoverageLevel.Region, "14", 0, 1), place14, targets)!.Days);
        var other = Row(CoverageLevel.Region, "14", 0, 1) with { Key = "B05" };
        Assert.Equal(30, Compliance.TargetFor(other, place14, targets)!.Days);
        Assert.Null(Compliance.TargetFor(Row(CoverageLevel.Nation, "SE", 0, 1), Region01, targets));
        Assert.Null(Compliance.TargetFor(Row(CoverageLevel.Location, "se-01-h1", 0, 1), Hospital01, targets));
    }

    [Fact]
    public void Nothing_consumed_means_a_target_of_zero_units_and_full_compliance()
    {
        var line = Compliance.Line(Row(CoverageLevel.Region, "01", 0, 0), 30);
        Assert.Equal((0L, 0L, 0.0, 100.0), (line.TargetUnits, line.GapUnits, line.GapDays, line.PercentCompliant));
    }

    [Fact]
    public void More_stock_never_makes_compliance_worse() =>
        ForAll(Gen.Select(Gen.Long[0, 500].Array[6], Gen.Double[0, 20].Array[6], Gen.Int[0, 5], Gen.Long[1, 300]), x =>
        {
            var (usable, daily, which, more) = x;
            var places = new[] { Hospital01, Hospital01, new AreaPlace("14", "Västra", LocationKind.Hospital), Region01, new("14", "Västra", LocationKind.Unspecified), new("", "", LocationKind.Unspecified) };
            var areas = new[] { "se-01-h1", "se-01-h2", "se-14-h1", "01", "14", "SE" };
            var levels = new[] { CoverageLevel.Location, CoverageLevel.Location, CoverageLevel.Location, CoverageLevel.Region, CoverageLevel.Region, CoverageLevel.Nation };
            ReadinessTarget[] targets = [.. Targets, new("J01", CoverageSubject.SubstitutionGroup, 90, CoverageLevel.Nation)];
            IReadOnlyList<CoverageRow> Rows(long extra) => areas.Select((a, i) => Row(levels[i], a, usable[i] + (i == which ? extra : 0), daily[i])).ToList();
            var before = Compliance.Lines(Rows(0), r => places[Array.IndexOf(areas, r.Area)], targets);
            var after = Compliance.Lines(Rows(more), r => places[Array.IndexOf(areas, r.Area)], targets);
            foreach (var level in new[] { CoverageLevel.Location, CoverageLevel.Region, CoverageLevel.HealthcareRegion, CoverageLevel.Nation })
            {
                var b = Compliance.AtLevel(before, level).ToDictionary(l => (l.Area, l.TargetLevel));
                foreach (var a in Compliance.AtLevel(after, level))
                {
                    Assert.True(a.PercentCompliant >= b[(a.Area, a.TargetLevel)].PercentCompliant - 1e-9, $"{level} {a.Area}");
                    Assert.True(a.GapUnits <= b[(a.Area, a.TargetLevel)].GapUnits);
                }
                var sb = Compliance.Summaries(before, level, default).ToDictionary(s => s.Area);
                Assert.All(Compliance.Summaries(after, level, default), s => Assert.True(s.PercentCompliant >= sb[s.Area].PercentCompliant - 1e-9));
            }
        }, salt: 1515);

    [Fact]
    public void A_target_for_an_unknown_group_is_refused_naming_it()
    {
        var book = TestData.NewCatalog();
        book.RegisterItems([TestData.Item("vnr:222222", group: "J01CA04")]);
        ReadinessTarget[] targets =
        [
            new("J01CA04", CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
            new("N02BE01", CoverageSubject.SubstitutionGroup, 30, CoverageLevel.Region),
            new(ReadinessTargets.EveryGroup, CoverageSubject.Item, 30, CoverageLevel.Region),
            new(TestData.Ppe, CoverageSubject.Item, 0, CoverageLevel.Nation, RegionCode: "01"),
            new(TestData.Ppe, CoverageSubject.Item, 14, CoverageLevel.Region, LocationKind.Hospital),
            new("J01CA04", CoverageSubject.SubstitutionGroup, 45, CoverageLevel.Region),
        ];
        var violations = ReadinessTargets.Validate(targets, book);
        Assert.Contains(violations, v => v.Field == "targets[1].key" && v.Description.Contains("'N02BE01'"));
        Assert.Contains(violations, v => v.Field == "targets[2].key");
        Assert.Contains(violations, v => v.Field == "targets[3].days");
        Assert.Contains(violations, v => v.Field == "targets[3].region_code");
        Assert.Contains(violations, v => v.Field == "targets[4].kind");
        Assert.Contains(violations, v => v.Field == "targets[5]");
        Assert.DoesNotContain(violations, v => v.Field.StartsWith("targets[0]", StringComparison.Ordinal));
        Assert.Empty(ReadinessTargets.Validate(ReadinessTargets.Illustrative.Targets, book));
    }

    private static readonly DateOnly Start = new(2026, 12, 7);

    private static (LocationTotals, LocationItemTotals) Held(string location, string region, long onHand, double daily, params (int Days, long Quantity, string Lot)[] lots)
    {
        var item = new LocationItemTotals("npl:1", "J01", onHand, 0, 0, onHand, onHand, daily, 0, null,
            ExpiringQuantity.Of(lots.Select(l => new Stock.Lot(l.Lot, Start.AddDays(l.Days), l.Quantity)).ToList()));
        return (new LocationTotals(location, region, "Stockholm-Gotland", 1, null, null, Start, [item]), item);
    }

    /// <summary>docs/readiness.md, "Expiry wave": one hospital, three lots, 2 a day.</summary>
    [Fact]
    public void The_expiry_wave_example_of_the_docs()
    {
        var line = Held("se-01-h1", "01", 100, 2, (0, 10, "A"), (5, 30, "B"), (20, 60, "C"));
        var row = ExpiryWave.Rows([line], CoverageLevel.Region, CoverageSubject.Item, Start, 4).Single();
        Assert.Equal(("01", 10L), (row.Area, row.Expired));
        Assert.Equal([30L, 0, 60, 0], row.Expiring);
        // By day 5, 10 of lot B are used (20 wasted); by day 20, 40 in all: 30 more, so 30 of lot C are wasted.
        Assert.Equal(50, row.WastedUnlessMoved);
        Assert.Equal(20, ExpiryWave.Rows([line], CoverageLevel.Region, CoverageSubject.Item, Start, 1).Single().WastedUnlessMoved);
    }

    [Fact]
    public void A_lot_is_found_at_every_location_that_holds_it()
    {
        var a = Held("se-01-b", "01", 50, 1, (30, 20, "L1"), (40, 30, "L2"));
        var b = Held("se-01-a", "01", 5, 1, (30, 5, "L1"));
        var c = Held("se-14-a", "14", 9, 1, (30, 9, "L3"));
        var found = LotLookup.Find([a.Item1, b.Item1, c.Item1], "npl:1", "L1");
        Assert.Equal([("se-01-a", 5L), ("se-01-b", 20L)], found.Select(h => (h.LocationId, h.Quantity)));
        Assert.Empty(LotLookup.Find([a.Item1], "npl:2", "L1"));
    }
}
