using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Supply.Grains.Aggregation;

/// <summary>
/// Rows of a grain stored beside its state, one per key (state name <c>{name}/{key}</c>, the grain's own id), written off
/// the grain's turn as <see cref="OffTurnState{TState}"/> is: a region aggregate keeps each location's totals in a row of
/// its own, so a write stores the locations that changed, not the whole region again (benchmarks/README.md).
/// </summary>
/// <remarks>
/// Use from the grain's turns; the storage calls themselves run on the thread pool, in parallel (the SQLite provider commits
/// them together). Each row has its own ETag. Writes must not overlap (the grain's <see cref="CoalescingWriter"/>).
/// </remarks>
internal sealed partial class OffTurnRows<TRow> where TRow : class, new()
{
    private readonly string _name;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal); // rows read or written by this activation

    public OffTurnRows(string name, string storageName, IGrainContext grain, ILogger logger)
    {
        _name = name;
        _grainId = grain.GrainId;
        _storage = grain.ActivationServices.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"No grain storage named '{storageName}' is registered (rows '{name}' of {grain.GrainId}).");
        _logger = logger;
    }

    private string StateName(string key) => $"{_name}/{key}";

    /// <summary>The stored rows of <paramref name="keys"/> (a key without a stored row is left out), read in parallel.</summary>
    public async Task<IReadOnlyDictionary<string, TRow>> ReadAsync(IReadOnlyCollection<string> keys)
    {
        var reads = keys.Distinct(StringComparer.Ordinal).Select(key => (Key: key, State: new GrainState<TRow>(new TRow()))).ToArray();
        await Task.WhenAll(reads.Select(r => _storage.ReadStateAsync(StateName(r.Key), _grainId, r.State)));
        var rows = new Dictionary<string, TRow>(reads.Length, StringComparer.Ordinal);
        foreach (var (key, state) in reads)
        {
            _etags[key] = state.ETag;
            if (state.RecordExists && state.State is { } row) rows[key] = row;
        }
        return rows;
    }

    /// <summary>
    /// Stores each row given (null: clears it), in parallel, off the turn. The rows must not change afterwards. Completes once
    /// all are stored; if any failed, throws the first failure after keeping the ETags of those that were stored.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<(string Key, TRow? Row)> changes)
    {
        // ETags are taken on the turn; the calls run on the thread pool and touch only their own state objects.
        var writes = changes.Select(c => (c.Key, c.Row, State: new GrainState<TRow>(c.Row ?? new TRow()), Known: _etags.TryGetValue(c.Key, out var etag), ETag: etag))
            .ToArray();
        var tasks = Array.ConvertAll(writes, w => Task.Run(() => StoreAsync(w.Key, w.Row, w.State, w.Known, w.ETag)));
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, tasks.Count(t => !t.IsCompletedSuccessfully), writes.Length, _name, _grainId);
            throw;
        }
        finally
        {
            for (var i = 0; i < writes.Length; i++)
                if (tasks[i].IsCompletedSuccessfully) _etags[writes[i].Key] = writes[i].State.ETag;
        }
    }

    private async Task StoreAsync(string key, TRow? row, GrainState<TRow> state, bool known, string? etag)
    {
        var name = StateName(key);
        if (!known)
        {
            // A row this activation has not seen may exist all the same (stored by a write whose grain state never named it,
            // a crash in between): write over it with its ETag.
            var current = new GrainState<TRow>(new TRow());
            await _storage.ReadStateAsync(name, _grainId, current);
            etag = current.ETag;
        }
        (state.ETag, state.RecordExists) = (etag, etag is not null);
        if (row is not null) await _storage.WriteStateAsync(name, _grainId, state);
        else if (etag is not null) await _storage.ClearStateAsync(name, _grainId, state);
    }

    [LoggerMessage(LogLevel.Error, "Could not store {Failed} of {Rows} rows {Name} of {GrainId}")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int failed, int rows, string name, GrainId grainId);
}
