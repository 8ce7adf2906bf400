using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Supply.Storage.Tests;

/// <summary>Provider-neutral knobs a conformance run may ask of the storage under test.</summary>
public sealed record ConformanceStorageOptions(bool DeleteStateOnClear = false);

/// <summary>
/// Behaviour every <see cref="IGrainStorage"/> in this product must show (ETag concurrency, clear modes,
/// durability across restarts). A provider's test class derives from this and supplies the factory.
/// </summary>
public abstract class GrainStorageConformanceTests : IAsyncLifetime
{
    private const string StateName = "state";
    private readonly ITestOutputHelper? _output;
    private ConformanceStorageOptions _options = new();
    private IGrainStorage? _storage;

    protected GrainStorageConformanceTests(ITestOutputHelper? output = null) => _output = output;

    /// <summary>
    /// Creates a provider over this test's backing store. Every call within one test must reach the same
    /// store, so that a new instance sees what an earlier one acknowledged; each test gets its own store.
    /// </summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync(ConformanceStorageOptions options);

    /// <summary>Shuts a provider down (flushing anything it acknowledged).</summary>
    protected virtual async Task ReleaseStorageAsync(IGrainStorage storage)
    {
        switch (storage)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Size of the "large state" case; stores with smaller row limits may lower it.</summary>
    protected virtual int LargeStateBytes => 6 * 1024 * 1024;

    // Where Orleans' own Azure providers legitimately differ from the SQLite provider (docs/cluster.md, "How the
    // providers differ"). The defaults are the SQLite provider's behaviour.

    /// <summary>A conflict names the ETag in storage (<see cref="InconsistentStateException.StoredEtag"/>); Orleans' Azure providers say "Unknown".</summary>
    protected virtual bool ConflictNamesStoredEtag => true;

    /// <summary>
    /// Clearing a missing record while keeping records (DeleteStateOnClear = false) does nothing; Orleans' Azure providers
    /// write an empty record and hand back its ETag.
    /// </summary>
    protected virtual bool ClearKeepingRecordsOfAMissingRecordWritesOne => false;

    /// <summary>What a delete-on-clear with no ETag does to an existing record.</summary>
    protected enum BlindClear { Refused, Ignored, Deletes }

    /// <summary>
    /// Clearing an existing record with no ETag, deleting records (DeleteStateOnClear = true): SQLite refuses it as a
    /// conflict; Orleans' table provider returns without error and leaves the record; its blob provider deletes it.
    /// </summary>
    protected virtual BlindClear ClearDeletingWithoutEtag => BlindClear.Refused;

    private void AssertStoredEtag(string? expected, InconsistentStateException conflict)
    {
        if (ConflictNamesStoredEtag) Assert.Equal(expected, conflict.StoredEtag);
        else Assert.Equal("Unknown", conflict.StoredEtag);
    }

    protected IGrainStorage Storage => _storage ?? throw new InvalidOperationException("Storage not created.");

    public async Task InitializeAsync() => _storage = await CreateStorageAsync(_options);

    public async Task DisposeAsync()
    {
        if (_storage is not null)
            await ReleaseStorageAsync(_storage);
        _storage = null;
    }

    /// <summary>Disposes the provider and creates a new one on the same backing store.</summary>
    protected async Task RestartAsync(ConformanceStorageOptions? options = null)
    {
        await DisposeAsync();
        _options = options ?? _options;
        _storage = await CreateStorageAsync(_options);
    }

    protected void Log(string message) => _output?.WriteLine(message);

    protected static GrainId NewGrainId() => GrainId.Create("conformance", Guid.NewGuid().ToString("N"));

    protected async Task<GrainState<TestState>> ReadAsync(GrainId id, string stateName = StateName)
    {
        var state = new GrainState<TestState>(new TestState { Name = "not read" });
        await Storage.ReadStateAsync(stateName, id, state);
        return state;
    }

    protected async Task<GrainState<TestState>> WriteNewAsync(GrainId id, TestState value, string stateName = StateName)
    {
        var state = new GrainState<TestState>(value);
        await Storage.WriteStateAsync(stateName, id, state);
        return state;
    }

    private static void AssertSameState(TestState? expected, TestState? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Counter, actual.Counter);
        Assert.Equal(expected.Payload, actual.Payload);
    }

    [Fact]
    public async Task Read_of_missing_record_gives_fresh_state_no_etag_and_no_record()
    {
        var state = await ReadAsync(NewGrainId());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal("", state.State!.Name);
        Assert.Equal(0, state.State!.Counter);
    }

    [Fact]
    public async Task Write_then_read_returns_the_written_state_and_etag()
    {
        var id = NewGrainId();
        var written = await WriteNewAsync(id, TestState.Create("first", 1, 1000, seed: 1));

        Assert.True(written.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));

        var read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        AssertSameState(written.State, read.State);
    }

    [Fact]
    public async Task Every_write_produces_a_new_etag_and_the_latest_state_is_read_back()
    {
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("v", 0));
        var etags = new List<string> { state.ETag! };

        for (var i = 1; i <= 5; i++)
        {
            state.State = TestState.Create("v", i, 64, seed: i);
            await Storage.WriteStateAsync(StateName, id, state);
            etags.Add(state.ETag!);
            Assert.True(state.RecordExists);
        }

        Assert.Equal(etags.Count, etags.Distinct().Count());
        var read = await ReadAsync(id);
        Assert.Equal(etags[^1], read.ETag);
        AssertSameState(state.State, read.State);
    }

    [Fact]
    public async Task Write_with_stale_etag_is_rejected_and_stored_state_is_unchanged()
    {
        var id = NewGrainId();
        var first = await WriteNewAsync(id, TestState.Create("one", 1));
        var staleEtag = first.ETag;

        first.State = TestState.Create("two", 2);
        await Storage.WriteStateAsync(StateName, id, first);
        var currentEtag = first.ETag;

        var stale = new GrainState<TestState>(TestState.Create("stale", 99), staleEtag) { RecordExists = true };
        var ex = await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale));

        AssertStoredEtag(currentEtag, ex);
        Assert.Equal(staleEtag, ex.CurrentEtag);
        Assert.Equal(staleEtag, stale.ETag); // caller's view untouched

        var read = await ReadAsync(id);
        Assert.Equal(currentEtag, read.ETag);
        Assert.Equal("two", read.State!.Name);
        Assert.Equal(2, read.State!.Counter);
    }

    [Fact]
    public async Task Insert_with_null_etag_over_an_existing_record_is_rejected()
    {
        var id = NewGrainId();
        var existing = await WriteNewAsync(id, TestState.Create("existing", 1));

        var ex = await Assert.ThrowsAnyAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, id, new GrainState<TestState>(TestState.Create("intruder", 2))));
        AssertStoredEtag(existing.ETag, ex);
        Assert.Null(ex.CurrentEtag);

        var read = await ReadAsync(id);
        Assert.Equal(existing.ETag, read.ETag);
        Assert.Equal("existing", read.State!.Name);
    }

    [Fact]
    public async Task Write_with_an_etag_when_no_record_exists_is_rejected()
    {
        var id = NewGrainId();
        // A well-formed ETag this store issued (for another record): Azure refuses a malformed one as a bad request.
        var issued = (await WriteNewAsync(NewGrainId(), TestState.Create("elsewhere", 0))).ETag;
        var ghost = new GrainState<TestState>(TestState.Create("ghost", 1), issued);

        var ex = await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, ghost));
        if (ConflictNamesStoredEtag) Assert.Null(ex.StoredEtag);

        Assert.False((await ReadAsync(id)).RecordExists);
    }

    [Fact]
    public async Task States_are_keyed_by_grain_and_state_name()
    {
        var id = NewGrainId();
        var other = NewGrainId();
        await WriteNewAsync(id, TestState.Create("a", 1), "a");
        await WriteNewAsync(id, TestState.Create("b", 2), "b");
        await WriteNewAsync(other, TestState.Create("a-of-other", 3), "a");

        Assert.Equal("a", (await ReadAsync(id, "a")).State!.Name);
        Assert.Equal("b", (await ReadAsync(id, "b")).State!.Name);
        Assert.Equal("a-of-other", (await ReadAsync(other, "a")).State!.Name);
        Assert.False((await ReadAsync(other, "b")).RecordExists);
    }

    [Fact]
    public async Task Clear_deleting_the_record_then_insert_again_works()
    {
        await RestartAsync(new ConformanceStorageOptions(DeleteStateOnClear: true));
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("before", 1));
        var etagBeforeClear = state.ETag;

        await Storage.ClearStateAsync(StateName, id, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        var read = await ReadAsync(id);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal("", read.State!.Name);

        // The pre-clear ETag is dead; a fresh insert (null ETag) is what succeeds.
        var stale = new GrainState<TestState>(TestState.Create("stale", 2), etagBeforeClear);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale));

        state.State = TestState.Create("after", 3);
        await Storage.WriteStateAsync(StateName, id, state);
        Assert.True(state.RecordExists);
        Assert.NotEqual(etagBeforeClear, state.ETag);

        read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal("after", read.State!.Name);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Clear_keeping_the_record_leaves_an_etag_the_next_write_must_match()
    {
        await RestartAsync(new ConformanceStorageOptions(DeleteStateOnClear: false));
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("before", 1));
        var etagBeforeClear = state.ETag;

        await Storage.ClearStateAsync(StateName, id, state);
        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(etagBeforeClear, state.ETag);

        var read = await ReadAsync(id);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal("", read.State!.Name);

        // The kept row still guards concurrency: neither an insert nor the pre-clear ETag may write.
        await Assert.ThrowsAnyAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, id, new GrainState<TestState>(TestState.Create("insert", 2))));
        await Assert.ThrowsAnyAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, id, new GrainState<TestState>(TestState.Create("stale", 2), etagBeforeClear)));

        read.State = TestState.Create("after", 3);
        await Storage.WriteStateAsync(StateName, id, read);
        Assert.True(read.RecordExists);

        var after = await ReadAsync(id);
        Assert.True(after.RecordExists);
        Assert.Equal("after", after.State!.Name);
        Assert.Equal(read.ETag, after.ETag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Clear_with_stale_etag_is_rejected_and_state_survives(bool deleteStateOnClear)
    {
        await RestartAsync(new ConformanceStorageOptions(deleteStateOnClear));
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("one", 1));
        var staleEtag = state.ETag;
        state.State = TestState.Create("two", 2);
        await Storage.WriteStateAsync(StateName, id, state);

        var stale = new GrainState<TestState>(new TestState(), staleEtag) { RecordExists = true };
        var ex = await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, stale));
        AssertStoredEtag(state.ETag, ex);

        var read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal("two", read.State!.Name);
        Assert.Equal(state.ETag, read.ETag);

        // Nor may a caller that never saw the record clear it.
        var blind = new GrainState<TestState>(new TestState());
        var outcome = deleteStateOnClear ? ClearDeletingWithoutEtag : BlindClear.Refused;
        if (outcome == BlindClear.Refused)
            await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, blind));
        else
            await Storage.ClearStateAsync(StateName, id, blind);

        read = await ReadAsync(id);
        Assert.Equal(outcome != BlindClear.Deletes, read.RecordExists);
        if (outcome != BlindClear.Deletes) Assert.Equal("two", read.State!.Name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Clear_of_a_missing_record_with_no_etag_is_a_no_op(bool deleteStateOnClear)
    {
        await RestartAsync(new ConformanceStorageOptions(deleteStateOnClear));
        var id = NewGrainId();
        var state = new GrainState<TestState>(new TestState());

        await Storage.ClearStateAsync(StateName, id, state);

        Assert.False(state.RecordExists);
        var read = await ReadAsync(id);
        Assert.False(read.RecordExists);
        if (!deleteStateOnClear && ClearKeepingRecordsOfAMissingRecordWritesOne)
        {
            // An empty record now guards the grain like any kept-on-clear record: its ETag is the one to write with.
            Assert.NotNull(state.ETag);
            Assert.Equal(state.ETag, read.ETag);
            await Assert.ThrowsAnyAsync<InconsistentStateException>(
                () => Storage.WriteStateAsync(StateName, id, new GrainState<TestState>(TestState.Create("insert", 1))));
            return;
        }
        Assert.Null(state.ETag);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Large_state_round_trips()
    {
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("large", 7, LargeStateBytes, seed: 42));

        var read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal(LargeStateBytes, read.State!.Payload.Length);
        AssertSameState(state.State, read.State);

        // And it can be overwritten by a small one.
        state.State = TestState.Create("small", 8, 10);
        await Storage.WriteStateAsync(StateName, id, state);
        Assert.Equal(10, (await ReadAsync(id)).State!.Payload.Length);
    }

    [Fact]
    public async Task Many_grains_written_concurrently_are_all_read_back()
    {
        const int grains = 500;
        const int writesPerGrain = 4;
        var ids = Enumerable.Range(0, grains).Select(_ => NewGrainId()).ToArray();
        var finals = new GrainState<TestState>[grains];

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, grains).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<TestState>();
            for (var n = 1; n <= writesPerGrain; n++)
            {
                state.State = TestState.Create($"grain-{i}", n, 2048, seed: i * 10 + n);
                await Storage.WriteStateAsync(StateName, ids[i], state);
            }

            finals[i] = state;
        })));
        stopwatch.Stop();
        Log($"{grains * writesPerGrain} writes of ~2 KB from {grains} concurrent grains: " +
            $"{grains * writesPerGrain / stopwatch.Elapsed.TotalSeconds:F0} writes/s");

        for (var i = 0; i < grains; i++)
        {
            var read = await ReadAsync(ids[i]);
            Assert.True(read.RecordExists);
            Assert.Equal(finals[i].ETag, read.ETag);
            AssertSameState(finals[i].State, read.State);
        }
    }

    [Fact]
    public async Task Racing_writers_with_the_same_etag_exactly_one_wins()
    {
        const int rounds = 10;
        const int racers = 6;
        var id = NewGrainId();
        var current = await WriteNewAsync(id, TestState.Create("start", 0));

        for (var round = 1; round <= rounds; round++)
        {
            var contenders = Enumerable.Range(0, racers)
                .Select(r => new GrainState<TestState>(TestState.Create($"r{round}-racer{r}", round), current.ETag) { RecordExists = true })
                .ToArray();
            var outcomes = await Task.WhenAll(contenders.Select(c => Task.Run(async () =>
            {
                try
                {
                    await Storage.WriteStateAsync(StateName, id, c);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            })));

            Assert.Equal(1, outcomes.Count(won => won));
            var winner = contenders[Array.IndexOf(outcomes, true)];
            var read = await ReadAsync(id);
            Assert.Equal(winner.ETag, read.ETag);
            Assert.Equal(winner.State!.Name, read.State!.Name);
            current = read;
        }
    }

    [Fact]
    public async Task Racing_inserts_of_a_new_record_exactly_one_wins()
    {
        var id = NewGrainId();
        var contenders = Enumerable.Range(0, 6).Select(r => new GrainState<TestState>(TestState.Create($"racer{r}", r))).ToArray();

        var outcomes = await Task.WhenAll(contenders.Select(c => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteStateAsync(StateName, id, c);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = contenders[Array.IndexOf(outcomes, true)];
        Assert.Equal(winner.State!.Name, (await ReadAsync(id)).State!.Name);
    }

    [Fact]
    public async Task A_restarted_provider_reads_back_everything_acknowledged()
    {
        var written = new Dictionary<GrainId, GrainState<TestState>>();
        for (var i = 0; i < 50; i++)
        {
            var id = NewGrainId();
            var state = await WriteNewAsync(id, TestState.Create($"g{i}", i, 512, seed: i));
            if (i % 5 == 0)
            {
                state.State = TestState.Create($"g{i}-v2", i + 1000, 256, seed: -i);
                await Storage.WriteStateAsync(StateName, id, state);
            }

            written[id] = state;
        }

        var cleared = NewGrainId();
        var toClear = await WriteNewAsync(cleared, TestState.Create("gone", 1));
        await Storage.ClearStateAsync(StateName, cleared, toClear);

        await RestartAsync();

        foreach (var (id, expected) in written)
        {
            var read = await ReadAsync(id);
            Assert.True(read.RecordExists);
            Assert.Equal(expected.ETag, read.ETag);
            AssertSameState(expected.State, read.State);
        }

        var clearedRead = await ReadAsync(cleared);
        Assert.False(clearedRead.RecordExists);
        Assert.Equal(toClear.ETag, clearedRead.ETag);

        // The restarted provider continues the ETag chain.
        var any = written.First();
        any.Value.State = TestState.Create("after-restart", -1);
        await Storage.WriteStateAsync(StateName, any.Key, any.Value);
        Assert.Equal("after-restart", (await ReadAsync(any.Key)).State!.Name);
    }
}
