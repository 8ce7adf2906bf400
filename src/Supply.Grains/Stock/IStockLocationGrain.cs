using Supply.Domain.Aggregation;
using Supply.Domain.Stock;

namespace Supply.Grains.Stock;

/// <summary>
/// One stock location (key: location id): owns its stock, applies reports, and stores its state
/// before it acknowledges anything.
/// </summary>
public interface IStockLocationGrain : IGrainWithStringKey
{
    /// <summary>Applies a report; a refused report comes back with outcome Rejected and its violations.</summary>
    Task<Immutable<ReportAck>> Submit(Immutable<StockReport> report);

    /// <summary>Current stock, all items or one.</summary>
    [ReadOnly] Task<Immutable<LocationStockView>> GetStock(string? itemId);

    /// <summary>Version and reporting times only (no stock lines): cheap to ask of many locations.</summary>
    [ReadOnly] Task<Immutable<LocationStockView>> GetStatus();

    /// <summary>Receipts of accepted reports, newest first.</summary>
    [ReadOnly] Task<Immutable<IReadOnlyList<ReportReceipt>>> GetHistory(int limit);

    /// <summary>
    /// The whole per-item totals of the stored stock at the current version, usable stock as of today (UTC): what
    /// the location publishes to its region after each stored change. Regions ask for it when they rebuild.
    /// Null when the catalog does not know the location.
    /// </summary>
    [ReadOnly] Task<Immutable<LocationTotals?>> GetTotals();
}
