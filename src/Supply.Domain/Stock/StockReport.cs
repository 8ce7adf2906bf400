namespace Supply.Domain.Stock;

public enum ReportKind { Unspecified = 0, Snapshot = 1, PhysicalCount = 2, Movements = 3 }

// Numeric values match the public contract.
public enum MovementType
{
    Unspecified = 0,
    Received = 1,
    Consumed = 2,
    Adjusted = 3,
    TransferredIn = 4,
    TransferredOut = 5,
    Discarded = 6,
}

/// <summary>A batch with one expiry date. <see cref="ExpiresOn"/> is the first day it may not be used.</summary>
public readonly record struct Lot(string LotNumber, DateOnly ExpiresOn, long Quantity)
{
    /// <summary>First expiry first; lots expiring the same day by number (ordinal).</summary>
    public static readonly Comparison<Lot> ExpiryOrder = static (a, b) =>
        a.ExpiresOn != b.ExpiresOn ? a.ExpiresOn.CompareTo(b.ExpiresOn) : string.CompareOrdinal(a.LotNumber, b.LotNumber);
}

/// <summary>A lot as sent, before its date is parsed (so a bad date can be named, not thrown).</summary>
public sealed record LotInput(string LotNumber, string ExpiresOn, long Quantity);

public sealed record SnapshotLine(
    string ItemId, long OnHand, long Reserved, long Quarantined, IReadOnlyList<LotInput> Lots, double AverageDailyConsumption,
    int ConsumptionPeriodDays = 0, int StockoutDays = 0);

public sealed record MovementLine(
    string ItemId, MovementType Type, long Quantity, string LotNumber, string ExpiresOn, string ReasonCode, string CounterpartyLocationId);

/// <summary>
/// A report as a regional system sent it. The report id is the sender's idempotency key.
/// Either <see cref="SnapshotLines"/> (Snapshot, PhysicalCount) or <see cref="Movements"/> is used.
/// </summary>
public sealed record StockReport(
    string ReportId,
    string LocationId,
    DateTimeOffset? AsOf,
    ReportKind Kind,
    IReadOnlyList<SnapshotLine> SnapshotLines,
    IReadOnlyList<MovementLine> Movements)
{
    public int LineCount => Kind == ReportKind.Movements ? Movements.Count : SnapshotLines.Count;
}

public enum ReportOutcome { Unspecified = 0, Applied = 1, Historical = 2, Rejected = 3 }

/// <summary>What the sender is told once the report is durably stored.</summary>
public sealed record ReportAck(
    string ReportId,
    string LocationId,
    ReportOutcome Outcome,
    int LinesApplied,
    int LinesHistorical,
    bool Duplicate,
    long LocationVersion,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<Violation> Violations)
{
    public static ReportAck Rejected(string reportId, string locationId, IReadOnlyList<Violation> violations) =>
        new(reportId, locationId, ReportOutcome.Rejected, 0, 0, false, 0, default, violations);
}

/// <summary>The history entry of an accepted report: enough to answer a resend and to audit.</summary>
public sealed record ReportReceipt(
    string ReportId,
    ReportKind Kind,
    DateTimeOffset AsOf,
    DateTimeOffset ReceivedAt,
    int Lines,
    ReportOutcome Outcome,
    int LinesApplied,
    long Version);
