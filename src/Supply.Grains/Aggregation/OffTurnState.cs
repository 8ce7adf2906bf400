using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Supply.Grains.Aggregation;

/// <summary>
/// An aggregate's stored state, written off the grain's turn: the storage provider (which serializes the whole state
/// before its first await) runs on the thread pool, so the grain answers reads while its state is being written.
/// Same provider, grain id and state name as <c>[PersistentState(name, storage)]</c>, so the stored row is the same.
/// </summary>
/// <remarks>
/// Why not <see cref="IPersistentState{TState}"/>: Orleans' bridge (StateStorageBridge) checks on every call that it runs
/// in the grain's context, and calls the provider from there, so the provider's synchronous serialization held the
/// national aggregate's turn for up to a second at national size (benchmarks/README.md, Supply.AggregateWriteBench),
/// and every national read waited behind it. Providers themselves are plain services, safe to call from any thread.
/// Each write hands the provider a state object of its own, so nothing the grain touches is shared with the thread
/// writing; the ETag comes back to the grain's turn when the write completes. Writes must not overlap (the grains'
/// <see cref="CoalescingWriter"/> runs one at a time); a second one while one runs is refused.
/// </remarks>
internal sealed partial class OffTurnState<TState> where TState : class, new()
{
    private readonly string _name;
    private readonly string _storageName;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;
    private readonly ILogger _logger;
    private string? _etag;
    private bool _writing;

    public OffTurnState(string name, string storageName, IGrainContext grain, ILogger logger)
    {
        _name = name;
        _storageName = storageName;
        _grainId = grain.GrainId;
        _storage = grain.ActivationServices.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"No grain storage named '{storageName}' is registered (state '{name}' of {grain.GrainId}).");
        _logger = logger;
    }

    /// <summary>Whether a stored state was found on activation.</summary>
    public bool RecordExists { get; private set; }

    /// <summary>
    /// Reads the stored state (on activation, before the grain answers anything): a fresh state when nothing is stored.
    /// Not kept here: the grain copies what it needs, and what it lets go of must not stay reachable from this object.
    /// </summary>
    public async Task<TState> ReadAsync(CancellationToken cancellationToken)
    {
        var stored = new GrainState<TState>(new TState());
        await _storage.ReadStateAsync(_name, _grainId, stored, cancellationToken);
        RecordExists = stored.RecordExists;
        _etag = stored.ETag;
        return stored.State ?? new TState();
    }

    /// <summary>
    /// Stores <paramref name="snapshot"/>, which nobody may change afterwards (the aggregates hand over a fresh dictionary
    /// of immutable records). Completes once stored; an ETag conflict throws <see cref="InconsistentStateException"/>.
    /// </summary>
    public async Task WriteAsync(TState snapshot)
    {
        if (_writing) throw new InvalidOperationException($"A write of state '{_name}' of {_grainId} is already running.");
        _writing = true;
        var stored = new GrainState<TState>(snapshot) { ETag = _etag, RecordExists = RecordExists || _etag is not null };
        try
        {
            // The provider's synchronous part (serialization) runs on the thread pool; we come back to the grain's turn.
            await Task.Run(() => _storage.WriteStateAsync(_name, _grainId, stored));
            _etag = stored.ETag;
        }
        catch (Exception e)
        {
            LogWriteFailed(_logger, e, _name, _grainId, _storageName);
            throw;
        }
        finally
        {
            _writing = false;
        }
    }

    [LoggerMessage(LogLevel.Error, "Could not store state {StateName} of {GrainId} in grain storage {Storage}")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string stateName, GrainId grainId, string storage);
}
