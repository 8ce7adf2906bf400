using Microsoft.Extensions.Logging;
using Supply.Domain.Catalog;

namespace Supply.Grains.Catalog;

/// <summary>
/// This silo's copy of the catalog, read on every report. It is refreshed when something is not
/// found in it (a report may name an item registered a moment ago, perhaps on another silo), when
/// this silo registers a change, and in the background once it is older than <see cref="MaxAge"/>.
/// Reports therefore never queue on the single catalog grain.
/// </summary>
public sealed partial class CatalogCache(IGrainFactory grains, TimeProvider time, ILogger<CatalogCache> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile CatalogBook? _book;
    private long _loadedAt;

    /// <summary>The current copy; loads it on first use. Treat it as read-only.</summary>
    public async ValueTask<CatalogBook> GetAsync()
    {
        var book = _book;
        if (book is null)
        {
            await RefreshAsync();
            return _book!;
        }
        if (time.GetElapsedTime(Interlocked.Read(ref _loadedAt)) > MaxAge) _ = RefreshInBackground();
        return book;
    }

    /// <summary>
    /// Fetches the catalog if the catalog grain has moved past our copy. Returns true when the copy
    /// now differs from <paramref name="seenVersion"/> (the version the caller judged against),
    /// whether this call or a concurrent one refreshed it.
    /// </summary>
    public async Task<bool> RefreshAsync(long? seenVersion = null)
    {
        await _refreshing.WaitAsync();
        try
        {
            if (_book is { } current && seenVersion is { } seen && current.Version != seen) return true;
            var grain = grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden);
            Interlocked.Exchange(ref _loadedAt, time.GetTimestamp());
            if (_book is { } copy && await grain.GetVersion() == copy.Version) return false;
            _book = (await grain.GetCatalog()).Value;
            LogRefreshed(_book.Version, _book.Items.Count, _book.Locations.Count);
            return true;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshInBackground()
    {
        try { await RefreshAsync(); }
        catch (Exception e) { LogRefreshFailed(e); }
    }

    [LoggerMessage(LogLevel.Debug, "Catalog cache now at version {Version}: {Items} items, {Locations} locations")]
    private partial void LogRefreshed(long version, int items, int locations);

    [LoggerMessage(LogLevel.Warning, "Background refresh of the catalog cache failed; the previous copy stays in use")]
    private partial void LogRefreshFailed(Exception e);
}
