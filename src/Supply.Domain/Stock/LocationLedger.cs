using Supply.Domain.Catalog;
using Supply.Domain.Coverage;

namespace Supply.Domain.Stock;

/// <summary>
/// The stock of one location, as a function of the <em>set</em> of reports accepted for it.
/// Per item it keeps the newest snapshot (by as-of, ties broken by report id) and the movements
/// dated after it; anything older is history that changes nothing current. Because the kept set
/// depends only on which reports were accepted, any arrival order gives the same stock.
/// </summary>
/// <remarks>Public settable members are the persisted shape (the grain stores this object).</remarks>
public sealed class LocationLedger
{
    public string LocationId { get; set; } = "";
    /// <summary>Grows by one per accepted report; lets readers and aggregates order what they see.</summary>
    public long Version { get; set; }
    public DateTimeOffset? LastReceivedAt { get; set; }
    public DateTimeOffset? LastAsOf { get; set; }
    public Dictionary<string, ItemLedger> Items { get; set; } = new(StringComparer.Ordinal);
    /// <summary>
    /// The newest accepted reports by id (at most <see cref="ReceiptsKept"/>): the recent history, and the answer to a resend.
    /// </summary>
    public Dictionary<string, ReportReceipt> Receipts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How many receipts the ledger keeps. The ledger is stored whole on every report, so an unbounded history would
    /// make every write grow forever. Forgetting a receipt never changes stock: stock depends only on the set of
    /// reports, and a forgotten report sent again finds its snapshot no longer newer and its movement lines already
    /// kept (or already superseded), so it changes nothing; it is only acknowledged afresh (as historical) instead of
    /// with its first acknowledgement. Every report stays in the audit log for good.
    /// </summary>
    public const int ReceiptsKept = 500;

    /// <summary>
    /// Validates and applies a report. A report id seen before returns its first acknowledgement
    /// and changes nothing. Throws <see cref="DomainValidationException"/> for bad input, leaving
    /// the ledger untouched.
    /// </summary>
    public ReportAck Apply(StockReport report, ICatalogView catalog, DateTimeOffset now)
    {
        var header = new Violations();
        ReportValidator.CheckHeader(report, header);
        if (header.Any) throw new DomainValidationException(header.Items);
        if (!string.Equals(report.LocationId, LocationId, StringComparison.Ordinal))
            throw new DomainValidationException([new Violation("location_id", $"report is for '{report.LocationId}', not '{LocationId}'")]);

        if (Receipts.TryGetValue(report.ReportId, out var first)) return AckFor(first, duplicate: true);

        var violations = ReportValidator.Validate(report, catalog, now);
        if (violations.Count > 0) throw new DomainValidationException(violations);

        var asOf = report.AsOf!.Value;
        var applied = report.Kind == ReportKind.Movements
            ? ApplyMovements(report.ReportId, asOf, report.Movements, catalog)
            : ApplySnapshot(report.ReportId, asOf, report.Kind == ReportKind.PhysicalCount, report.SnapshotLines, catalog);

        Version++;
        LastReceivedAt = now;
        if (LastAsOf is null || asOf > LastAsOf) LastAsOf = asOf;
        var receipt = new ReportReceipt(report.ReportId, report.Kind, asOf, now, report.LineCount,
            applied > 0 ? ReportOutcome.Applied : ReportOutcome.Historical, applied, Version);
        Receipts[report.ReportId] = receipt;
        if (Receipts.Count > ReceiptsKept + ReceiptsKept / 10) ForgetOldestReceipts();
        return AckFor(receipt, duplicate: false);
    }

    /// <summary>Trims the receipts back to the newest <see cref="ReceiptsKept"/> (in batches, so not on every report).</summary>
    private void ForgetOldestReceipts()
    {
        var cutoff = Receipts.Values.Select(r => r.Version).OrderDescending().ElementAt(ReceiptsKept - 1);
        foreach (var (id, r) in Receipts)
            if (r.Version < cutoff) Receipts.Remove(id);
    }

    private ReportAck AckFor(ReportReceipt r, bool duplicate) =>
        new(r.ReportId, LocationId, r.Outcome, r.LinesApplied, r.Lines - r.LinesApplied, duplicate, r.Version, r.ReceivedAt, []);

    private int ApplySnapshot(string reportId, DateTimeOffset asOf, bool physicalCount, IReadOnlyList<SnapshotLine> lines, ICatalogView catalog)
    {
        var applied = 0;
        // Every line's item gets an entry (the lines name distinct items): size the table once, not in a dozen doublings.
        Items.EnsureCapacity(lines.Count);
        foreach (var line in lines)
        {
            var item = ItemFor(line.ItemId, catalog);
            var lots = line.Lots.Count == 0 ? [] : new Lot[line.Lots.Count];
            for (var i = 0; i < lots.Length; i++)
            {
                var l = line.Lots[i];
                ReportValidator.TryParseDate(l.ExpiresOn, out var expires);
                lots[i] = new Lot(LotNumberOf(l.LotNumber, item.Snapshot), expires, l.Quantity);
            }
            // Kept first expiry first, as the current stock lists them, so reading it back needs no sort (ItemLedger.Current).
            if (lots.Length > 1) Array.Sort(lots, Lot.ExpiryOrder);
            var snapshot = new SnapshotEntry(reportId, asOf, physicalCount, line.OnHand, line.Reserved, line.Quarantined, lots,
                line.AverageDailyConsumption, line.ConsumptionPeriodDays, line.StockoutDays);
            if (item.Offer(snapshot)) applied++;
            // History takes every report, newest or not: an older snapshot still says what was consumed back then.
            // A zero average with no period is read as "not said" (proto3 cannot tell it from unset).
            if (line.AverageDailyConsumption > 0 || line.ConsumptionPeriodDays > 0)
                (item.History ??= new()).RecordReported(asOf, line.ConsumptionPeriodDays,
                    Consumption.AdjustAverage(line.AverageDailyConsumption, line.ConsumptionPeriodDays, line.StockoutDays).PerDay);
        }
        return applied;
    }

    private int ApplyMovements(string reportId, DateTimeOffset asOf, IReadOnlyList<MovementLine> lines, ICatalogView catalog)
    {
        var applied = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var m = lines[i];
            DateOnly? expires = ReportValidator.TryParseDate(m.ExpiresOn, out var d) ? d : null;
            var entry = new MovementEntry(reportId, i, asOf, m.Type, MovementEntry.DeltaOf(m.Type, m.Quantity), SharedStrings.Of(m.LotNumber),
                expires, m.ReasonCode);
            var item = ItemFor(m.ItemId, catalog);
            if (item.Offer(entry)) applied++;
            if (m.Type == MovementType.Consumed) (item.History ??= new()).RecordConsumed(asOf, m.Quantity);
        }
        return applied;
    }

    /// <summary>
    /// A lot number as the ledger keeps it: the string the item's snapshot already holds when the same lot is reported
    /// again (the usual case, and cheaper than a pool look-up), else the process's shared copy (<see cref="SharedStrings"/>).
    /// The region copies keep these strings for every location and line, so one copy per lot, not per location.
    /// </summary>
    private static string LotNumberOf(string number, SnapshotEntry? held)
    {
        if (held is not null)
            for (var i = 0; i < held.Lots.Count; i++)
                if (string.Equals(held.Lots[i].LotNumber, number, StringComparison.Ordinal)) return held.Lots[i].LotNumber;
        return SharedStrings.Of(number);
    }

    private ItemLedger ItemFor(string itemId, ICatalogView catalog)
    {
        if (Items.TryGetValue(itemId, out var ledger)) return ledger;
        // Keyed by the catalog's own copy of the id, not the report's: one string per item for all locations, instead of
        // one per location and item (a national load holds millions of lines).
        Items[catalog.TryGetItem(itemId, out var item) ? item.Id : itemId] = ledger = new ItemLedger();
        return ledger;
    }

    /// <summary>Current stock of every item, in item id order.</summary>
    public IEnumerable<ItemStock> CurrentStock() =>
        Items.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value.Current(kv.Key));

    public ItemStock? CurrentStock(string itemId) =>
        Items.TryGetValue(itemId, out var ledger) ? ledger.Current(itemId) : null;

    /// <summary>The history, newest first.</summary>
    public IEnumerable<ReportReceipt> History() =>
        Receipts.Values.OrderByDescending(r => r.Version);
}
