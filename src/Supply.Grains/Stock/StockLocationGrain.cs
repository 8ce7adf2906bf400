using Microsoft.Extensions.Logging;
using Supply.Domain;
using Supply.Domain.Aggregation;
using Supply.Domain.Stock;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;

namespace Supply.Grains.Stock;

public sealed class StockLocationGrain(
    [PersistentState("stock", StorageNames.Default)] IPersistentState<StockLocationState> state,
    CatalogCache catalog,
    TimeProvider time,
    ILogger<StockLocationGrain> logger) : Grain, IStockLocationGrain
{
    private LocationLedger Ledger => state.State.Ledger;
    private LocationPublisher _publisher = null!;
    private bool _unstored;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Ledger.LocationId = this.GetPrimaryKeyString();
        _publisher = new LocationPublisher(this, GrainFactory, TotalsToPublish, time, logger);
        // A publication may have been lost (a crash between our write and its send): offer the stored version again.
        // The region ignores a version it already holds.
        if (Ledger.Version > 0) _publisher.Changed();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        LocationMemory.Released(Ledger.Items.Count);
        return _publisher.FlushAsync(cancellationToken);
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
                _unstored = true;
                _publisher.Suspend();
                DeactivateOnIdle();
                throw;
            }
            // Stored: the region hears of it shortly, after this ack (debounced, never awaited here).
            _publisher.Changed();
            LocationMemory.ReportApplied();
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
            (int)Ledger.Version, []).AsImmutable()); // one version per accepted report

    public async Task<Immutable<LocationTotals?>> GetTotals() =>
        (await TotalsToPublish()).AsImmutable();

    private async ValueTask<LocationTotals?> TotalsToPublish()
    {
        if (_unstored) throw new InvalidOperationException($"location {Ledger.LocationId} is reloading its stored state; ask again");
        return Aggregates.TotalsOf(Ledger, await catalog.GetAsync(), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }

    public Task<Immutable<IReadOnlyList<ReportReceipt>>> GetHistory(int limit) =>
        Task.FromResult(((IReadOnlyList<ReportReceipt>)Ledger.History().Take(limit).ToList()).AsImmutable());
}
