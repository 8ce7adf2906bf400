using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Grains.Tests.OffTurnWrites;

/// <summary>
/// Test-only grain storage around a real provider: writes of one state name can be held, blocking the calling thread
/// synchronously (as a whole-state serialization does) until released, or refused. Everything else goes straight through.
/// </summary>
public sealed class HeldGrainStorage(IGrainStorage inner) : IGrainStorage
{
    // A write is never held longer than this, so a failing test cannot hang the run.
    private static readonly TimeSpan MostHeld = TimeSpan.FromSeconds(60);

    private volatile Hold? _hold;
    private volatile string? _refused;

    /// <summary>Holds every write of <paramref name="stateName"/> from now until the returned hold is released or disposed.</summary>
    public Hold HoldWrites(string stateName) => _hold = new Hold(stateName, this);

    /// <summary>Refuses (throws) every write of <paramref name="stateName"/> until <see cref="Accept"/>; nothing is written.</summary>
    public void Refuse(string stateName) => _refused = stateName;

    public void Accept() => _refused = null;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_refused == stateName) throw new IOException($"Test storage refuses writes of '{stateName}'.");
        if (_hold is { } hold && hold.StateName == stateName) hold.Block();
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public sealed class Hold(string stateName, HeldGrainStorage storage) : IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string StateName { get; } = stateName;

        /// <summary>Completes when a write of the state is inside the storage, holding the thread that called it.</summary>
        public Task Entered => _entered.Task;

        internal void Block()
        {
            _entered.TrySetResult();
            _released.Wait(MostHeld);
        }

        public void Release()
        {
            if (storage._hold == this) storage._hold = null;
            _released.Set();
        }

        public void Dispose() => Release();
    }
}
