using System.Globalization;
using CsCheck;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

/// <summary>
/// Property-based tests: stock is a function of the set of accepted reports. Each property runs a
/// fixed list of seeds, so the suite is deterministic; a failure prints the seed that reproduces it.
/// </summary>
public class LedgerProperties
{
    private const int Cases = 200;

    private static readonly string[] Items = [Vnr, Npl, Ppe, Gtin];

    /// <summary>L1 and L3 share an expiry (ties are broken by lot number); "l1" differs from "L1" only by case.</summary>
    private static readonly (string Number, string Expires)[] LotPool =
        [("L1", "2025-06-01"), ("L2", "2025-03-15"), ("L3", "2025-06-01"), ("l1", "2026-01-01")];

    /// <summary>Few distinct times, so as-of values collide often. The last one is in the future, within the skew.</summary>
    private static readonly DateTimeOffset[] Times = [At(0), At(1), At(2), At(3), At(4), At(5), Now.AddMinutes(4)];

    /// <summary>Ordinal order of these is A- &lt; Z &lt; a- &lt; r, unlike culture order.</summary>
    private static readonly string[] IdPrefixes = ["A-", "a-", "r", "Z"];

    // ---- generators ---------------------------------------------------------------------------

    private static SnapshotLine MakeLine(string item, long onHand, long reserved, long quarantined, bool[] include, long[] wanted, double adc)
    {
        var lots = new List<LotInput>();
        var left = onHand;
        for (var i = 0; i < LotPool.Length; i++)
        {
            if (!include[i]) continue;
            var q = Math.Min(wanted[i], left);   // lots never add up to more than on hand
            left -= q;
            lots.Add(new LotInput(LotPool[i].Number, LotPool[i].Expires, q));
        }
        return new SnapshotLine(item, onHand, reserved, quarantined, lots, adc);
    }

    private static Gen<SnapshotLine> GenSnapshotLine(string item) =>
        from onHand in Gen.Long[0, 60]
        from reserved in Gen.Long[0, onHand]
        from quarantined in Gen.Long[0, onHand - reserved]
        from include in Gen.Bool.Array[LotPool.Length]
        from wanted in Gen.Long[0, 30].Array[LotPool.Length]
        from adc in Gen.OneOf(0.0, 0.5, 2.0, 3.0)
        select MakeLine(item, onHand, reserved, quarantined, include, wanted, adc);

    private static readonly Gen<MovementType> GenType = Gen.OneOf(MovementType.Received, MovementType.Consumed, MovementType.Adjusted,
        MovementType.TransferredIn, MovementType.TransferredOut, MovementType.Discarded);

    private static MovementLine MakeMove(string item, MovementType type, long quantity, bool negative, int lotIndex, bool withExpiry, int oddExpiry)
    {
        if (type == MovementType.Adjusted && negative) quantity = -quantity;
        var reason = type == MovementType.Adjusted ? "count-error" : "";
        if (lotIndex < 0) return new MovementLine(item, type, quantity, "", "", reason, "");   // no lot named
        var (number, expires) = LotPool[lotIndex];
        if (oddExpiry == 0) expires = "2027-02-28";   // sometimes an expiry that disagrees with the lot's
        var adds = type is MovementType.Received or MovementType.TransferredIn;
        return new MovementLine(item, type, quantity, number, adds || withExpiry ? expires : "", reason, "");
    }

    private static readonly Gen<MovementLine> GenMove =
        from item in Gen.OneOf(Items)
        from type in GenType
        from quantity in Gen.Long[1, 25]
        from negative in Gen.Bool
        from lotIndex in Gen.Int[-3, LotPool.Length - 1]
        from withExpiry in Gen.Bool
        from oddExpiry in Gen.Int[0, 7]
        select MakeMove(item, type, quantity, negative, lotIndex, withExpiry, oddExpiry);

    private static readonly Gen<SnapshotLine[]> GenSnapshotLines =
        from include in Gen.Bool.Array[Items.Length]
        from lines in Gen.Select(GenSnapshotLine(Items[0]), GenSnapshotLine(Items[1]), GenSnapshotLine(Items[2]), GenSnapshotLine(Items[3]))
        select new[] { lines.Item1, lines.Item2, lines.Item3, lines.Item4 }.Where((_, i) => include[i] || !include.Any(b => b) && i == 0).ToArray();

    /// <summary>A report without its id: kind, as-of and body.</summary>
    private static readonly Gen<Func<string, StockReport>> GenReportBody =
        from kind in Gen.Int[0, 7]
        from asOf in Gen.OneOf(Times)
        from snapshot in GenSnapshotLines
        from moves in GenMove.Array[1, 5]
        select (Func<string, StockReport>)(id => kind switch
        {
            < 3 => new StockReport(id, Loc, asOf, ReportKind.Snapshot, snapshot, []),
            3 => new StockReport(id, Loc, asOf, ReportKind.PhysicalCount, snapshot, []),
            _ => new StockReport(id, Loc, asOf, ReportKind.Movements, [], moves),
        });

    public sealed record Case(StockReport[] Distinct, StockReport[] OrderA, StockReport[] OrderB);

    private static readonly Gen<Case> GenCase =
        from bodies in GenReportBody.Array[1, 14]
        from prefixes in Gen.Int[0, IdPrefixes.Length - 1].Array[14]
        from repeats in Gen.Int[0, 13].Array[0, 6]
        let distinct = bodies.Select((make, i) => make($"{IdPrefixes[prefixes[i]]}{i}")).ToArray()
        let withRepeats = distinct.Concat(repeats.Select(r => distinct[r % distinct.Length])).ToArray()
        from orderA in Gen.Shuffle(withRepeats.ToArray())
        from orderB in Gen.Shuffle(withRepeats.ToArray())
        select new Case(distinct, orderA, orderB);

    // ---- runner ---------------------------------------------------------------------------

    /// <summary>Runs the property over a fixed list of seeds (deterministic), each printed by CsCheck if it fails.</summary>
    private static void ForAll<T>(Gen<T> gen, Action<T> property, ulong salt, Func<T, string>? print = null)
    {
        for (var i = 0; i < Cases; i++)
        {
            var seed = new PCG((uint)i, salt * 1_000_003UL + (ulong)i * 7919UL + 17UL).ToString();
            gen.Sample(property, seed: seed, iter: 1, threads: 1, print: print);
        }
    }

    private static string Describe(StockReport r) =>
        $"{r.ReportId}@{r.AsOf:MM-dd HH:mm} {r.Kind}: " + (r.Kind == ReportKind.Movements
            ? string.Join(", ", r.Movements.Select(m => $"{m.ItemId} {m.Type} {m.Quantity} {m.LotNumber} {m.ExpiresOn}".TrimEnd()))
            : string.Join(", ", r.SnapshotLines.Select(l => $"{l.ItemId} {l.OnHand}/{l.Reserved}/{l.Quarantined} adc {l.AverageDailyConsumption} " +
                string.Join(" ", l.Lots.Select(x => $"{x.LotNumber}@{x.ExpiresOn}={x.Quantity}")))));

    private static string Describe(Case c) =>
        "\n  " + string.Join("\n  ", c.Distinct.Select(Describe)) + "\n  order A: " + string.Join(" ", c.OrderA.Select(r => r.ReportId))
        + "\n  order B: " + string.Join(" ", c.OrderB.Select(r => r.ReportId));

    /// <summary>Applies reports in order, checking the per-step invariants; returns the ledger.</summary>
    private static LocationLedger Replay(IEnumerable<StockReport> reports)
    {
        var catalog = NewCatalog();
        var ledger = Ledger();
        var firstAcks = new Dictionary<string, ReportAck>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            var dump = firstAcks.ContainsKey(report.ReportId) ? Dump(ledger) : null;
            var ack = ledger.Apply(report, catalog, Now);
            if (firstAcks.TryGetValue(report.ReportId, out var first))
            {
                // A resend: the first acknowledgement, marked duplicate, and nothing changes.
                Assert.True(ack.Duplicate);
                Assert.Equal(first with { Duplicate = true, Violations = ack.Violations }, ack);
                Assert.Equal(dump, Dump(ledger));
            }
            else
            {
                Assert.False(ack.Duplicate);
                firstAcks[report.ReportId] = ack;
                Assert.Equal(report.LineCount, ack.LinesApplied + ack.LinesHistorical);
                Assert.Equal(ack.LinesApplied > 0 ? ReportOutcome.Applied : ReportOutcome.Historical, ack.Outcome);
                Assert.Equal(ledger.Version, ack.LocationVersion);
            }
            // (c) the version counts distinct accepted report ids.
            Assert.Equal(firstAcks.Count, ledger.Version);
            Assert.Equal(firstAcks.Count, ledger.Receipts.Count);
            AssertInvariants(ledger);
        }
        return ledger;
    }

    /// <summary>(b) Nothing is negative, and lots are a breakdown of on-hand stock.</summary>
    private static void AssertInvariants(LocationLedger ledger)
    {
        foreach (var s in ledger.CurrentStock())
        {
            Assert.True(s.OnHand >= 0, $"{s.ItemId} on hand {s.OnHand}");
            Assert.True(s.Available >= 0, $"{s.ItemId} available {s.Available}");
            Assert.True(s.Available <= s.OnHand, $"{s.ItemId} available {s.Available} > on hand {s.OnHand}");
            Assert.True(s.Discrepancy >= 0, $"{s.ItemId} discrepancy {s.Discrepancy}");
            Assert.True(s.Discrepancy == 0 || s.OnHand == 0, $"{s.ItemId} discrepancy with stock on hand");
            Assert.All(s.Lots, l => Assert.True(l.Quantity > 0, $"{s.ItemId} lot {l.LotNumber} = {l.Quantity}"));
            Assert.True(s.Lots.Sum(l => l.Quantity) <= s.OnHand, $"{s.ItemId} lots {Lots(s)} exceed on hand {s.OnHand}");
            Assert.Equal(s.Lots.Count, s.Lots.Select(l => l.LotNumber).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(s.Lots.OrderBy(l => l.ExpiresOn).ThenBy(l => l.LotNumber, StringComparer.Ordinal), s.Lots);
        }
    }

    // ---- the reference model (d) ---------------------------------------------------------------------------

    private sealed class LotState(string number, DateOnly expires, long quantity)
    {
        public string Number { get; } = number;
        public DateOnly Expires { get; } = expires;
        public long Quantity { get; set; } = quantity;
    }

    private static long Signed(MovementLine m) => m.Type switch
    {
        MovementType.Received or MovementType.TransferredIn => m.Quantity,
        MovementType.Adjusted => m.Quantity,
        _ => -m.Quantity,
    };

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// What the stock should be, straight from the rules: per item the newest snapshot by (as-of, report id),
    /// plus the movements dated after it, floored at zero. Lots: named movements change their lot; whenever
    /// lots exceed what is on hand, the excess leaves first-expiry-first-out.
    /// </summary>
    private static List<StockView> Model(IEnumerable<StockReport> reports)
    {
        var accepted = new List<StockReport>();
        foreach (var r in reports)
            if (!accepted.Exists(a => a.ReportId == r.ReportId)) accepted.Add(r);   // the first with an id wins

        var snapshots = accepted.Where(r => r.Kind != ReportKind.Movements)
            .SelectMany(r => r.SnapshotLines.Select(l => (r.ReportId, AsOf: r.AsOf!.Value, Line: l))).ToList();
        var moves = accepted.Where(r => r.Kind == ReportKind.Movements)
            .SelectMany(r => r.Movements.Select((m, i) => (r.ReportId, AsOf: r.AsOf!.Value, Index: i, Move: m))).ToList();

        var result = new List<StockView>();
        foreach (var item in snapshots.Select(s => s.Line.ItemId).Concat(moves.Select(m => m.Move.ItemId)).Distinct().Order(StringComparer.Ordinal))
        {
            var candidates = snapshots.Where(s => s.Line.ItemId == item).ToList();
            (string ReportId, DateTimeOffset AsOf, SnapshotLine Line)? newest = null;
            foreach (var c in candidates)
                if (newest is not { } n || c.AsOf > n.AsOf || c.AsOf == n.AsOf && string.CompareOrdinal(c.ReportId, n.ReportId) > 0)
                    newest = c;

            var after = moves.Where(m => m.Move.ItemId == item && (newest is null || m.AsOf > newest.Value.AsOf))
                .OrderBy(m => m.AsOf).ThenBy(m => m.ReportId, StringComparer.Ordinal).ThenBy(m => m.Index).ToList();

            var line = newest?.Line;
            var raw = line?.OnHand ?? 0;
            var lots = (line?.Lots ?? []).Select(l => new LotState(l.LotNumber, ParseDate(l.ExpiresOn), l.Quantity)).ToList();
            foreach (var m in after)
            {
                raw += Signed(m.Move);
                if (m.Move.LotNumber != "")
                {
                    var lot = lots.Find(l => l.Number == m.Move.LotNumber);
                    if (lot is not null) lot.Quantity += Signed(m.Move);
                    else if (m.Move.ExpiresOn != "") lots.Add(new LotState(m.Move.LotNumber, ParseDate(m.Move.ExpiresOn), Signed(m.Move)));
                }
                var excess = lots.Where(l => l.Quantity > 0).Sum(l => l.Quantity) - Math.Max(0, raw);
                foreach (var l in lots.Where(l => l.Quantity > 0).OrderBy(l => l.Expires).ThenBy(l => l.Number, StringComparer.Ordinal))
                {
                    var take = Math.Min(Math.Max(0, excess), l.Quantity);
                    l.Quantity -= take;
                    excess -= take;
                }
            }

            var onHand = Math.Max(0, raw);
            var reserved = line?.Reserved ?? 0;
            var quarantined = line?.Quarantined ?? 0;
            var available = Math.Max(0, onHand - reserved - quarantined);
            var adc = line?.AverageDailyConsumption ?? 0;
            var lotText = string.Join(" ", lots.Where(l => l.Quantity > 0).OrderBy(l => l.Expires).ThenBy(l => l.Number, StringComparer.Ordinal)
                .Select(l => $"{l.Number}@{l.Expires:yyyy-MM-dd}={l.Quantity}"));
            result.Add(new StockView(item, onHand, reserved, quarantined, available, lotText, adc, adc > 0 ? available / adc : null,
                newest?.AsOf, after.Count > 0 ? after[^1].AsOf : newest?.AsOf, Math.Max(0, -raw)));
        }
        return result;
    }

    // ---- properties ---------------------------------------------------------------------------

    [Fact]
    public void Any_arrival_order_with_resends_gives_the_same_stock() =>
        ForAll(GenCase, c =>
        {
            var expected = View(Replay(c.Distinct));
            Assert.Equal(expected, View(Replay(c.OrderA)));
            Assert.Equal(expected, View(Replay(c.OrderB)));
            Assert.Equal(expected, View(Replay(c.OrderA.Reverse())));
        }, salt: 1, Describe);

    [Fact]
    public void Stock_equals_the_reference_model() =>
        ForAll(GenCase, c =>
        {
            Assert.Equal(Model(c.Distinct), View(Replay(c.Distinct)));
            Assert.Equal(Model(c.OrderA), View(Replay(c.OrderA)));
        }, salt: 2, Describe);

    [Fact]
    public void Version_and_history_count_distinct_report_ids() =>
        ForAll(GenCase, c =>
        {
            var ledger = Replay(c.OrderB);   // Replay checks the version after every step, resends included
            var ids = c.OrderB.Select(r => r.ReportId).Distinct().ToList();
            Assert.Equal(ids.Count, ledger.Version);
            Assert.Equal(ids.Order(StringComparer.Ordinal), ledger.History().Select(r => r.ReportId).Order(StringComparer.Ordinal));
            Assert.Equal(Enumerable.Range(1, ids.Count).Select(v => (long)v).Reverse(), ledger.History().Select(r => r.Version));
            Assert.Equal(c.OrderB.Max(r => r.AsOf), ledger.LastAsOf);
        }, salt: 3, Describe);

    /// <summary>A refused report leaves any ledger exactly as it was, and names its field.</summary>
    [Fact]
    public void A_refused_report_changes_nothing_whatever_the_state() =>
        ForAll(
            from c in GenCase
            from corruption in Gen.Int[0, Corruptions.Length - 1]
            from line in Gen.Int[0, 3]
            select (c, corruption, line),
            t =>
            {
                var (c, corruption, line) = t;
                var ledger = Replay(c.OrderA);
                var dump = Dump(ledger);
                var (report, field) = Corruptions[corruption](line);
                var ex = Assert.Throws<DomainValidationException>(() => ledger.Apply(report, NewCatalog(), Now));
                Assert.Equal([field], ex.Violations.Select(v => v.Field));
                Assert.Equal(dump, Dump(ledger));
            }, salt: 4, t => Describe(t.c) + $"\n  corruption {t.corruption} at line {t.line}");

    /// <summary>Bad reports, each with the one field a refusal must name; the bad line is at index <c>i</c>.</summary>
    private static readonly Func<int, (StockReport Report, string Field)>[] Corruptions =
    [
        i => (Movements("bad", At(6), Pad(i, Move(Vnr, MovementType.Consumed, 0))), $"movements.lines[{i}].quantity"),
        i => (Movements("bad", At(6), Pad(i, Move(Vnr, MovementType.Adjusted, 4))), $"movements.lines[{i}].reason_code"),
        i => (Movements("bad", At(6), Pad(i, Move(UnregisteredItem, MovementType.Received, 4))), $"movements.lines[{i}].item_id"),
        i => (Movements("bad", At(6), Pad(i, Move(Npl, MovementType.Received, 4, lot: "L9"))), $"movements.lines[{i}].expires_on"),
        i => (Snapshot("bad", At(6), PadLines(i, Line(Ppe, 3, reserved: 2, quarantined: 2))), $"snapshot.lines[{i}].reserved"),
        i => (Snapshot("bad", At(6), PadLines(i, Line(Ppe, 3, lots: [LotIn("A", "2025-01-01", 2), LotIn("B", "2025-01-01", 2)]))), $"snapshot.lines[{i}].lots"),
        i => (Snapshot("bad", At(6), PadLines(i, Line(Ppe, 3, lots: [LotIn("A", "2025-02-29", 1)]))), $"snapshot.lines[{i}].lots[0].expires_on"),
        i => (Snapshot("bad", At(6), PadLines(i, Line(Ppe, -3))), $"snapshot.lines[{i}].on_hand"),
        i => (Snapshot("bad", Now.AddMinutes(6), PadLines(i, Line(Ppe, 3))), "as_of"),
    ];

    private static MovementLine[] Pad(int i, MovementLine bad) =>
        Enumerable.Range(0, i).Select(_ => Move(Gtin, MovementType.Received, 1)).Append(bad).ToArray();

    /// <summary>Good lines before the bad one, each for a different item so the snapshot has no duplicates.</summary>
    private static SnapshotLine[] PadLines(int i, SnapshotLine bad) =>
        new[] { Vnr, Npl, Gtin }.Take(i).Select(item => Line(item, 1)).Append(bad).ToArray();
}
