using Supply.Demo;
using Supply.Domain.Stock;
using Supply.Grains.Catalog;
using Supply.Grains.Stock;

namespace Supply.Server.Hosting;

/// <summary>Loads the demo data set once the host has started (Supply:Demo=true); idempotent: the reports have fixed ids.</summary>
internal sealed partial class DemoLoader(IGrainFactory grains, CatalogCache cache, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<DemoLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WhenStarted(stoppingToken);
        var demo = DemoDataset.Create(time.GetUtcNow());
        var catalog = grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden);
        await catalog.RegisterItems(demo.Items.AsImmutable());
        await catalog.RegisterLocations(demo.Locations.AsImmutable());
        await cache.RefreshAsync();

        int applied = 0, refused = 0;
        foreach (var batch in demo.Reports.Chunk(64))
        {
            var acks = await Task.WhenAll(batch.Select(r => grains.GetGrain<IStockLocationGrain>(r.LocationId).Submit(r.AsImmutable())));
            foreach (var ack in acks)
            {
                if (ack.Value.Outcome == ReportOutcome.Rejected) { refused++; LogRefused(ack.Value.ReportId, string.Join("; ", ack.Value.Violations)); }
                else applied++;
            }
        }
        LogLoaded(demo.Items.Count, demo.Locations.Count, applied, refused);
    }

    private Task WhenStarted(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(LogLevel.Information, "Demo data loaded: {Items} items, {Locations} locations, {Reports} reports accepted, {Refused} refused")]
    private partial void LogLoaded(int items, int locations, int reports, int refused);

    [LoggerMessage(LogLevel.Warning, "Demo report {ReportId} refused: {Violations}")]
    private partial void LogRefused(string reportId, string violations);
}
