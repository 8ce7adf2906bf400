using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>Every bad input is refused with exactly the field at fault, and the ledger is left as it was.</summary>
public class ReportValidationTests
{
    private readonly Supply.Domain.Catalog.CatalogBook _catalog = NewCatalog();
    private readonly LocationLedger _ledger = Ledger();

    public ReportValidationTests()
    {
        // Some state, so "unchanged" means something.
        _ledger.Apply(Snapshot("base", At(0), Line(Vnr, 100, 10, 5, 2, LotIn("L1", "2026-01-01", 40))), _catalog, Now);
        _ledger.Apply(Movements("base-moves", At(1), Move(Vnr, MovementType.Consumed, 3), Move(Npl, MovementType.Received, 7)), _catalog, Now);
    }

    private void AssertRefused(StockReport report, params string[] fields)
    {
        var dump = Dump(_ledger);
        var stock = View(_ledger);
        var version = _ledger.Version;
        var ex = Assert.Throws<DomainValidationException>(() => _ledger.Apply(report, _catalog, Now));
        Assert.Equal(fields, ex.Violations.Select(v => v.Field));
        Assert.All(ex.Violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        Assert.Equal(dump, Dump(_ledger));
        Assert.Equal(stock, View(_ledger));
        Assert.Equal(version, _ledger.Version);
        Assert.False(_ledger.Receipts.ContainsKey(report.ReportId));
    }

    private static StockReport Snap(params SnapshotLine[] lines) => Snapshot("bad", At(2), lines);
    private static StockReport Moves(params MovementLine[] lines) => Movements("bad", At(2), lines);

    // ---- header ---------------------------------------------------------------------------

    [Fact] public void Missing_report_id() => AssertRefused(Snapshot("", At(2), Line(Vnr, 1)), "report_id");
    [Fact] public void Report_id_with_control_characters() => AssertRefused(Snapshot("r\n1", At(2), Line(Vnr, 1)), "report_id");
    [Fact] public void Report_id_too_long() => AssertRefused(Snapshot(new string('r', 129), At(2), Line(Vnr, 1)), "report_id");

    [Fact]
    public void Report_id_of_maximum_length_is_accepted()
    {
        var ack = _ledger.Apply(Snapshot(new string('r', 128), At(2), Line(Vnr, 1)), _catalog, Now);
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
    }

    [Fact]
    public void Malformed_location_id() =>
        AssertRefused(Snapshot("bad", At(2), Line(Vnr, 1)) with { LocationId = "ward 7" }, "location_id");

    [Fact]
    public void Report_for_another_location() =>
        AssertRefused(Snapshot("bad", At(2), Line(Vnr, 1)) with { LocationId = OtherLoc }, "location_id");

    [Fact]
    public void Report_for_an_unregistered_location()
    {
        var ledger = Ledger(UnregisteredLoc);
        var before = Dump(ledger);
        var ex = Assert.Throws<DomainValidationException>(() =>
            ledger.Apply(Snapshot("r1", At(2), Line(Vnr, 1)) with { LocationId = UnregisteredLoc }, _catalog, Now));
        Assert.Equal(["location_id"], ex.Violations.Select(v => v.Field));
        Assert.Equal(before, Dump(ledger));
    }

    [Fact] public void Missing_as_of() => AssertRefused(Snapshot("bad", null, Line(Vnr, 1)), "as_of");
    [Fact] public void As_of_beyond_the_clock_skew() => AssertRefused(Snapshot("bad", Now.AddMinutes(5).AddTicks(1), Line(Vnr, 1)), "as_of");
    [Fact] public void As_of_far_in_the_future() => AssertRefused(Moves(Move(Vnr, MovementType.Received, 1)) with { AsOf = Now.AddDays(1) }, "as_of");
    [Fact] public void As_of_before_2000() => AssertRefused(Snapshot("bad", new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero), Line(Vnr, 1)), "as_of");

    [Fact]
    public void As_of_within_the_clock_skew_is_accepted()
    {
        var ack = _ledger.Apply(Snapshot("skew", Now.AddMinutes(5), Line(Vnr, 1)), _catalog, Now);
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(1, _ledger.CurrentStock(Vnr)!.OnHand);
    }

    [Fact]
    public void As_of_in_another_offset_is_compared_as_an_instant()
    {
        // 14:04 in UTC+2 is 12:04 UTC: within the skew. 14:06 in UTC+2 is not.
        var plus2 = TimeSpan.FromHours(2);
        Assert.Equal(ReportOutcome.Applied, _ledger.Apply(Snapshot("tz-ok", new DateTimeOffset(2025, 3, 1, 14, 4, 0, plus2), Line(Npl, 1)), _catalog, Now).Outcome);
        AssertRefused(Snapshot("tz-bad", new DateTimeOffset(2025, 3, 1, 14, 6, 0, plus2), Line(Vnr, 1)), "as_of");
    }

    [Fact] public void No_body() => AssertRefused(new StockReport("bad", Loc, At(2), ReportKind.Unspecified, [], []), "body");
    [Fact] public void Undefined_kind() => AssertRefused(new StockReport("bad", Loc, At(2), (ReportKind)9, [Line(Vnr, 1)], []), "body");

    [Fact]
    public void Several_header_faults_are_all_named() =>
        AssertRefused(new StockReport("bad", Loc, null, ReportKind.Snapshot, [], []), "as_of", "snapshot.lines");

    // ---- snapshot ---------------------------------------------------------------------------

    [Fact] public void Snapshot_without_lines() => AssertRefused(Snap(), "snapshot.lines");
    [Fact] public void Physical_count_without_lines() => AssertRefused(Count("bad", At(2)), "snapshot.lines");
    [Fact] public void Snapshot_unknown_item() => AssertRefused(Snap(Line(Vnr, 1), Line(UnregisteredItem, 1)), "snapshot.lines[1].item_id");
    [Fact] public void Snapshot_malformed_item_id() => AssertRefused(Snap(Line("vnr:12", 1)), "snapshot.lines[0].item_id");
    [Fact] public void Snapshot_malformed_gtin() => AssertRefused(Snap(Line("gtin:4006381333932", 1)), "snapshot.lines[0].item_id");
    [Fact] public void Snapshot_duplicate_item() => AssertRefused(Snap(Line(Vnr, 1), Line(Npl, 1), Line(Vnr, 2)), "snapshot.lines[2].item_id");
    [Fact] public void Snapshot_negative_on_hand() => AssertRefused(Snap(Line(Vnr, 1), Line(Npl, -1)), "snapshot.lines[1].on_hand");
    [Fact] public void Snapshot_on_hand_above_the_limit() => AssertRefused(Snap(Line(Vnr, Limits.MaxQuantity + 1)), "snapshot.lines[0].on_hand");
    [Fact] public void Snapshot_negative_reserved() => AssertRefused(Snap(Line(Vnr, 5, reserved: -1)), "snapshot.lines[0].reserved");
    [Fact] public void Snapshot_negative_quarantined() => AssertRefused(Snap(Line(Vnr, 5, quarantined: -1)), "snapshot.lines[0].quarantined");
    [Fact] public void Snapshot_reserved_plus_quarantined_above_on_hand() => AssertRefused(Snap(Line(Vnr, 10, reserved: 6, quarantined: 5)), "snapshot.lines[0].reserved");
    [Fact] public void Snapshot_reserved_above_on_hand() => AssertRefused(Snap(Line(Vnr, 10, reserved: 11)), "snapshot.lines[0].reserved");
    [Fact] public void Snapshot_negative_consumption() => AssertRefused(Snap(Line(Vnr, 10, adc: -0.5)), "snapshot.lines[0].average_daily_consumption");
    [Fact] public void Snapshot_nan_consumption() => AssertRefused(Snap(Line(Vnr, 10, adc: double.NaN)), "snapshot.lines[0].average_daily_consumption");
    [Fact] public void Snapshot_infinite_consumption() => AssertRefused(Snap(Line(Vnr, 10, adc: double.PositiveInfinity)), "snapshot.lines[0].average_daily_consumption");

    [Fact]
    public void Snapshot_at_the_edges_is_accepted()
    {
        var ack = _ledger.Apply(Snap(Line(Vnr, Limits.MaxQuantity, reserved: 1, quarantined: Limits.MaxQuantity - 1, adc: 0,
            LotIn("A", "2026-01-01", Limits.MaxQuantity))), _catalog, Now);
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(0, _ledger.CurrentStock(Vnr)!.Available);
    }

    // ---- lots ---------------------------------------------------------------------------

    [Fact]
    public void Lot_with_a_bad_date() =>
        AssertRefused(Snap(Line(Npl, 10), Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 1), LotIn("B", "2026-02-30", 1)])),
            "snapshot.lines[1].lots[1].expires_on");

    [Theory]
    [InlineData("")]
    [InlineData("2026-1-01")]
    [InlineData("01/02/2026")]
    [InlineData("2026-13-01")]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData(" 2026-01-01")]
    public void Lot_expiry_must_be_a_date(string expires) =>
        AssertRefused(Snap(Line(Npl, 10), Line(Vnr, 10, lots: [LotIn("A", expires, 1)])), "snapshot.lines[1].lots[0].expires_on");

    [Fact]
    public void Lot_number_twice() =>
        AssertRefused(Snap(Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 1), LotIn("B", "2026-01-01", 1), LotIn("A", "2027-01-01", 1)])),
            "snapshot.lines[0].lots[2].lot_number");

    [Theory]
    [InlineData("")]
    [InlineData("lot 7")]
    [InlineData("lot\t7")]
    public void Lot_number_must_be_a_token(string lot) =>
        AssertRefused(Snap(Line(Vnr, 10, lots: [LotIn(lot, "2026-01-01", 1)])), "snapshot.lines[0].lots[0].lot_number");

    [Fact]
    public void Lot_number_too_long() =>
        AssertRefused(Snap(Line(Vnr, 10, lots: [LotIn(new string('L', 65), "2026-01-01", 1)])), "snapshot.lines[0].lots[0].lot_number");

    [Fact]
    public void Lot_negative_quantity() =>
        AssertRefused(Snap(Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 5), LotIn("B", "2026-01-01", -1)])), "snapshot.lines[0].lots[1].quantity");

    [Fact]
    public void Lots_adding_up_to_more_than_on_hand() =>
        AssertRefused(Snap(Line(Vnr, 10, lots: [LotIn("A", "2026-01-01", 6), LotIn("B", "2026-01-01", 5)])), "snapshot.lines[0].lots");

    [Fact]
    public void Lots_adding_up_to_exactly_on_hand_are_accepted() =>
        Assert.Equal(ReportOutcome.Applied,
            _ledger.Apply(Snap(Line(Vnr, 11, lots: [LotIn("A", "2026-01-01", 6), LotIn("B", "2026-01-01", 5)])), _catalog, Now).Outcome);

    [Fact]
    public void Too_many_lots() =>
        AssertRefused(Snap(Line(Vnr, 1000, lots: Enumerable.Range(0, 201).Select(i => LotIn($"L{i}", "2026-01-01", 1)).ToArray())),
            "snapshot.lines[0].lots");

    // ---- movements ---------------------------------------------------------------------------

    [Fact] public void Movements_without_lines() => AssertRefused(Moves(), "movements.lines");
    [Fact] public void Movement_unknown_item() => AssertRefused(Moves(Move(Vnr, MovementType.Consumed, 1), Move(UnregisteredItem, MovementType.Consumed, 1)), "movements.lines[1].item_id");
    [Fact] public void Movement_malformed_item() => AssertRefused(Moves(Move("ppe:FFP2", MovementType.Consumed, 1)), "movements.lines[0].item_id");
    [Fact] public void Movement_without_type() => AssertRefused(Moves(Move(Vnr, MovementType.Unspecified, 1)), "movements.lines[0].type");
    [Fact] public void Movement_undefined_type() => AssertRefused(Moves(Move(Vnr, (MovementType)17, 1)), "movements.lines[0].type");

    [Theory]
    [InlineData(MovementType.Received, 0)]
    [InlineData(MovementType.Consumed, -5)]
    [InlineData(MovementType.TransferredIn, 0)]
    [InlineData(MovementType.TransferredOut, -1)]
    [InlineData(MovementType.Discarded, Limits.MaxQuantity + 1)]
    [InlineData(MovementType.Consumed, long.MinValue)]
    public void Movement_quantity_must_be_positive_and_bounded(MovementType type, long quantity) =>
        AssertRefused(Moves(Move(Vnr, type, quantity)), "movements.lines[0].quantity");

    [Theory]
    [InlineData(0)]
    [InlineData(Limits.MaxQuantity + 1)]
    [InlineData(-Limits.MaxQuantity - 1)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Adjustment_quantity_must_be_non_zero_and_bounded(long quantity) =>
        AssertRefused(Moves(Move(Vnr, MovementType.Adjusted, quantity, reason: "count-error")), "movements.lines[0].quantity");

    [Fact] public void Adjustment_without_reason_code() => AssertRefused(Moves(Move(Vnr, MovementType.Consumed, 1), Move(Vnr, MovementType.Adjusted, -2)), "movements.lines[1].reason_code");
    [Fact] public void Adjustment_with_a_reason_code_containing_spaces() => AssertRefused(Moves(Move(Vnr, MovementType.Adjusted, 2, reason: "count error")), "movements.lines[0].reason_code");
    [Fact] public void Reason_code_too_long() => AssertRefused(Moves(Move(Vnr, MovementType.Consumed, 2, reason: new string('r', 65))), "movements.lines[0].reason_code");

    [Theory]
    [InlineData(MovementType.Received)]
    [InlineData(MovementType.TransferredIn)]
    public void Incoming_lot_needs_an_expiry(MovementType type) =>
        AssertRefused(Moves(Move(Vnr, type, 5, lot: "L9")), "movements.lines[0].expires_on");

    [Fact] public void Movement_lot_with_a_bad_date() => AssertRefused(Moves(Move(Vnr, MovementType.Consumed, 5, lot: "L1", expires: "2026-02-29")), "movements.lines[0].expires_on");
    [Fact] public void Expiry_without_lot() => AssertRefused(Moves(Move(Vnr, MovementType.Received, 5, expires: "2026-01-01")), "movements.lines[0].expires_on");
    [Fact] public void Movement_lot_number_not_a_token() => AssertRefused(Moves(Move(Vnr, MovementType.Consumed, 5, lot: "L 1")), "movements.lines[0].lot_number");
    [Fact] public void Counterparty_malformed() => AssertRefused(Moves(Move(Vnr, MovementType.TransferredOut, 5, counterparty: "_central")), "movements.lines[0].counterparty_location_id");

    [Fact]
    public void Outgoing_lot_needs_no_expiry_and_a_counterparty_need_not_be_registered()
    {
        var ack = _ledger.Apply(Moves(Move(Vnr, MovementType.TransferredOut, 5, lot: "L1", counterparty: UnregisteredLoc),
            Move(Vnr, MovementType.Adjusted, -1, lot: "L1", reason: "damaged")), _catalog, Now);
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal("L1@2026-01-01=34", Lots(_ledger.CurrentStock(Vnr)));
    }

    [Fact]
    public void All_bad_lines_are_named_in_order() =>
        AssertRefused(Moves(
                Move(Vnr, MovementType.Received, 1),
                Move(UnregisteredItem, MovementType.Consumed, 0),
                Move(Vnr, MovementType.Adjusted, 3),
                Move(Vnr, MovementType.Received, 2, lot: "L2")),
            "movements.lines[1].item_id", "movements.lines[1].quantity", "movements.lines[2].reason_code", "movements.lines[3].expires_on");

    [Fact]
    public void The_number_of_violations_is_capped()
    {
        var lines = Enumerable.Range(0, 500).Select(_ => Move(UnregisteredItem, MovementType.Consumed, 1)).ToArray();
        var ex = Assert.Throws<DomainValidationException>(() => _ledger.Apply(Moves(lines), _catalog, Now));
        Assert.InRange(ex.Violations.Count, Limits.MaxViolations, Limits.MaxViolations + 5);
        Assert.Equal("movements.lines[0].item_id", ex.Violations[0].Field);
    }

    [Fact]
    public void A_refused_report_id_is_not_remembered_and_may_be_sent_again_corrected()
    {
        AssertRefused(Snapshot("fix-me", At(2), Line(Vnr, -1)), "snapshot.lines[0].on_hand");
        var ack = _ledger.Apply(Snapshot("fix-me", At(2), Line(Vnr, 1)), _catalog, Now);
        Assert.False(ack.Duplicate);
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(3, ack.LocationVersion);
    }

    [Fact]
    public void Validator_can_be_called_directly_and_agrees_with_the_ledger()
    {
        Assert.Empty(ReportValidator.Validate(Snap(Line(Vnr, 1)), _catalog, Now));
        Assert.Equal(["snapshot.lines[0].on_hand"], ReportValidator.Validate(Snap(Line(Vnr, -1)), _catalog, Now).Select(v => v.Field));
    }
}
