using CsCheck;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.PropertyRunner;

namespace Supply.Domain.Tests;

/// <summary>Properties of usable stock and of coverage sums, over generated stock lines and cells.</summary>
public class CoverageProperties
{
    private static readonly DateOnly Day = new(2025, 3, 1);

    private sealed record Line(long OnHand, long Reserved, long Quarantined, Lot[] Lots, double Rate)
    {
        public long Available => Math.Max(0, OnHand - Reserved - Quarantined);
        public UsableStock Usable() => UsableStock.Of(OnHand, Reserved, Quarantined, Lots, Rate, Day);
        public override string ToString() =>
            $"on hand {OnHand}, reserved {Reserved}, quarantined {Quarantined}, rate {Rate}, lots {string.Join(" ", Lots.Select(l => $"{l.LotNumber}@{l.ExpiresOn:MM-dd}={l.Quantity}"))}";
    }

    private static Lot[] MakeLots(int[] offsets, long[] quantities) =>
        offsets.Select((o, i) => new Lot($"L{i}", Day.AddDays(o), quantities[i])).ToArray();

    private static readonly Gen<double> GenRate = Gen.OneOf(0.0, 0.3, 1.0, 2.5, 7.0);

    /// <summary>Anything goes: withheld above on hand, lots claiming more than on hand, expired lots.</summary>
    private static readonly Gen<Line> GenAnyLine =
        from onHand in Gen.Long[0, 150]
        from reserved in Gen.Long[0, 80]
        from quarantined in Gen.Long[0, 80]
        from offsets in Gen.Int[-3, 40].Array[0, 5]
        from quantities in Gen.Long[0, 50].Array[5]
        from rate in GenRate
        select new Line(onHand, reserved, quarantined, MakeLots(offsets, quantities), rate);

    /// <summary>As the ledger keeps them: lots within on hand, withheld within on hand.</summary>
    private static readonly Gen<Line> GenLedgerLine =
        from offsets in Gen.Int[-3, 40].Array[0, 5]
        from quantities in Gen.Long[0, 50].Array[5]
        from unlotted in Gen.Long[0, 40]
        from reserved in Gen.Long[0, 60]
        from quarantined in Gen.Long[0, 60]
        from rate in GenRate
        let lots = MakeLots(offsets, quantities)
        let onHand = lots.Sum(l => l.Quantity) + unlotted
        select new Line(onHand, Math.Min(reserved, onHand), Math.Min(quarantined, onHand - Math.Min(reserved, onHand)), lots, rate);

    [Fact]
    public void Usable_is_never_negative_never_above_available_and_the_parts_add_up_to_on_hand() =>
        ForAll(GenAnyLine, line =>
        {
            var u = line.Usable();
            Assert.InRange(u.Usable, 0, line.Available);
            Assert.True(u.Withheld >= 0 && u.Expired >= 0 && u.WastedBeforeUse >= 0, u.ToString());
            Assert.Equal(line.OnHand, u.Withheld + u.Expired + u.WastedBeforeUse + u.Usable);
        }, salt: 101, print: l => l.ToString());

    [Fact]
    public void Adding_stock_never_lowers_usable() =>
        ForAll(
            from line in GenLedgerLine
            from add in Gen.Long[1, 30]
            from asLot in Gen.Bool
            from offset in Gen.Int[-3, 45]
            select (line, add, asLot, offset),
            c =>
            {
                var (line, add, asLot, offset) = c;
                var more = line with
                {
                    OnHand = line.OnHand + add,
                    Lots = asLot ? [.. line.Lots, new Lot("new", Day.AddDays(offset), add)] : line.Lots,
                };
                Assert.True(more.Usable().Usable >= line.Usable().Usable, $"{line.Usable()} -> {more.Usable()}");
            }, salt: 102, print: c => $"{c.line}; add {c.add} {(c.asLot ? $"as a lot expiring day {c.offset}" : "without a lot")}");

    // ---- sums ----------------------------------------------------------------------------------

    private static readonly Location[] Locations =
    [
        new("a", "A", LocationKind.Hospital, "01", ""), new("b", "B", LocationKind.Hospital, "09", ""),
        new("c", "C", LocationKind.Hospital, "13", "1380"), new("d", "D", LocationKind.MunicipalCare, "13", "1384"),
        new("e", "E", LocationKind.Pharmacy, "13", ""), new("f", "F", LocationKind.RegionalWarehouse, "12", ""),
    ];

    private static readonly Item[] Items =
    [
        TestData.Item("vnr:100001", group: "G"), TestData.Item("vnr:100002", group: "G"),
        TestData.Item("vnr:100003", group: "H"), TestData.Item("vnr:100004"),
    ];

    private static CoverageCell MakeCell(int index, Line line, bool stale)
    {
        var location = Locations[index / Items.Length];
        var item = Items[index % Items.Length];
        var stock = new ItemStock(item.Id, line.OnHand, line.Reserved, line.Quarantined, line.Available, line.Lots, line.Rate, null, null, null, 0);
        return CoverageCell.Of(location, item, stock, Day, stale);
    }

    private static readonly Gen<List<CoverageCell>> GenCells =
        from include in Gen.Bool.Array[Locations.Length * Items.Length]
        from lines in GenLedgerLine.Array[Locations.Length * Items.Length]
        from stale in Gen.Bool.Array[Locations.Length * Items.Length]
        select include.Select((inc, i) => inc ? MakeCell(i, lines[i], stale[i]) : null).OfType<CoverageCell>().ToList();

    private static void AssertSameFigures(CoverageFigures expected, CoverageFigures actual)
    {
        Assert.Equal(expected.Usable, actual.Usable);
        Assert.Equal(expected.StaleUsable, actual.StaleUsable);
        Assert.Equal(expected.DailyConsumption, actual.DailyConsumption, 9);
    }

    [Fact]
    public void Group_figures_equal_the_sum_of_their_items_at_every_level() =>
        ForAll(GenCells, cells =>
        {
            var groupOf = Items.ToDictionary(i => i.Id, i => i.SubstitutionGroup.Length > 0 ? i.SubstitutionGroup : i.Id);
            foreach (var level in Enum.GetValues<CoverageLevel>())
            {
                var itemRows = CoverageRollup.Rows(cells, level, CoverageSubject.Item);
                var groupRows = CoverageRollup.Rows(cells, level, CoverageSubject.SubstitutionGroup);
                Assert.Equal(itemRows.Count == 0, groupRows.Count == 0);
                foreach (var g in groupRows)
                    AssertSameFigures(CoverageFigures.Sum(itemRows.Where(r => r.Area == g.Area && groupOf[r.Key] == g.Key).Select(r => r.Figures)), g.Figures);
                AssertSameFigures(CoverageFigures.Sum(cells.Select(c => c.Figures)), CoverageFigures.Sum(groupRows.Select(r => r.Figures)));
            }
        }, salt: 103, cases: 100);

    [Fact]
    public void Each_level_is_the_sum_of_the_level_below() =>
        ForAll(GenCells, cells =>
        {
            var levels = Enum.GetValues<CoverageLevel>();
            for (var i = 1; i < levels.Length; i++)
            {
                var upper = CoverageRollup.Rows(cells, levels[i], CoverageSubject.SubstitutionGroup);
                foreach (var row in upper)
                {
                    var below = cells.Where(c => CoverageRollup.AreaOf(c, levels[i]) == row.Area && c.GroupKey == row.Key).ToList();
                    var lower = CoverageRollup.Rows(below, levels[i - 1], CoverageSubject.SubstitutionGroup);
                    AssertSameFigures(CoverageFigures.Sum(lower.Select(r => r.Figures)), row.Figures);
                    Assert.Equal(below.Select(c => c.LocationId).Distinct().Count(), row.Locations);
                }
            }
        }, salt: 104, cases: 100);
}
