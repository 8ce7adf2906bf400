using Supply.Domain;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;

namespace Supply.Grains.Stock;

public sealed class StockLocationGrain(
    [PersistentState("stock", StorageNames.Default)] IPersistentState<StockLocationState> state,
    CatalogCache catalog,
    TimeProvider time) : Grain, IStockLocationGrain
{
    private LocationLedger Ledger => state.State.Ledger;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Ledger.LocationId = this.GetPrimaryKeyString();
        return Task.CompletedTask;
    }

    public async Task<Immutable<ReportAck>> Submit(Immutable<StockReport> report)
    {
        ReportAck ack;
        try
        {
            ack = await Apply(report.Value);
        }
        catch (DomainValidationException e)
        {
            return ReportAck.Rejected(report.Value.ReportId, Ledger.LocationId, e.Violations).AsImmutable();
        }
        if (!ack.Duplicate)
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // The report is applied in memory but not stored: drop this activation so the next
                // one reloads what storage holds, and let the caller retry. Nothing is acknowledged.
                DeactivateOnIdle();
                throw;
            }
        }
        return ack.AsImmutable();
    }

    private async Task<ReportAck> Apply(StockReport report)
    {
        var book = await catalog.GetAsync();
        try
        {
            return Ledger.Apply(report, book, time.GetUtcNow());
        }
        catch (DomainValidationException)
        {
            // Perhaps an item or location was registered after our copy was taken: refresh and try
            // once more; if the catalog had not moved on, the refusal stands.
            if (!await catalog.RefreshAsync(book.Version)) throw;
        }
        return Ledger.Apply(report, await catalog.GetAsync(), time.GetUtcNow());
    }

    public Task<Immutable<LocationStockView>> GetStock(string? itemId) =>
        Task.FromResult(Ledger.View(itemId).AsImmutable());

    public Task<Immutable<LocationStockView>> GetStatus() =>
        Task.FromResult(new LocationStockView(Ledger.LocationId, Ledger.Version, Ledger.LastReceivedAt, Ledger.LastAsOf,
            Ledger.Receipts.Count, []).AsImmutable());

    public Task<Immutable<IReadOnlyList<ReportReceipt>>> GetHistory(int limit) =>
        Task.FromResult(((IReadOnlyList<ReportReceipt>)Ledger.History().Take(limit).ToList()).AsImmutable());
}
