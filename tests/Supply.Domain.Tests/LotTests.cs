using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

public class LotTests
{
    private readonly Supply.Domain.Catalog.CatalogBook _catalog = NewCatalog();
    private readonly LocationLedger _ledger = Ledger();

    private ReportAck Apply(StockReport report) => _ledger.Apply(report, _catalog, Now);
    private ItemStock Stock(string item = Vnr) => _ledger.CurrentStock(item)!;
    private string LotsOf(string item = Vnr) => Lots(_ledger.CurrentStock(item));

    /// <summary>100 on hand: A 30 (June), B 40 (September), C 20 (January), 10 without a known lot.</summary>
    private void ThreeLots() =>
        Apply(Snapshot("s", At(0), Line(Vnr, 100, lots: [
            LotIn("C", "2026-01-01", 20), LotIn("A", "2025-06-01", 30), LotIn("B", "2025-09-01", 40)])));

    /// <summary>A fresh string with the given text, as a report parsed from the wire brings one per line.</summary>
    private static string Fresh(string text) => new(text.AsSpan());

    [Fact]
    public void Locations_reporting_the_same_lot_keep_one_copy_of_its_number()
    {
        // Region copies keep every location's lots; at national scale a copy per location and line was ~40 B a line.
        var other = Ledger(OtherLoc);
        Apply(Snapshot("s1", At(0), Line(Vnr, 10, lots: [LotIn(Fresh("LOT-4711"), "2026-01-01", 10)])));
        other.Apply(Snapshot("s2", At(0), Line(Vnr, 5, lots: [LotIn(Fresh("LOT-4711"), "2026-01-01", 5)])) with { LocationId = OtherLoc },
            _catalog, Now);
        Apply(Snapshot("s3", At(1), Line(Vnr, 8, lots: [LotIn(Fresh("LOT-4711"), "2026-01-01", 8)])));

        var here = Assert.Single(Stock().Lots).LotNumber;
        Assert.Equal("LOT-4711", here);
        Assert.Same(here, Assert.Single(other.CurrentStock(Vnr)!.Lots).LotNumber);
        Assert.Equal(8, Stock().OnHand); // the later report still counts: only the string is shared
    }

    [Fact]
    public void Snapshot_lots_are_listed_by_expiry_then_number_without_empty_lots()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 100, lots: [
            LotIn("Z", "2025-06-01", 5), LotIn("E", "2025-07-01", 0), LotIn("Y", "2025-06-01", 5), LotIn("X", "2024-12-31", 1)])));
        Assert.Equal("X@2024-12-31=1 Y@2025-06-01=5 Z@2025-06-01=5", LotsOf());
        Assert.Equal([Date("2024-12-31"), Date("2025-06-01"), Date("2025-06-01")], Stock().Lots.Select(l => l.ExpiresOn));
    }

    [Fact]
    public void Stock_leaving_without_a_lot_comes_out_of_lots_first_expiry_first_out()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 50)));

        // 50 on hand, lots held 90: 40 too many, taken from A (30) and then B (10).
        Assert.Equal(50, Stock().OnHand);
        Assert.Equal("B@2025-09-01=30 C@2026-01-01=20", LotsOf());
    }

    [Fact]
    public void Unlotted_stock_is_used_up_before_any_lot_is_trimmed()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Discarded, 10)));
        Assert.Equal("A@2025-06-01=30 B@2025-09-01=40 C@2026-01-01=20", LotsOf());
        Apply(Movements("m2", At(2), Move(Vnr, MovementType.TransferredOut, 1)));
        Assert.Equal("A@2025-06-01=29 B@2025-09-01=40 C@2026-01-01=20", LotsOf());
    }

    [Fact]
    public void Lots_with_the_same_expiry_are_trimmed_in_lot_number_order()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 10, lots: [LotIn("b", "2025-06-01", 5), LotIn("B", "2025-06-01", 5)])));
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 7)));
        Assert.Equal("b@2025-06-01=3", LotsOf());   // 'B' < 'b' ordinally: B goes first
    }

    [Fact]
    public void A_discrepancy_empties_every_lot()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 120)));
        Assert.Equal(0, Stock().OnHand);
        Assert.Equal(20, Stock().Discrepancy);
        Assert.Empty(Stock().Lots);
    }

    [Fact]
    public void A_movement_naming_a_lot_changes_that_lot_only()
    {
        ThreeLots();
        Apply(Movements("m", At(1),
            Move(Vnr, MovementType.Consumed, 15, lot: "C"),
            Move(Vnr, MovementType.Received, 7, lot: "A", expires: "2025-06-01"),
            Move(Vnr, MovementType.Adjusted, -2, lot: "B", reason: "damaged")));

        Assert.Equal(90, Stock().OnHand);
        Assert.Equal("A@2025-06-01=37 B@2025-09-01=38 C@2026-01-01=5", LotsOf());
    }

    [Fact]
    public void A_lot_used_up_disappears()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Discarded, 30, lot: "A", reason: "expired")));
        Assert.Equal("B@2025-09-01=40 C@2026-01-01=20", LotsOf());
        Assert.Equal(70, Stock().OnHand);
    }

    [Fact]
    public void An_incoming_movement_with_a_new_lot_creates_it()
    {
        ThreeLots();
        Apply(Movements("m", At(1),
            Move(Vnr, MovementType.Received, 12, lot: "D", expires: "2027-03-01"),
            Move(Vnr, MovementType.TransferredIn, 3, lot: "E", expires: "2025-01-15", counterparty: OtherLoc)));
        Assert.Equal(115, Stock().OnHand);
        Assert.Equal("E@2025-01-15=3 A@2025-06-01=30 B@2025-09-01=40 C@2026-01-01=20 D@2027-03-01=12", LotsOf());
    }

    [Fact]
    public void Lots_can_be_built_from_movements_alone()
    {
        Apply(Movements("m1", At(1), Move(Npl, MovementType.Received, 10, lot: "N1", expires: "2026-01-01"),
            Move(Npl, MovementType.Received, 5)));
        Apply(Movements("m2", At(2), Move(Npl, MovementType.Consumed, 4, lot: "N1")));
        Assert.Equal(11, Stock(Npl).OnHand);
        Assert.Equal("N1@2026-01-01=6", LotsOf(Npl));
    }

    [Fact]
    public void Receiving_into_a_known_lot_keeps_its_expiry()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Received, 5, lot: "A", expires: "2030-01-01")));
        Assert.Equal("A@2025-06-01=35 B@2025-09-01=40 C@2026-01-01=20", LotsOf());
    }

    [Fact]
    public void Outgoing_movement_naming_an_unknown_lot_without_expiry_only_changes_on_hand()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 5, lot: "UNKNOWN")));
        Assert.Equal(95, Stock().OnHand);
        Assert.Equal("A@2025-06-01=30 B@2025-09-01=40 C@2026-01-01=20", LotsOf());
    }

    [Fact]
    public void Lots_never_add_up_to_more_than_on_hand_when_a_named_lot_grows_past_it()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 10, lots: [LotIn("A", "2025-06-01", 10)])));
        // Five of lot B arrive, but the count is off: on hand stays at 10 after an adjustment.
        Apply(Movements("m", At(1),
            Move(Vnr, MovementType.Received, 5, lot: "B", expires: "2026-01-01"),
            Move(Vnr, MovementType.Adjusted, -5, reason: "count-error")));
        Assert.Equal(10, Stock().OnHand);
        Assert.Equal(10, Stock().Lots.Sum(l => l.Quantity));
        Assert.Equal("A@2025-06-01=5 B@2026-01-01=5", LotsOf());
    }

    [Fact]
    public void A_newer_snapshot_replaces_the_lots()
    {
        ThreeLots();
        Apply(Movements("m", At(1), Move(Vnr, MovementType.Received, 5, lot: "D", expires: "2027-01-01")));
        Apply(Snapshot("s2", At(2), Line(Vnr, 8, lots: [LotIn("Q", "2026-06-30", 8)])));
        Assert.Equal("Q@2026-06-30=8", LotsOf());
    }

    // Stock leaves first-expiry-first-out at the time it leaves; a later receipt cannot put it back.

    [Fact]
    public void An_unnamed_receipt_does_not_refill_a_lot_that_unnamed_consumption_emptied()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 10)])));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 5)));
        Assert.Equal("A@2026-01-01=5", LotsOf());

        Apply(Movements("m2", At(2), Move(Vnr, MovementType.Received, 5)));   // no lot named

        Assert.Equal(10, Stock().OnHand);
        Assert.Equal("A@2026-01-01=5", LotsOf());   // only five of lot A are left; the new five are of no known lot
    }

    [Fact]
    public void A_lot_received_after_unnamed_consumption_keeps_its_quantity()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 10)])));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 5)));
        Apply(Movements("m2", At(2), Move(Vnr, MovementType.Received, 5, lot: "B", expires: "2025-12-01")));

        // Physically: five of A are left and the five of B just received. B expiring first does not
        // make it the stock that left an hour before it arrived.
        Assert.Equal(10, Stock().OnHand);
        Assert.Equal("B@2025-12-01=5 A@2026-01-01=5", LotsOf());
    }

    [Fact]
    public void Lots_follow_the_movement_dates_not_the_arrival_order()
    {
        var reports = new[]
        {
            Snapshot("s", At(0), Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 10)])),
            Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 5)),
            Movements("m2", At(2), Move(Vnr, MovementType.Received, 5, lot: "B", expires: "2025-12-01")),
            Movements("m3", At(3), Move(Vnr, MovementType.Consumed, 2)),
        };
        var forward = Ledger();
        foreach (var r in reports) forward.Apply(r, _catalog, Now);
        var backward = Ledger();
        foreach (var r in reports.Reverse()) backward.Apply(r, _catalog, Now);

        Assert.Equal(View(forward), View(backward));
        Assert.Equal("B@2025-12-01=3 A@2026-01-01=5", Lots(forward.CurrentStock(Vnr)));
    }
}
