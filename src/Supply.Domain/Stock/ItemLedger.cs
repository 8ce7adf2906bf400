using Supply.Domain.Coverage;
using Supply.Domain.Forecast;

namespace Supply.Domain.Stock;

public sealed record SnapshotEntry(
    string ReportId, DateTimeOffset AsOf, bool PhysicalCount, long OnHand, long Reserved, long Quarantined,
    IReadOnlyList<Lot> Lots, double AverageDailyConsumption, int ConsumptionPeriodDays = 0, int StockoutDays = 0)
{
    /// <summary>Total order on snapshots: later as-of wins; on a tie the larger report id, so order never matters.</summary>
    public bool IsNewerThan(SnapshotEntry other) =>
        AsOf != other.AsOf ? AsOf > other.AsOf : string.CompareOrdinal(ReportId, other.ReportId) > 0;
}

public sealed record MovementEntry(
    string ReportId, int Line, DateTimeOffset AsOf, MovementType Type, long Delta, string LotNumber, DateOnly? ExpiresOn,
    string ReasonCode)
{
    public static long DeltaOf(MovementType type, long quantity) => type switch
    {
        MovementType.Received or MovementType.TransferredIn or MovementType.Adjusted => quantity,
        MovementType.Consumed or MovementType.TransferredOut or MovementType.Discarded => -quantity,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a movement type"),
    };

    internal static int Compare(MovementEntry a, MovementEntry b)
    {
        var c = a.AsOf.CompareTo(b.AsOf);
        if (c == 0) c = string.CompareOrdinal(a.ReportId, b.ReportId);
        return c != 0 ? c : a.Line.CompareTo(b.Line);
    }
}

/// <summary>One item at one location: the newest snapshot and the movements dated after it.</summary>
public sealed class ItemLedger
{
    public SnapshotEntry? Snapshot { get; set; }
    private List<MovementEntry>? _movements;

    /// <summary>Only movements dated strictly after <see cref="Snapshot"/>, kept sorted (as-of, report, line).</summary>
    /// <remarks>Allocated on the first movement: most items only ever get snapshots, and a national load holds millions of items.</remarks>
    public IReadOnlyList<MovementEntry> Movements
    {
        get => (IReadOnlyList<MovementEntry>?)_movements ?? [];
        set => _movements = value.Count == 0 ? null : [.. value];
    }
    /// <summary>Daily consumption of the last year, from every accepted report (null until one tells consumption).</summary>
    public ConsumptionHistory? History { get; set; }

    /// <summary>Takes the snapshot if it is the newest; returns whether it changed the current stock.</summary>
    public bool Offer(SnapshotEntry snapshot)
    {
        if (Snapshot is not null && !snapshot.IsNewerThan(Snapshot)) return false;
        Snapshot = snapshot;
        if (_movements is not null) DropMovementsUpTo(snapshot.AsOf);
        return true;
    }

    /// <summary>Movements up to a new snapshot's time are already counted in it. (Its own method: a lambda capturing the
    /// snapshot in <see cref="Offer(SnapshotEntry)"/> would allocate on every call, movements or not.)</summary>
    private void DropMovementsUpTo(DateTimeOffset asOf)
    {
        _movements!.RemoveAll(m => m.AsOf <= asOf);
        if (_movements.Count == 0) _movements = null;
    }

    private static readonly Comparer<MovementEntry> MovementOrder = Comparer<MovementEntry>.Create(MovementEntry.Compare);

    /// <summary>Takes the movement if it is dated after the snapshot; returns whether it changed the current stock.</summary>
    public bool Offer(MovementEntry movement)
    {
        if (Snapshot is not null && movement.AsOf <= Snapshot.AsOf) return false;
        _movements ??= [];
        var at = _movements.BinarySearch(movement, MovementOrder);
        if (at >= 0) return false; // the same line of the same report: already counted
        _movements.Insert(~at, movement);
        return true;
    }

    public ItemStock Current(string itemId)
    {
        var raw = Snapshot?.OnHand ?? 0;
        foreach (var m in Movements) raw = Add(raw, m.Delta);
        var onHand = Math.Max(0, raw);
        var reserved = Snapshot?.Reserved ?? 0;
        var quarantined = Snapshot?.Quarantined ?? 0;
        var available = Math.Max(0, onHand - reserved - quarantined);
        var asOf = Movements.Count > 0 ? Movements[^1].AsOf : Snapshot?.AsOf;
        var reported = Snapshot?.AverageDailyConsumption ?? 0;
        var period = Snapshot?.ConsumptionPeriodDays ?? 0;
        var stockout = Snapshot?.StockoutDays ?? 0;
        // Reported consumption, scaled up for the days the location had none to consume (docs/reports.md#consumption).
        var daily = Consumption.AdjustAverage(reported, period, stockout);
        var adc = daily.PerDay;
        return new ItemStock(itemId, onHand, reserved, quarantined, available, CurrentLots(onHand), adc,
            adc > 0 ? available / adc : null, Snapshot?.AsOf, asOf, Discrepancy: raw >= 0 ? 0 : raw == long.MinValue ? long.MaxValue : -raw,
            new ConsumptionMeasure(reported, period, stockout, daily.Basis));
    }

    /// <summary>
    /// Lots are a breakdown of on-hand stock. Movements that name a lot change it; stock that left
    /// without a lot named is taken first-expiry-first-out, so lots never add up to more than on hand.
    /// </summary>
    private IReadOnlyList<Lot> CurrentLots(long onHand)
    {
        // Most lines: a snapshot and no movement since; its lots are then the answer whenever they are already what the
        // general path below returns (all positive, in expiry order, within on hand). Publishing a location walks every line.
        if (Movements.Count == 0 && Snapshot is { Lots: var reported } && AlreadyCurrent(reported, onHand)) return reported;
        var lots = new Dictionary<string, Lot>(StringComparer.Ordinal);
        foreach (var lot in Snapshot?.Lots ?? []) lots[lot.LotNumber] = lot;
        var raw = Snapshot?.OnHand ?? 0;
        foreach (var m in Movements)
        {
            raw = Add(raw, m.Delta);
            if (m.LotNumber.Length > 0)
            {
                if (lots.TryGetValue(m.LotNumber, out var lot)) lots[m.LotNumber] = lot with { Quantity = Add(lot.Quantity, m.Delta) };
                else if (m.ExpiresOn is { } expires) lots[m.LotNumber] = new Lot(m.LotNumber, expires, m.Delta);
            }
            // Stock leaves when it leaves: a later receipt without a lot must not refill the lots it emptied.
            TrimFirstExpiryFirstOut(lots, Math.Max(0, raw));
        }
        TrimFirstExpiryFirstOut(lots, onHand);
        var current = lots.Values.Where(l => l.Quantity > 0).ToArray();
        Array.Sort(current, Lot.ExpiryOrder);
        return current;
    }

    private static bool AlreadyCurrent(IReadOnlyList<Lot> lots, long onHand)
    {
        long sum = 0;
        for (var i = 0; i < lots.Count; i++)
        {
            var lot = lots[i];
            if (lot.Quantity <= 0) return false;
            sum = Add(sum, lot.Quantity);
            if (i > 0 && Lot.ExpiryOrder(lots[i - 1], lot) >= 0) return false;
        }
        return sum <= onHand;
    }

    /// <summary>
    /// Sums of movements saturate instead of wrapping: each line is bounded, but the movements kept between two
    /// snapshots are not, and a wrapped sum would turn a huge stock into a discrepancy (or the reverse).
    /// </summary>
    private static long Add(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    private static void TrimFirstExpiryFirstOut(Dictionary<string, Lot> lots, long onHand)
    {
        var excess = lots.Values.Where(l => l.Quantity > 0).Aggregate(0L, (sum, l) => Add(sum, l.Quantity)) - onHand;
        if (excess <= 0) return;
        var ordered = lots.Values.Where(l => l.Quantity > 0)
            .Order(Comparer<Lot>.Create(Lot.ExpiryOrder)).ToList();
        for (var i = 0; i < ordered.Count && excess > 0; i++)
        {
            var take = Math.Min(excess, ordered[i].Quantity);
            lots[ordered[i].LotNumber] = ordered[i] with { Quantity = ordered[i].Quantity - take };
            excess -= take;
        }
    }
}

/// <summary>The current stock of one item at one location, as queries show it.</summary>
public sealed record ItemStock(
    string ItemId,
    long OnHand,
    long Reserved,
    long Quarantined,
    long Available,
    IReadOnlyList<Lot> Lots,
    double AverageDailyConsumption,
    double? DaysOfSupply,
    DateTimeOffset? SnapshotAsOf,
    DateTimeOffset? AsOf,
    long Discrepancy,
    ConsumptionMeasure? Measure = null);
