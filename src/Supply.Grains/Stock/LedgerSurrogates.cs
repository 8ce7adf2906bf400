using Supply.Domain.Stock;

namespace Supply.Grains.Stock;

// The location ledger is written whole on every accepted report, so it is stored in Orleans' binary format
// rather than as JSON, and column by column: one array per field instead of one object per item, lot and
// receipt. That is a third of the JSON's size, and serializing it allocates little more than its output
// (per-object surrogates allocated four times the output, on the path of every acknowledged report).
// The domain types stay free of Orleans attributes. Field ids let the stored shape evolve: add fields with new
// ids, never reuse one. Times are kept as UTC ticks plus the offset in minutes, so they read back exactly.

[GenerateSerializer]
public struct LocationLedgerSurrogate
{
    [Id(0)] public string LocationId;
    [Id(1)] public long Version;
    [Id(2)] public DateTimeOffset? LastReceivedAt;
    [Id(3)] public DateTimeOffset? LastAsOf;

    // Items: one entry per item; the report id of item i is null when it has no snapshot. The string columns are packed
    // (PackedStrings, fields 60-63); states stored before that have them as string arrays (10, 11, 21, 30), read still.
    [Id(10)] public string[]? ItemIds;
    [Id(11)] public string?[]? SnapshotReportIds;
    [Id(12)] public long[] SnapshotAsOfTicks;
    [Id(13)] public short[] SnapshotAsOfOffsets;
    [Id(14)] public bool[] PhysicalCounts;
    [Id(15)] public long[] OnHand;
    [Id(16)] public long[] Reserved;
    [Id(17)] public long[] Quarantined;
    [Id(18)] public double[] AverageDailyConsumption;
    // Lots of all snapshots in item order; LotCounts[i] of them belong to item i.
    [Id(20)] public int[] LotCounts;
    [Id(21)] public string[]? LotNumbers;
    [Id(22)] public int[] LotExpiresOn;
    [Id(23)] public long[] LotQuantities;
    // Movements after each item's snapshot (rare), in item order; MovementCounts[i] of them belong to item i.
    [Id(25)] public int[] MovementCounts;
    [Id(26)] public MovementEntry[] Movements;

    // Receipts of the newest reports.
    [Id(30)] public string[]? ReceiptIds;
    [Id(31)] public byte[] ReceiptKinds;
    [Id(32)] public long[] ReceiptAsOfTicks;
    [Id(33)] public short[] ReceiptAsOfOffsets;
    [Id(34)] public long[] ReceiptReceivedTicks;
    [Id(35)] public short[] ReceiptReceivedOffsets;
    [Id(36)] public int[] ReceiptLines;
    [Id(37)] public byte[] ReceiptOutcomes;
    [Id(38)] public int[] ReceiptLinesApplied;
    [Id(39)] public long[] ReceiptVersions;

    // How each snapshot's consumption was measured (added with issue 15; null in states stored before).
    [Id(40)] public int[]? ConsumptionPeriodDays;
    [Id(41)] public int[]? StockoutDays;
    // Consumption history per item (docs/projection.md#history): window end day (0 = none), then the runs of filled days,
    // item after item; ReportedRuns[i] / ConsumedRuns[i] of them belong to item i. Null in states stored before.
    [Id(50)] public int[]? HistoryEndDays;
    [Id(51)] public int[]? ReportedRuns;
    [Id(52)] public int[]? ReportedKeys;
    [Id(53)] public float[]? ReportedRates;
    [Id(54)] public int[]? ConsumedRuns;
    [Id(55)] public double[]? Consumed;

    [Id(60)] public byte[]? PackedItemIds;
    [Id(61)] public byte[]? PackedSnapshotReportIds;
    [Id(62)] public byte[]? PackedLotNumbers;
    [Id(63)] public byte[]? PackedReceiptIds;
}

[RegisterConverter]
public sealed class LocationLedgerConverter : IConverter<LocationLedger, LocationLedgerSurrogate>
{
    public LocationLedgerSurrogate ConvertToSurrogate(in LocationLedger value)
    {
        var n = value.Items.Count;
        int lots = 0, movements = 0, reported = 0, consumed = 0;
        var anyHistory = false;
        foreach (var item in value.Items.Values)
        {
            lots += item.Snapshot?.Lots.Count ?? 0;
            movements += item.Movements.Count;
            reported += item.History?.ReportedRun() ?? 0;
            consumed += item.History?.ConsumedRun() ?? 0;
            anyHistory |= item.History is not null;
        }
        var s = new LocationLedgerSurrogate
        {
            LocationId = value.LocationId, Version = value.Version, LastReceivedAt = value.LastReceivedAt, LastAsOf = value.LastAsOf,
            SnapshotAsOfTicks = new long[n], SnapshotAsOfOffsets = new short[n],
            PhysicalCounts = new bool[n], OnHand = new long[n], Reserved = new long[n], Quarantined = new long[n],
            AverageDailyConsumption = new double[n], LotCounts = new int[n], LotExpiresOn = new int[lots],
            LotQuantities = new long[lots], MovementCounts = new int[n], Movements = new MovementEntry[movements],
            ConsumptionPeriodDays = new int[n], StockoutDays = new int[n],
        };
        if (anyHistory) // else left out, as in states stored before histories existed
        {
            s.HistoryEndDays = new int[n];
            s.ReportedRuns = new int[n];
            s.ReportedKeys = new int[reported];
            s.ReportedRates = new float[reported];
            s.ConsumedRuns = new int[n];
            s.Consumed = new double[consumed];
        }
        var (itemIds, reportIds, lotNumbers) = (new string[n], new string?[n], new string[lots]);
        int i = 0, lot = 0, movement = 0, rep = 0, con = 0;
        foreach (var (id, item) in value.Items)
        {
            itemIds[i] = id;
            if (item.Snapshot is { } snap)
            {
                reportIds[i] = snap.ReportId;
                (s.SnapshotAsOfTicks[i], s.SnapshotAsOfOffsets[i]) = StoredTime.Split(snap.AsOf);
                s.PhysicalCounts[i] = snap.PhysicalCount;
                s.OnHand[i] = snap.OnHand;
                s.Reserved[i] = snap.Reserved;
                s.Quarantined[i] = snap.Quarantined;
                s.AverageDailyConsumption[i] = snap.AverageDailyConsumption;
                s.ConsumptionPeriodDays![i] = snap.ConsumptionPeriodDays;
                s.StockoutDays![i] = snap.StockoutDays;
                s.LotCounts[i] = snap.Lots.Count;
                for (var j = 0; j < snap.Lots.Count; j++) // by index: a foreach over the list would box its enumerator per item
                {
                    var l = snap.Lots[j];
                    lotNumbers[lot] = l.LotNumber;
                    s.LotExpiresOn[lot] = l.ExpiresOn.DayNumber;
                    s.LotQuantities[lot++] = l.Quantity;
                }
            }
            s.MovementCounts[i] = item.Movements.Count;
            for (var j = 0; j < item.Movements.Count; j++) s.Movements[movement + j] = item.Movements[j];
            movement += item.Movements.Count;
            if (item.History is { } h)
            {
                s.HistoryEndDays![i] = h.EndDay;
                var run = s.ReportedRuns![i] = h.ReportedRun();
                h.WriteReported(s.ReportedKeys.AsSpan(rep, run), s.ReportedRates.AsSpan(rep, run));
                rep += run;
                run = s.ConsumedRuns![i] = h.ConsumedRun();
                h.WriteConsumed(s.Consumed.AsSpan(con, run));
                con += run;
            }
            i++;
        }
        s.PackedItemIds = PackedStrings.Pack(itemIds);
        s.PackedSnapshotReportIds = PackedStrings.Pack(reportIds);
        s.PackedLotNumbers = PackedStrings.Pack(lotNumbers);

        var r = value.Receipts.Count;
        var receiptIds = new string[r];
        s.ReceiptKinds = new byte[r];
        s.ReceiptAsOfTicks = new long[r];
        s.ReceiptAsOfOffsets = new short[r];
        s.ReceiptReceivedTicks = new long[r];
        s.ReceiptReceivedOffsets = new short[r];
        s.ReceiptLines = new int[r];
        s.ReceiptOutcomes = new byte[r];
        s.ReceiptLinesApplied = new int[r];
        s.ReceiptVersions = new long[r];
        var k = 0;
        foreach (var receipt in value.Receipts.Values)
        {
            receiptIds[k] = receipt.ReportId;
            s.ReceiptKinds[k] = (byte)receipt.Kind;
            (s.ReceiptAsOfTicks[k], s.ReceiptAsOfOffsets[k]) = StoredTime.Split(receipt.AsOf);
            (s.ReceiptReceivedTicks[k], s.ReceiptReceivedOffsets[k]) = StoredTime.Split(receipt.ReceivedAt);
            s.ReceiptLines[k] = receipt.Lines;
            s.ReceiptOutcomes[k] = (byte)receipt.Outcome;
            s.ReceiptLinesApplied[k] = receipt.LinesApplied;
            s.ReceiptVersions[k++] = receipt.Version;
        }
        s.PackedReceiptIds = PackedStrings.Pack(receiptIds);
        return s;
    }

    public LocationLedger ConvertFromSurrogate(in LocationLedgerSurrogate s)
    {
        var ledger = new LocationLedger
        {
            LocationId = s.LocationId, Version = s.Version, LastReceivedAt = s.LastReceivedAt, LastAsOf = s.LastAsOf,
        };
        var (itemIds, reportIds) = (PackedStrings.Read(s.PackedItemIds, s.ItemIds), PackedStrings.Read(s.PackedSnapshotReportIds, s.SnapshotReportIds));
        var (lotNumbers, receiptIds) = (PackedStrings.Read(s.PackedLotNumbers, s.LotNumbers), PackedStrings.Read(s.PackedReceiptIds, s.ReceiptIds));
        ledger.Items.EnsureCapacity(itemIds.Length);
        int lot = 0, movement = 0, rep = 0, con = 0;
        for (var i = 0; i < itemIds.Length; i++)
        {
            var item = new ItemLedger();
            if (reportIds[i] is { } reportId)
            {
                var lots = s.LotCounts[i] == 0 ? [] : new Lot[s.LotCounts[i]];
                for (var j = 0; j < lots.Length; j++, lot++)
                    lots[j] = new Lot(lotNumbers[lot]!, DateOnly.FromDayNumber(s.LotExpiresOn[lot]), s.LotQuantities[lot]);
                item.Snapshot = new SnapshotEntry(reportId, StoredTime.Join(s.SnapshotAsOfTicks[i], s.SnapshotAsOfOffsets[i]), s.PhysicalCounts[i],
                    s.OnHand[i], s.Reserved[i], s.Quarantined[i], lots, s.AverageDailyConsumption[i],
                    s.ConsumptionPeriodDays?[i] ?? 0, s.StockoutDays?[i] ?? 0);
            }
            if (s.MovementCounts[i] > 0) item.Movements = new ArraySegment<MovementEntry>(s.Movements, movement, s.MovementCounts[i]);
            movement += s.MovementCounts[i];
            if (s.HistoryEndDays is { } ends && ends[i] != 0)
            {
                int r = s.ReportedRuns![i], c = s.ConsumedRuns![i];
                item.History = Domain.Forecast.ConsumptionHistory.Read(ends[i], s.ReportedKeys.AsSpan(rep, r), s.ReportedRates.AsSpan(rep, r),
                    s.Consumed.AsSpan(con, c));
                rep += r;
                con += c;
            }
            ledger.Items[SharedStrings.Of(itemIds[i]!)] = item;
        }
        ledger.Receipts.EnsureCapacity(receiptIds.Length);
        for (var k = 0; k < receiptIds.Length; k++)
            ledger.Receipts[receiptIds[k]!] = new ReportReceipt(receiptIds[k]!, (ReportKind)s.ReceiptKinds[k],
                StoredTime.Join(s.ReceiptAsOfTicks[k], s.ReceiptAsOfOffsets[k]), StoredTime.Join(s.ReceiptReceivedTicks[k], s.ReceiptReceivedOffsets[k]),
                s.ReceiptLines[k], (ReportOutcome)s.ReceiptOutcomes[k], s.ReceiptLinesApplied[k], s.ReceiptVersions[k]);
        return ledger;
    }

}

/// <summary>A movement (rare beside snapshots): one surrogate per entry is fine.</summary>
[GenerateSerializer]
public struct MovementEntrySurrogate
{
    [Id(0)] public string ReportId;
    [Id(1)] public int Line;
    [Id(2)] public DateTimeOffset AsOf;
    [Id(3)] public int Type; // enums as numbers: they are domain types without Orleans attributes
    [Id(4)] public long Delta;
    [Id(5)] public string LotNumber;
    [Id(6)] public DateOnly? ExpiresOn;
    [Id(7)] public string ReasonCode;
}

[RegisterConverter]
public sealed class MovementEntryConverter : IConverter<MovementEntry, MovementEntrySurrogate>
{
    public MovementEntry ConvertFromSurrogate(in MovementEntrySurrogate s) =>
        new(s.ReportId, s.Line, s.AsOf, (MovementType)s.Type, s.Delta, s.LotNumber ?? "", s.ExpiresOn, s.ReasonCode ?? "");

    public MovementEntrySurrogate ConvertToSurrogate(in MovementEntry value) => new()
    {
        ReportId = value.ReportId, Line = value.Line, AsOf = value.AsOf, Type = (int)value.Type, Delta = value.Delta,
        LotNumber = value.LotNumber, ExpiresOn = value.ExpiresOn, ReasonCode = value.ReasonCode,
    };
}

/// <summary>Receipts also travel alone (a location's history query).</summary>
[GenerateSerializer]
public struct ReportReceiptSurrogate
{
    [Id(0)] public string ReportId;
    [Id(1)] public int Kind;
    [Id(2)] public DateTimeOffset AsOf;
    [Id(3)] public DateTimeOffset ReceivedAt;
    [Id(4)] public int Lines;
    [Id(5)] public int Outcome;
    [Id(6)] public int LinesApplied;
    [Id(7)] public long Version;
}

[RegisterConverter]
public sealed class ReportReceiptConverter : IConverter<ReportReceipt, ReportReceiptSurrogate>
{
    public ReportReceipt ConvertFromSurrogate(in ReportReceiptSurrogate s) =>
        new(s.ReportId, (ReportKind)s.Kind, s.AsOf, s.ReceivedAt, s.Lines, (ReportOutcome)s.Outcome, s.LinesApplied, s.Version);

    public ReportReceiptSurrogate ConvertToSurrogate(in ReportReceipt value) => new()
    {
        ReportId = value.ReportId, Kind = (int)value.Kind, AsOf = value.AsOf, ReceivedAt = value.ReceivedAt, Lines = value.Lines,
        Outcome = (int)value.Outcome, LinesApplied = value.LinesApplied, Version = value.Version,
    };
}
