using Supply.Server.Coverage;

namespace Supply.Dashboard.Live;

/// <summary>
/// The overview's models, shared by every circuit and page load: one per scope and selection, built once per coverage
/// version (national aggregate and catalog, <see cref="CoverageVersion"/>) instead of once per navigation and per
/// refresh tick. A new version is waited for (a report shows as soon as the nation has it); a model older than
/// <see cref="MaxAge"/> at the same version (only staleness can have changed: a window of hours) is served while a
/// fresh one is built in the background. Concurrent loads of the same key share one build.
/// </summary>
public sealed class OverviewSnapshots(CoverageVersion versions, TimeProvider time)
{
    /// <summary>How long a model is served as it is when nothing has been pushed (the "not reporting" count moves with time).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 256; // the key holds the selection, which a caller may vary: bound the memory
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry((long National, long Catalog) Version, long BuiltAt, Task<OverviewModel?> Model)
    {
        public Task<OverviewModel?>? Refreshing { get; set; }
    }

    /// <param name="key">Identifies what <paramref name="build"/> makes completely (scope, selection, threshold).</param>
    /// <param name="build">Makes the model; not cancelled by any one caller, since others may share it.</param>
    public async Task<OverviewModel?> GetAsync(string key, Func<Task<OverviewModel?>> build, CancellationToken cancellationToken)
    {
        var version = await versions.CurrentAsync().WaitAsync(cancellationToken);
        Task<OverviewModel?> model;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Version == version && !Failed(entry.Model))
            {
                if (entry.Model.IsCompletedSuccessfully && time.GetElapsedTime(entry.BuiltAt) >= MaxAge && entry.Refreshing is null)
                    entry.Refreshing = RefreshAsync(key, entry, build);
                model = entry.Model;
            }
            else
            {
                if (_entries.Count >= MaxEntries) _entries.Clear();
                model = Start(build);
                _entries[key] = new Entry(version, time.GetTimestamp(), model);
            }
        }
        return await model.WaitAsync(cancellationToken);
    }

    /// <summary>Builds a fresh model at the same version and swaps it in when done; until then the old one is served.</summary>
    private async Task<OverviewModel?> RefreshAsync(string key, Entry old, Func<Task<OverviewModel?>> build)
    {
        var builtAt = time.GetTimestamp();
        var fresh = Start(build);
        try { await fresh; }
        catch (Exception) { lock (_gate) old.Refreshing = null; return null; } // keep serving the old one; the next load tries again
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, old))
                _entries[key] = new Entry(old.Version, builtAt, fresh);
        }
        return fresh.Result;
    }

    // Run the build off the caller's synchronization context (a circuit's), so that it belongs to no one circuit.
    private static Task<OverviewModel?> Start(Func<Task<OverviewModel?>> build) => Task.Run(build);

    private static bool Failed(Task task) => task.IsFaulted || task.IsCanceled;
}
