using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Supply.Storage.Tests;

/// <summary>Temp directory per test, removed afterwards (SQLite's -wal/-shm files live beside the database).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "supply-storage-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}

internal static class TestSerializers
{
    // What the server uses: Orleans' binary format, serialized into a pooled buffer for each write.
    private static readonly Lazy<IGrainStorageSerializer> OrleansBinary = new(() =>
        new BinaryGrainStorageSerializer(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>()));

    public static IGrainStorageSerializer Binary => OrleansBinary.Value;
}

public sealed class SqliteGrainStorageTests(ITestOutputHelper output) : GrainStorageConformanceTests(output), IDisposable
{
    private readonly TempDirectory _temp = new();

    private string DatabasePath => _temp.File("grains.db");

    private SqliteGrainStorage NewStorage(SqliteGrainStorageOptions options, string serviceId = "supply-tests") =>
        new("test", options, TestSerializers.Binary, Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "c" }));

    protected override async Task<IGrainStorage> CreateStorageAsync(ConformanceStorageOptions options)
    {
        var storage = NewStorage(new SqliteGrainStorageOptions
        {
            DataSource = DatabasePath,
            DeleteStateOnClear = options.DeleteStateOnClear,
        });
        await storage.StartAsync();
        return storage;
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Database_is_in_wal_mode_with_one_row_per_grain_state()
    {
        var id = NewGrainId();
        await WriteNewAsync(id, TestState.Create("x", 1));
        await WriteNewAsync(id, TestState.Create("y", 2), "other");

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT service_id || '|' || grain_id || '|' || state_name || '|' || version FROM grain_state ORDER BY state_name;";
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
        }

        Assert.Equal([$"supply-tests|{id}|other|1", $"supply-tests|{id}|state|1"], rows);
    }

    [Fact]
    public async Task Acknowledged_writes_are_already_committed_when_the_call_returns()
    {
        var ids = Enumerable.Range(0, 40).Select(_ => NewGrainId()).ToArray();
        await Task.WhenAll(ids.Select(id => WriteNewAsync(id, TestState.Create("acked", 1, 100))));

        // An independent connection, as a restarted process would open, sees all of them; the provider is still running.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE data IS NOT NULL;";
        Assert.Equal(ids.Length, Convert.ToInt32(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Concurrent_writes_through_pooled_buffers_each_store_their_own_bytes()
    {
        // Each write serializes into a buffer from a shared pool and hands it back once stored: states of different sizes
        // (some past the buffer's first 64 KB), written at once and twice in a row, must each read back as written.
        var ids = Enumerable.Range(0, 24).Select(_ => NewGrainId()).ToArray();
        TestState Version(int i, int round) => TestState.Create($"state-{i}-{round}", round, payloadBytes: 1000 + i * 9_000, seed: i * 10 + round);
        const string name = "pooled";
        var first = await Task.WhenAll(ids.Select((id, i) => WriteNewAsync(id, Version(i, 1), name)));
        await Task.WhenAll(first.Select((state, i) =>
        {
            state.State = Version(i, 2);
            return Storage.WriteStateAsync(name, ids[i], state);
        }));

        // Read back by a new provider on the same file, as after a restart.
        await using var reopened = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath });
        await reopened.StartAsync();
        for (var i = 0; i < ids.Length; i++)
        {
            var read = new GrainState<TestState>();
            await reopened.ReadStateAsync(name, ids[i], read);
            Assert.Equal(Version(i, 2).Name, read.State!.Name);
            Assert.Equal(Version(i, 2).Payload, read.State.Payload);
        }
    }

    [Fact]
    public async Task Missing_directory_is_created()
    {
        var nested = _temp.File(Path.Combine("a", "b", "nested.db"));
        await using var storage = NewStorage(new SqliteGrainStorageOptions { DataSource = nested });
        await storage.StartAsync();

        var state = new GrainState<TestState>(TestState.Create("n", 1));
        await storage.WriteStateAsync("state", NewGrainId(), state);
        Assert.True(File.Exists(nested));
    }

    [Fact]
    public async Task Unopenable_file_fails_start_with_the_path_in_the_message()
    {
        // A directory where the database file should be.
        var path = _temp.File("i-am-a-directory.db");
        Directory.CreateDirectory(path);
        await using var storage = NewStorage(new SqliteGrainStorageOptions { DataSource = path });

        var ex = await Assert.ThrowsAsync<SqliteGrainStorageException>(() => storage.StartAsync());
        Assert.Contains(path, ex.Message);

        // Later calls report the same failure instead of hanging.
        var again = await Assert.ThrowsAsync<SqliteGrainStorageException>(
            () => storage.ReadStateAsync("state", NewGrainId(), new GrainState<TestState>()));
        Assert.Contains(path, again.Message);
    }

    [Fact]
    public async Task File_that_is_not_a_database_fails_start_with_the_path_in_the_message()
    {
        var path = _temp.File("garbage.db");
        await File.WriteAllBytesAsync(path, Enumerable.Repeat((byte)0x5A, 8192).ToArray());
        await using var storage = NewStorage(new SqliteGrainStorageOptions { DataSource = path });

        var ex = await Assert.ThrowsAsync<SqliteGrainStorageException>(() => storage.StartAsync());
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task Stop_commits_every_queued_write_before_closing()
    {
        var storage = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath, MaxBatchSize = 16 });
        await storage.StartAsync();
        var ids = Enumerable.Range(0, 300).Select(_ => NewGrainId()).ToArray();
        var states = ids.Select((_, i) => new GrainState<TestState>(TestState.Create($"q{i}", i, 1024, seed: i))).ToArray();

        // Queue without awaiting, then stop straight away.
        var writes = ids.Select((id, i) => storage.WriteStateAsync("state", id, states[i])).ToArray();
        await storage.StopAsync();
        await Task.WhenAll(writes);

        await Assert.ThrowsAsync<SqliteGrainStorageException>(
            () => storage.WriteStateAsync("state", NewGrainId(), new GrainState<TestState>(new TestState())));

        await using var reopened = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath });
        for (var i = 0; i < ids.Length; i++)
        {
            var read = new GrainState<TestState>();
            await reopened.ReadStateAsync("state", ids[i], read);
            Assert.True(read.RecordExists);
            Assert.Equal(states[i].ETag, read.ETag);
            Assert.Equal($"q{i}", read.State!.Name);
        }
    }

    [Fact]
    public async Task A_conflict_fails_only_its_own_write_in_a_batch()
    {
        // Writes queued together commit in shared batches; a conflicting one among them fails alone.
        var storage = (SqliteGrainStorage)Storage;
        var existing = NewGrainId();
        await WriteNewAsync(existing, TestState.Create("existing", 1));

        var goodIds = Enumerable.Range(0, 50).Select(_ => NewGrainId()).ToArray();
        var good = goodIds.Select(id => storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("good", 1)))).ToList();
        var conflicting = storage.WriteStateAsync("state", existing, new GrainState<TestState>(TestState.Create("conflict", 2)));

        await Assert.ThrowsAsync<SqliteInconsistentStateException>(() => conflicting);
        await Task.WhenAll(good);
        foreach (var id in goodIds)
            Assert.Equal("good", (await ReadAsync(id)).State!.Name);
        Assert.Equal("existing", (await ReadAsync(existing)).State!.Name);
    }

    [Fact]
    public async Task Two_providers_on_one_file_share_rows_and_etags()
    {
        // As two silos of one test cluster do: separate writers on the same file.
        await using var second = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath });
        var first = Storage;
        var ids = Enumerable.Range(0, 100).Select(_ => NewGrainId()).ToArray();

        await Task.WhenAll(ids.Select((id, i) => (i % 2 == 0 ? first : second)
            .WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create($"w{i}", i, 512)))));

        for (var i = 0; i < ids.Length; i++)
        {
            var read = new GrainState<TestState>();
            await (i % 2 == 0 ? second : first).ReadStateAsync("state", ids[i], read);
            Assert.Equal($"w{i}", read.State!.Name);
        }

        // The same ETag offered through both providers at once: one wins.
        var seen = new GrainState<TestState>();
        await first.ReadStateAsync("state", ids[0], seen);
        var outcomes = await Task.WhenAll(new[] { first, second }.Select(storage => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("state", ids[0], new GrainState<TestState>(TestState.Create("race", 0), seen.ETag));
                return true;
            }
            catch (SqliteInconsistentStateException)
            {
                return false;
            }
        })));
        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task A_write_failing_in_sqlite_fails_alone_and_the_rest_of_its_batch_commits()
    {
        await WriteNewAsync(NewGrainId(), TestState.Create("schema-ready", 0));
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TRIGGER poison BEFORE INSERT ON grain_state WHEN NEW.grain_id LIKE '%poison%'
                BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;
                """;
            await command.ExecuteNonQueryAsync();
        }

        var ids = Enumerable.Range(0, 60).Select(_ => NewGrainId()).ToArray();
        var good = ids.Take(30).Select(id => Storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("good", 1)))).ToList();
        var poisoned = Storage.WriteStateAsync("state", Orleans.Runtime.GrainId.Create("conformance", "poison-" + Guid.NewGuid().ToString("N")),
            new GrainState<TestState>(TestState.Create("bad", 2)));
        good.AddRange(ids.Skip(30).Select(id => Storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("good", 1)))));

        var ex = await Assert.ThrowsAsync<SqliteGrainStorageException>(() => poisoned);
        Assert.Contains("poisoned row", ex.Message);
        await Task.WhenAll(good);
        foreach (var id in ids)
            Assert.Equal("good", (await ReadAsync(id)).State!.Name);
    }

    [Fact]
    public async Task Service_id_isolates_states_in_a_shared_file()
    {
        var id = NewGrainId();
        await WriteNewAsync(id, TestState.Create("mine", 1));

        await using var otherService = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath }, serviceId: "another-service");
        var read = new GrainState<TestState>();
        await otherService.ReadStateAsync("state", id, read);

        Assert.False(read.RecordExists);
        Assert.True((await ReadAsync(id)).RecordExists);
    }

    [Fact]
    public async Task Non_durable_mode_round_trips_and_survives_restart()
    {
        var id = NewGrainId();
        string? etag;
        await using (var storage = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath, DurableCommits = false }))
        {
            var state = new GrainState<TestState>(TestState.Create("fast", 1));
            await storage.WriteStateAsync("fast", id, state);
            etag = state.ETag;
        }

        await using var reopened = NewStorage(new SqliteGrainStorageOptions { DataSource = DatabasePath });
        var read = new GrainState<TestState>();
        await reopened.ReadStateAsync("fast", id, read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal("fast", read.State!.Name);
    }
}
