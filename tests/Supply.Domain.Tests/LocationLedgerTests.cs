using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

public class LocationLedgerTests
{
    private readonly Supply.Domain.Catalog.CatalogBook _catalog = NewCatalog();
    private readonly LocationLedger _ledger = Ledger();

    private ReportAck Apply(StockReport report, DateTimeOffset? now = null) => _ledger.Apply(report, _catalog, now ?? Now);
    private ItemStock Stock(string item) => _ledger.CurrentStock(item) ?? throw new Xunit.Sdk.XunitException($"no stock for {item}");

    [Fact]
    public void A_new_ledger_is_empty()
    {
        Assert.Empty(_ledger.CurrentStock());
        Assert.Null(_ledger.CurrentStock(Vnr));
        Assert.Equal(0, _ledger.Version);
        Assert.Empty(_ledger.History());
    }

    [Fact]
    public void Snapshot_then_movements_of_every_type()
    {
        var ack1 = Apply(Snapshot("s1", At(0), Line(Vnr, 100)));
        Assert.Equal(new ReportAck("s1", Loc, ReportOutcome.Applied, 1, 0, false, 1, Now, []), ack1 with { Violations = [] });
        Assert.Empty(ack1.Violations);

        var ack2 = Apply(Movements("m1", At(1),
            Move(Vnr, MovementType.Received, 20),
            Move(Vnr, MovementType.Consumed, 30),
            Move(Vnr, MovementType.Discarded, 5),
            Move(Vnr, MovementType.TransferredIn, 10, counterparty: OtherLoc),
            Move(Vnr, MovementType.TransferredOut, 15, counterparty: OtherLoc),
            Move(Vnr, MovementType.Adjusted, -3, reason: "count-error"),
            Move(Vnr, MovementType.Adjusted, 1, reason: "found")));

        Assert.Equal(ReportOutcome.Applied, ack2.Outcome);
        Assert.Equal(7, ack2.LinesApplied);
        Assert.Equal(0, ack2.LinesHistorical);
        Assert.Equal(2, ack2.LocationVersion);

        var s = Stock(Vnr);
        Assert.Equal(100 + 20 - 30 - 5 + 10 - 15 - 3 + 1, s.OnHand);
        Assert.Equal(78, s.Available);
        Assert.Equal(0, s.Discrepancy);
        Assert.Equal(At(0), s.SnapshotAsOf);
        Assert.Equal(At(1), s.AsOf);
    }

    [Fact]
    public void Movement_deltas_have_the_right_sign()
    {
        Assert.Equal(5, MovementEntry.DeltaOf(MovementType.Received, 5));
        Assert.Equal(5, MovementEntry.DeltaOf(MovementType.TransferredIn, 5));
        Assert.Equal(-5, MovementEntry.DeltaOf(MovementType.Adjusted, -5));
        Assert.Equal(-5, MovementEntry.DeltaOf(MovementType.Consumed, 5));
        Assert.Equal(-5, MovementEntry.DeltaOf(MovementType.TransferredOut, 5));
        Assert.Equal(-5, MovementEntry.DeltaOf(MovementType.Discarded, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MovementEntry.DeltaOf(MovementType.Unspecified, 5));
    }

    [Fact]
    public void Movements_without_any_snapshot_count_from_zero()
    {
        Apply(Movements("m1", At(1), Move(Npl, MovementType.Received, 12), Move(Npl, MovementType.Consumed, 2)));
        Apply(Movements("m2", At(2), Move(Npl, MovementType.Received, 5)));
        var s = Stock(Npl);
        Assert.Equal(15, s.OnHand);
        Assert.Null(s.SnapshotAsOf);
        Assert.Equal(At(2), s.AsOf);
        Assert.Equal(0, s.Reserved);
        Assert.Null(s.DaysOfSupply);
    }

    [Fact]
    public void Several_items_are_kept_apart_and_listed_in_id_order()
    {
        Apply(Snapshot("s1", At(0), Line(Vnr, 10), Line(Ppe, 20), Line(Npl, 30), Line(Gtin, 40)));
        Apply(Movements("m1", At(1), Move(Ppe, MovementType.Consumed, 5), Move(Npl, MovementType.Received, 1)));
        Assert.Equal(
            new[] { (Gtin, 40L), (Npl, 31L), (Ppe, 15L), (Vnr, 10L) }.OrderBy(p => p.Item1, StringComparer.Ordinal),
            _ledger.CurrentStock().Select(s => (s.ItemId, s.OnHand)));
    }

    [Fact]
    public void Movements_from_several_reports_at_the_same_time_all_count()
    {
        Apply(Snapshot("s1", At(0), Line(Vnr, 10)));
        Apply(Movements("b", At(1), Move(Vnr, MovementType.Consumed, 1)));
        Apply(Movements("a", At(1), Move(Vnr, MovementType.Consumed, 2), Move(Vnr, MovementType.Consumed, 2)));
        Assert.Equal(5, Stock(Vnr).OnHand);
    }

    // ---- history ---------------------------------------------------------------------------

    [Fact]
    public void A_movement_dated_before_the_snapshot_is_history()
    {
        Apply(Snapshot("s1", At(5), Line(Vnr, 50)));
        var before = View(_ledger);

        var ack = Apply(Movements("m-old", At(4), Move(Vnr, MovementType.Consumed, 10), Move(Vnr, MovementType.Received, 3)));

        Assert.Equal(ReportOutcome.Historical, ack.Outcome);
        Assert.Equal(0, ack.LinesApplied);
        Assert.Equal(2, ack.LinesHistorical);
        Assert.False(ack.Duplicate);
        Assert.Equal(2, ack.LocationVersion);   // accepted and recorded, just changes nothing current
        Assert.Equal(before, View(_ledger));
        Assert.Equal(ReportOutcome.Historical, _ledger.Receipts["m-old"].Outcome);
    }

    [Fact]
    public void A_movement_dated_exactly_at_the_snapshot_is_history()
    {
        Apply(Snapshot("s1", At(5), Line(Vnr, 50)));
        var ack = Apply(Movements("m-same", At(5), Move(Vnr, MovementType.Consumed, 10)));
        Assert.Equal(ReportOutcome.Historical, ack.Outcome);
        Assert.Equal(50, Stock(Vnr).OnHand);
    }

    [Fact]
    public void A_report_mixing_current_and_historical_lines_is_applied_with_counts()
    {
        Apply(Snapshot("s1", At(5), Line(Vnr, 50)));
        var ack = Apply(Movements("m", At(3),
            Move(Vnr, MovementType.Consumed, 10),    // history: Vnr's snapshot is newer
            Move(Npl, MovementType.Received, 4),     // current: Npl has no snapshot
            Move(Vnr, MovementType.Consumed, 1)));   // history
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(1, ack.LinesApplied);
        Assert.Equal(2, ack.LinesHistorical);
        Assert.Equal(50, Stock(Vnr).OnHand);
        Assert.Equal(4, Stock(Npl).OnHand);
    }

    [Fact]
    public void An_older_snapshot_arriving_late_is_history()
    {
        Apply(Snapshot("s-new", At(5), Line(Vnr, 50, adc: 5)));
        Apply(Movements("m", At(6), Move(Vnr, MovementType.Consumed, 5)));
        var before = View(_ledger);

        var ack = Apply(Snapshot("s-old", At(4), Line(Vnr, 999, adc: 1)));

        Assert.Equal(ReportOutcome.Historical, ack.Outcome);
        Assert.Equal(1, ack.LinesHistorical);
        Assert.Equal(before, View(_ledger));
        Assert.Equal(45, Stock(Vnr).OnHand);
    }

    [Fact]
    public void A_newer_snapshot_arriving_late_replaces_older_stock_and_keeps_later_movements()
    {
        Apply(Snapshot("s1", At(0), Line(Vnr, 100)));
        Apply(Movements("m2", At(2), Move(Vnr, MovementType.Consumed, 10)));
        Apply(Movements("m4", At(4), Move(Vnr, MovementType.Consumed, 1)));
        Apply(Movements("m6", At(6), Move(Vnr, MovementType.Received, 7)));
        Assert.Equal(96, Stock(Vnr).OnHand);

        var ack = Apply(Snapshot("s4", At(4), Line(Vnr, 60)));   // counted at 4: includes m2 and m4

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        var s = Stock(Vnr);
        Assert.Equal(67, s.OnHand);
        Assert.Equal(At(4), s.SnapshotAsOf);
        Assert.Equal(At(6), s.AsOf);
        Assert.Equal(["m6"], _ledger.Items[Vnr].Movements.Select(m => m.ReportId));
    }

    [Fact]
    public void Snapshots_at_the_same_time_are_ordered_by_report_id_whatever_the_arrival_order()
    {
        var a = Snapshot("r-A", At(3), Line(Vnr, 10));
        var b = Snapshot("r-a", At(3), Line(Vnr, 20));   // 'a' > 'A' ordinally: this one wins

        var first = Ledger();
        first.Apply(a, _catalog, Now);
        var ackB = first.Apply(b, _catalog, Now);
        var second = Ledger();
        second.Apply(b, _catalog, Now);
        var ackA = second.Apply(a, _catalog, Now);

        Assert.Equal(ReportOutcome.Applied, ackB.Outcome);
        Assert.Equal(ReportOutcome.Historical, ackA.Outcome);
        Assert.Equal(20, first.CurrentStock(Vnr)!.OnHand);
        Assert.Equal(View(first), View(second));
    }

    // ---- physical counts ---------------------------------------------------------------------------

    [Fact]
    public void A_physical_count_overrides_earlier_stock_and_movements()
    {
        Apply(Snapshot("s0", At(0), Line(Vnr, 100, reserved: 20, adc: 4)));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 10)));
        Apply(Movements("m3", At(3), Move(Vnr, MovementType.Consumed, 3)));
        Assert.Equal(87, Stock(Vnr).OnHand);

        var ack = Apply(Count("count-2", At(2), Line(Vnr, 75)));
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);

        var s = Stock(Vnr);
        Assert.Equal(72, s.OnHand);               // the count, then m3
        Assert.Equal(0, s.Reserved);              // the count says nothing is reserved
        Assert.Equal(72, s.Available);
        Assert.Equal(0, s.AverageDailyConsumption);
        Assert.True(_ledger.Items[Vnr].Snapshot!.PhysicalCount);

        // A movement dated before the count arriving late changes nothing.
        var late = Apply(Movements("m1b", At(1).AddMinutes(30), Move(Vnr, MovementType.Received, 500)));
        Assert.Equal(ReportOutcome.Historical, late.Outcome);
        Assert.Equal(72, Stock(Vnr).OnHand);
    }

    [Fact]
    public void A_physical_count_clears_a_discrepancy()
    {
        Apply(Snapshot("s0", At(0), Line(Vnr, 5)));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 8)));
        Assert.Equal(3, Stock(Vnr).Discrepancy);
        Apply(Count("c2", At(2), Line(Vnr, 12)));
        Assert.Equal(0, Stock(Vnr).Discrepancy);
        Assert.Equal(12, Stock(Vnr).OnHand);
    }

    // ---- duplicates ---------------------------------------------------------------------------

    [Fact]
    public void The_same_report_id_twice_returns_the_first_ack_and_changes_nothing()
    {
        var first = Apply(Snapshot("dup", At(1), Line(Vnr, 10)));
        Apply(Movements("m", At(2), Move(Vnr, MovementType.Consumed, 1)));
        var dump = Dump(_ledger);

        var again = Apply(Snapshot("dup", At(1), Line(Vnr, 10)), Now.AddHours(1));

        Assert.True(again.Duplicate);
        Assert.Equal(first with { Duplicate = true }, again with { Violations = first.Violations });
        Assert.Equal(1, again.LocationVersion);
        Assert.Equal(Now, again.AcceptedAt);
        Assert.Equal(dump, Dump(_ledger));
        Assert.Equal(2, _ledger.Version);
    }

    [Fact]
    public void A_resend_with_different_content_still_returns_the_first_ack()
    {
        var first = Apply(Movements("m", At(2), Move(Vnr, MovementType.Received, 10)));
        var dump = Dump(_ledger);

        // Different content, even content that would now be refused: the id is the idempotency key.
        var again = Apply(Movements("m", At(3), Move(Vnr, MovementType.Received, 99), Move(Npl, MovementType.Consumed, 1)));
        var refusedContent = Apply(Snapshot("m", Now.AddDays(10), Line("vnr:1", -4)));

        Assert.Equal(first with { Duplicate = true }, again with { Violations = first.Violations });
        Assert.Equal(first with { Duplicate = true }, refusedContent with { Violations = first.Violations });
        Assert.Equal(dump, Dump(_ledger));
        Assert.Equal(10, Stock(Vnr).OnHand);
    }

    [Fact]
    public void A_duplicate_of_a_historical_report_is_still_historical()
    {
        Apply(Snapshot("s", At(5), Line(Vnr, 1)));
        var first = Apply(Movements("old", At(1), Move(Vnr, MovementType.Received, 1)));
        var again = Apply(Movements("old", At(1), Move(Vnr, MovementType.Received, 1)));
        Assert.Equal(ReportOutcome.Historical, again.Outcome);
        Assert.Equal(first.LinesHistorical, again.LinesHistorical);
        Assert.True(again.Duplicate);
    }

    [Fact]
    public void A_duplicate_with_a_bad_header_is_still_refused()
    {
        Apply(Snapshot("s", At(5), Line(Vnr, 1)));
        var ex = Assert.Throws<DomainValidationException>(() => Apply(Snapshot("s", At(5), Line(Vnr, 1)) with { LocationId = OtherLoc }));
        Assert.Equal(["location_id"], ex.Violations.Select(v => v.Field));
    }

    // ---- discrepancy, availability, days of supply ---------------------------------------------

    [Fact]
    public void Movements_netting_below_zero_show_as_discrepancy_and_zero_on_hand()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 10, reserved: 2, adc: 1)));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 15)));

        var s = Stock(Vnr);
        Assert.Equal(0, s.OnHand);
        Assert.Equal(5, s.Discrepancy);
        Assert.Equal(0, s.Available);
        Assert.Equal(0, s.DaysOfSupply);

        Apply(Movements("m2", At(2), Move(Vnr, MovementType.Received, 20)));
        s = Stock(Vnr);
        Assert.Equal(15, s.OnHand);
        Assert.Equal(0, s.Discrepancy);
        Assert.Equal(13, s.Available);
    }

    [Fact]
    public void Available_is_on_hand_less_reserved_and_quarantined_never_below_zero()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 50, reserved: 10, quarantined: 5)));
        var s = Stock(Vnr);
        Assert.Equal((50L, 10L, 5L, 35L), (s.OnHand, s.Reserved, s.Quarantined, s.Available));

        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 40)));
        s = Stock(Vnr);
        Assert.Equal((10L, 10L, 5L, 0L), (s.OnHand, s.Reserved, s.Quarantined, s.Available));
    }

    [Fact]
    public void Days_of_supply_is_available_over_daily_consumption()
    {
        Apply(Snapshot("s", At(0), Line(Vnr, 50, reserved: 10, quarantined: 5, adc: 2.5), Line(Npl, 50, adc: 0), Line(Ppe, 7, adc: 2)));
        Assert.Equal(14.0, Stock(Vnr).DaysOfSupply);
        Assert.Equal(2.5, Stock(Vnr).AverageDailyConsumption);
        Assert.Null(Stock(Npl).DaysOfSupply);
        Assert.Equal(3.5, Stock(Ppe).DaysOfSupply);

        Apply(Movements("m", At(1), Move(Vnr, MovementType.Consumed, 5)));
        Assert.Equal(12.0, Stock(Vnr).DaysOfSupply);
    }

    // ---- bookkeeping ---------------------------------------------------------------------------

    [Fact]
    public void History_lists_receipts_newest_first_and_tracks_times()
    {
        Apply(Snapshot("s", At(3), Line(Vnr, 1)), Now.AddMinutes(-10));
        Apply(Movements("m-old", At(1), Move(Vnr, MovementType.Received, 1)), Now.AddMinutes(-5));
        Apply(Count("c", At(4), Line(Npl, 2)), Now);

        Assert.Equal(["c", "m-old", "s"], _ledger.History().Select(r => r.ReportId));
        Assert.Equal([3L, 2L, 1L], _ledger.History().Select(r => r.Version));
        Assert.Equal(3, _ledger.Version);
        Assert.Equal(Now, _ledger.LastReceivedAt);
        Assert.Equal(At(4), _ledger.LastAsOf);       // the newest as-of, not the last received
        var old = _ledger.Receipts["m-old"];
        Assert.Equal(new ReportReceipt("m-old", ReportKind.Movements, At(1), Now.AddMinutes(-5), 1, ReportOutcome.Historical, 0, 2), old);
    }

    [Fact]
    public void Old_receipts_are_forgotten_and_a_forgotten_report_sent_again_changes_no_stock()
    {
        Apply(Snapshot("s0", At(0), Line(Vnr, 100)));
        Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 10)));
        var reports = LocationLedger.ReceiptsKept + LocationLedger.ReceiptsKept / 5;
        for (var i = 0; i < reports; i++) Apply(Snapshot($"g{i:D4}", At(2).AddMinutes(i), Line(Gtin, i)));

        Assert.InRange(_ledger.Receipts.Count, LocationLedger.ReceiptsKept, LocationLedger.ReceiptsKept + LocationLedger.ReceiptsKept / 10);
        Assert.Equal(reports + 2, _ledger.View().ReportsAccepted);
        Assert.DoesNotContain("m1", _ledger.Receipts.Keys);
        Assert.Equal($"g{reports - 1:D4}", _ledger.History().First().ReportId);

        var movementAgain = Apply(Movements("m1", At(1), Move(Vnr, MovementType.Consumed, 10)));
        var snapshotAgain = Apply(Snapshot("s0", At(0), Line(Vnr, 100)));
        var newestAgain = Apply(Snapshot($"g{reports - 1:D4}", At(2).AddMinutes(reports - 1), Line(Gtin, reports - 1)));

        Assert.False(movementAgain.Duplicate); // forgotten: acknowledged afresh ...
        Assert.Equal(0, movementAgain.LinesApplied); // ... but its line is already counted
        Assert.Equal(0, snapshotAgain.LinesApplied);
        Assert.True(newestAgain.Duplicate); // remembered: the first acknowledgement
        Assert.Equal(90, Stock(Vnr).OnHand);
        Assert.Equal(reports - 1, Stock(Gtin).OnHand);
    }

    [Fact]
    public void Sums_of_many_movements_saturate_instead_of_wrapping()
    {
        // Each line is bounded, the movements kept between two snapshots are not: build the extreme directly.
        MovementEntry Entry(int line, long delta) =>
            new("m", line, At(1), delta > 0 ? MovementType.Received : MovementType.Consumed, delta, "", null, "");
        var up = new ItemLedger { Movements = [Entry(0, 5_000_000_000_000_000_000), Entry(1, 5_000_000_000_000_000_000)] };
        var down = new ItemLedger { Movements = [Entry(0, -5_000_000_000_000_000_000), Entry(1, -5_000_000_000_000_000_000)] };

        var high = up.Current(Vnr);
        var low = down.Current(Vnr);

        Assert.Equal(long.MaxValue, high.OnHand);
        Assert.Equal(0, high.Discrepancy);
        Assert.Equal(0, low.OnHand);
        Assert.Equal(long.MaxValue, low.Discrepancy);
    }
}
