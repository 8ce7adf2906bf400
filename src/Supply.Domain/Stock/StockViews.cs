using Supply.Domain.Catalog;

namespace Supply.Domain.Stock;

/// <summary>What a query sees of one location: its current stock and when it last reported.</summary>
public sealed record LocationStockView(
    string LocationId,
    long Version,
    DateTimeOffset? LastReceivedAt,
    DateTimeOffset? LastAsOf,
    int ReportsAccepted,
    IReadOnlyList<ItemStock> Items);

/// <summary>Sums of one item over several locations; discrepant stock already counts as zero.</summary>
public sealed record StockTotals(
    long OnHand, long Reserved, long Quarantined, long Available, double AverageDailyConsumption,
    double? DaysOfSupply, int Locations, int LocationsWithDiscrepancy)
{
    public static StockTotals Of(IEnumerable<ItemStock> lines)
    {
        long onHand = 0, reserved = 0, quarantined = 0, available = 0;
        double adc = 0;
        int locations = 0, discrepant = 0;
        foreach (var l in lines)
        {
            onHand += l.OnHand; reserved += l.Reserved; quarantined += l.Quarantined; available += l.Available;
            adc += l.AverageDailyConsumption;
            locations++;
            if (l.Discrepancy > 0) discrepant++;
        }
        return new StockTotals(onHand, reserved, quarantined, available, adc, adc > 0 ? available / adc : null, locations, discrepant);
    }
}

public static class LocationLedgerViews
{
    public static LocationStockView View(this LocationLedger ledger, string? itemId = null) => new(
        ledger.LocationId, ledger.Version, ledger.LastReceivedAt, ledger.LastAsOf, (int)ledger.Version,
        itemId is null ? ledger.CurrentStock().ToList() : ledger.CurrentStock(itemId) is { } one ? [one] : []);
}

/// <summary>Filters for listing locations (empty means all).</summary>
public sealed record LocationFilter(IReadOnlyCollection<string> RegionCodes, IReadOnlyCollection<LocationKind> Kinds)
{
    public static readonly LocationFilter All = new([], []);

    public bool Matches(Location l) =>
        (RegionCodes.Count == 0 || RegionCodes.Contains(l.RegionCode)) && (Kinds.Count == 0 || Kinds.Contains(l.Kind));
}
