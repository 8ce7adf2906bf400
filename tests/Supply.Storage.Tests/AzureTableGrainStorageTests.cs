using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Supply.Storage.Tests;

/// <summary>
/// The conformance suite and Azure-specific cases against Azurite. Each test gets its own table and blob
/// container, so tests never see each other's data.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableGrainStorageTests(AzuriteFixture azurite, ITestOutputHelper output) : GrainStorageConformanceTests(output), IDisposable
{
    private const string ServiceId = "supply-tests";
    private readonly string _tableName = "t" + Guid.NewGuid().ToString("N");
    private readonly string _containerName = "c" + Guid.NewGuid().ToString("N");

    private TableClient Table => new(azurite.ConnectionString, _tableName);

    private BlobContainerClient Container => new(azurite.ConnectionString, _containerName);

    private AzureTableGrainStorage NewStorage(Action<AzureTableGrainStorageOptions>? configure = null, string serviceId = ServiceId)
    {
        var options = new AzureTableGrainStorageOptions
        {
            ConnectionString = azurite.ConnectionString,
            TableName = _tableName,
            BlobContainerName = _containerName,
        };
        configure?.Invoke(options);
        return new AzureTableGrainStorage("test", options, TestSerializers.Binary,
            Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "c" }));
    }

    protected override async Task<IGrainStorage> CreateStorageAsync(ConformanceStorageOptions options)
    {
        var storage = NewStorage(o => o.DeleteStateOnClear = options.DeleteStateOnClear);
        await storage.StartAsync();
        return storage;
    }

    public void Dispose()
    {
        // Azurite keeps everything in memory: drop this test's table and blobs.
        try
        {
            Table.Delete();
            Container.DeleteIfExists();
        }
        catch (RequestFailedException)
        {
            // Best effort.
        }
    }

    private static string PartitionKeyOf(GrainId id, string serviceId = ServiceId) => AzureTableGrainStorageKeys.PartitionKey(serviceId, id);

    private async Task<TableEntity> EntityAsync(GrainId id, string stateName = "state") =>
        (await Table.GetEntityAsync<TableEntity>(PartitionKeyOf(id), AzureTableGrainStorageKeys.RowKey(stateName))).Value;

    private async Task<List<string>> BlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync())
            names.Add(blob.Name);
        return names;
    }

    private static List<string> DataProperties(TableEntity entity) =>
        entity.Keys.Where(k => k.StartsWith("Data", StringComparison.Ordinal) && k != "DataLength").Order(StringComparer.Ordinal).ToList();

    // ---- start-up ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Start_creates_the_table_and_the_blob_container()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var tables = new List<string>();
        await foreach (var table in service.QueryAsync(t => t.Name == _tableName))
            tables.Add(table.Name);

        Assert.Equal([_tableName], tables);
        Assert.True((await Container.ExistsAsync()).Value);
        Assert.Equal(_tableName, ((AzureTableGrainStorage)Storage).TableName);
    }

    [Fact]
    public async Task Unreachable_service_fails_start_with_the_table_in_the_message_and_later_calls_retry()
    {
        // A port nobody listens on; no retries so the failure is immediate.
        var deadPort = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        deadPort.Start();
        var port = ((System.Net.IPEndPoint)deadPort.LocalEndpoint).Port;
        deadPort.Stop();
        var storage = NewStorage(o =>
        {
            o.ConnectionString = azurite.ConnectionString.Replace($":{azurite.TablePort}/", $":{port}/", StringComparison.Ordinal);
            o.TableClientOptions = new TableClientOptions { Retry = { MaxRetries = 0 } };
        });

        var ex = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => storage.StartAsync());
        Assert.Contains(_tableName, ex.Message);
        Assert.Contains(port.ToString(), ex.Message);

        var again = await Assert.ThrowsAsync<AzureTableGrainStorageException>(
            () => storage.ReadStateAsync("state", NewGrainId(), new GrainState<TestState>()));
        Assert.Contains(_tableName, again.Message);
    }

    // ---- keys -------------------------------------------------------------------------------------------

    public static readonly string[] HostileKeys =
    [
        "plain", "with/slash", "with\\backslash", "with#hash", "with?question", "a/b", "a%2Fb", "a%2fb", "%", "%%", "%25",
        "pipe|here", "tilde~here", "quote'here", "two''quotes", "trailing space ", " leading", "+plus&amp=eq;semi", "(paren)", ".", "..",
        "ctl\u0000nul", "ctl\u0001\u001f", "del\u007f", "c1\u0080\u0085\u009f", "tab\tnew\nline\r", "ufffd\ufffd",
        "ångström-Ölager", "日本語の倉庫", "emoji🙂📦", "rtl\u200f\u05d0\u05d1",
        new string('x', 2000), new string('x', 1999) + "y", new string('é', 2000),
        string.Concat(Enumerable.Repeat("🙂/#", 700)),
    ];

    [Fact]
    public async Task Hostile_grain_ids_round_trip_and_never_collide()
    {
        var ids = HostileKeys.Select(k => GrainId.Create("conformance", k)).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        const string hostileStateName = "state/#?\\\u0001|~%";

        for (var i = 0; i < ids.Length; i++)
            await WriteNewAsync(ids[i], TestState.Create($"hostile-{i}", i, 16, seed: i));
        await WriteNewAsync(ids[1], TestState.Create("odd-state-name", -1), hostileStateName);

        for (var i = 0; i < ids.Length; i++)
        {
            var read = await ReadAsync(ids[i]);
            Assert.True(read.RecordExists, $"grain {i} not found");
            Assert.Equal($"hostile-{i}", read.State!.Name);
            Assert.Equal(i, read.State.Counter);
        }

        Assert.Equal("odd-state-name", (await ReadAsync(ids[1], hostileStateName)).State!.Name);
        Assert.False((await ReadAsync(ids[2], hostileStateName)).RecordExists);

        // What Azure sees: valid, distinct keys of at most 1 KiB; short ones reversible.
        var entities = new List<TableEntity>();
        await foreach (var entity in Table.QueryAsync<TableEntity>())
            entities.Add(entity);
        Assert.Equal(ids.Length + 1, entities.Count);
        Assert.Equal(ids.Length, entities.Select(e => e.PartitionKey).Distinct().Count());
        foreach (var entity in entities)
        {
            foreach (var key in new[] { entity.PartitionKey, entity.RowKey })
            {
                Assert.True(key.Length <= 512, $"key of {key.Length} chars");
                Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
            }
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var partitionKey = PartitionKeyOf(ids[i]);
            if (AzureTableGrainStorageKeys.IsHashed(partitionKey))
            {
                Assert.True(HostileKeys[i].Length >= 100, $"short key {i} was hashed");
                Assert.Contains(entities, e => e.PartitionKey == partitionKey && e.GetString("FullPartitionKey") is { Length: > 0 });
            }
            else
            {
                Assert.Equal($"{ServiceId}|{ids[i]}", AzureTableGrainStorageKeys.Unescape(partitionKey));
            }
        }
    }

    [Fact]
    public async Task A_hashed_key_holding_another_grains_entity_is_refused_not_returned()
    {
        var id = GrainId.Create("conformance", new string('k', 3000));
        await WriteNewAsync(id, TestState.Create("mine", 1));
        Assert.True(AzureTableGrainStorageKeys.IsHashed(PartitionKeyOf(id)));

        // Pretend another grain's full key hashed to the same PartitionKey.
        var entity = await EntityAsync(id);
        entity["FullPartitionKey"] = "someone-else|conformance/other";
        await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var ex = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => ReadAsync(id));
        Assert.Contains("belongs to another grain state", ex.Message);
        Assert.Contains(_tableName, ex.Message);
    }

    [Fact]
    public async Task Service_id_isolates_states_in_a_shared_table()
    {
        var id = NewGrainId();
        await WriteNewAsync(id, TestState.Create("mine", 1));

        var otherService = NewStorage(serviceId: "another-service");
        var read = new GrainState<TestState>();
        await otherService.ReadStateAsync("state", id, read);

        Assert.False(read.RecordExists);
        Assert.True((await ReadAsync(id)).RecordExists);
    }

    // ---- concurrency --------------------------------------------------------------------------------------

    [Fact]
    public async Task Conflicts_from_409_412_and_404_are_the_providers_InconsistentStateException()
    {
        var id = NewGrainId();
        var first = await WriteNewAsync(id, TestState.Create("one", 1));
        var firstEtag = first.ETag!;

        // 409: insert (no ETag) over an existing entity.
        var insert = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("insert", 2))));
        Assert.Equal(409, Assert.IsType<RequestFailedException>(insert.InnerException).Status);
        Assert.Equal(firstEtag, insert.StoredEtag);
        Assert.Contains(_tableName, insert.Message);

        // 412: stale ETag.
        first.State = TestState.Create("two", 2);
        await Storage.WriteStateAsync("state", id, first);
        var stale = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("stale", 3), firstEtag)));
        Assert.Equal(412, Assert.IsType<RequestFailedException>(stale.InnerException).Status);
        Assert.Equal(first.ETag, stale.StoredEtag);
        Assert.Equal(firstEtag, stale.CurrentEtag);

        // 404: a real-looking ETag for an entity that does not exist.
        var ghost = NewGrainId();
        var missing = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.WriteStateAsync("state", ghost, new GrainState<TestState>(TestState.Create("ghost", 4), firstEtag)));
        Assert.Equal(404, Assert.IsType<RequestFailedException>(missing.InnerException).Status);
        Assert.Null(missing.StoredEtag);

        // 412 on clear (keeping the entity).
        var clear = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.ClearStateAsync("state", id, new GrainState<TestState>(new TestState(), firstEtag)));
        Assert.Equal(412, Assert.IsType<RequestFailedException>(clear.InnerException).Status);

        Assert.Equal("two", (await ReadAsync(id)).State!.Name);
    }

    [Fact]
    public async Task Conflicts_on_delete_are_the_providers_InconsistentStateException()
    {
        await RestartAsync(new ConformanceStorageOptions(DeleteStateOnClear: true));
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("one", 1));
        var firstEtag = state.ETag!;
        state.State = TestState.Create("two", 2);
        await Storage.WriteStateAsync("state", id, state);

        var stale = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.ClearStateAsync("state", id, new GrainState<TestState>(new TestState(), firstEtag)));
        Assert.Equal(412, Assert.IsType<RequestFailedException>(stale.InnerException).Status);
        Assert.Equal(state.ETag, stale.StoredEtag);

        // The SDK answers a delete of a missing entity with a 404 response rather than an exception.
        var missing = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.ClearStateAsync("state", NewGrainId(), new GrainState<TestState>(new TestState(), firstEtag)));
        Assert.Null(missing.StoredEtag);
        Assert.Equal(firstEtag, missing.CurrentEtag);

        Assert.Equal("two", (await ReadAsync(id)).State!.Name);
    }

    [Fact]
    public async Task An_etag_the_service_never_issues_is_a_conflict_not_a_bad_request()
    {
        var id = NewGrainId();
        var stored = await WriteNewAsync(id, TestState.Create("kept", 1));

        var write = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.WriteStateAsync("state", id, new GrainState<TestState>(TestState.Create("x", 2), "made-up-etag")));
        Assert.Equal(stored.ETag, write.StoredEtag);
        Assert.Equal("made-up-etag", write.CurrentEtag);

        var clear = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(
            () => Storage.ClearStateAsync("state", id, new GrainState<TestState>(new TestState(), "made-up-etag")));
        Assert.Equal(stored.ETag, clear.StoredEtag);

        Assert.Equal("kept", (await ReadAsync(id)).State!.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_whose_response_was_lost_and_retried_is_not_reported_as_a_conflict(bool largeState)
    {
        // The first insert/replace reaches storage, its response is "lost" and the SDK retries; the retry is
        // refused (409/412) because the first attempt already landed.
        var lose = new LoseNextEntityWriteResponsePolicy();
        var storage = NewStorage(o =>
        {
            o.TableClientOptions = new TableClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(1), MaxRetries = 2 } };
            o.TableClientOptions.AddPolicy(lose, Azure.Core.HttpPipelinePosition.PerRetry);
        });
        await storage.StartAsync();
        var id = NewGrainId();
        var payload = largeState ? 1024 * 1024 : 100;

        lose.Arm();
        var state = new GrainState<TestState>(TestState.Create("inserted", 1, payload, seed: 1));
        await storage.WriteStateAsync("state", id, state);
        Assert.Equal(0, lose.Armed);

        lose.Arm();
        state.State = TestState.Create("replaced", 2, payload, seed: 2);
        await storage.WriteStateAsync("state", id, state);
        Assert.Equal(0, lose.Armed);

        var read = await ReadAsync(id);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal("replaced", read.State!.Name);
        Assert.Equal(state.State.Payload, read.State.Payload);
        Assert.Equal(largeState ? 1 : 0, (await BlobNamesAsync()).Count);

        // The next write continues the ETag chain.
        state.State = TestState.Create("next", 3);
        await storage.WriteStateAsync("state", id, state);
        Assert.Equal("next", (await ReadAsync(id)).State!.Name);
    }

    /// <summary>Lets the next entity insert/replace reach the service, then throws as if its response were lost.</summary>
    private sealed class LoseNextEntityWriteResponsePolicy : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _armed;

        public int Armed => Volatile.Read(ref _armed);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            LoseIfArmed(message);
        }

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            LoseIfArmed(message);
        }

        private void LoseIfArmed(Azure.Core.HttpMessage message)
        {
            var method = message.Request.Method;
            if ((method == Azure.Core.RequestMethod.Post || method == Azure.Core.RequestMethod.Put)
                && message.Response.Status is >= 200 and < 300
                && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                throw new IOException("Simulated connection reset after the request was processed.");
            }
        }
    }

    // ---- data layout and large states --------------------------------------------------------------------

    [Fact]
    public async Task A_state_over_64_KiB_is_split_over_several_binary_properties()
    {
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("medium", 1, 300 * 1024, seed: 3));

        var entity = await EntityAsync(id);
        var length = entity.GetInt64("DataLength")!.Value;
        Assert.InRange(length, 300 * 1024, 301 * 1024);
        Assert.Equal(["Data0", "Data1", "Data2", "Data3", "Data4"], DataProperties(entity));
        Assert.All(DataProperties(entity)[..^1], p => Assert.Equal(64 * 1024, entity.GetBinary(p).Length));
        Assert.Null(entity.GetString("BlobName"));
        Assert.Empty(await BlobNamesAsync());

        var read = await ReadAsync(id);
        Assert.Equal(state.State!.Payload, read.State!.Payload);
    }

    [Theory]
    [InlineData(-200, true)] // the largest inline states: 11 full 64 KiB properties must fit one entity
    [InlineData(+1, false)]
    public async Task States_around_the_inline_limit_round_trip_in_the_entity_or_a_blob(int bytesFromLimit, bool inline)
    {
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("edge", 1, AzureTableGrainStorage.MaxInlineStateBytes + bytesFromLimit, seed: 5));

        var entity = await EntityAsync(id);
        var length = entity.GetInt64("DataLength")!.Value;
        Assert.Equal(inline, length <= AzureTableGrainStorage.MaxInlineStateBytes);
        if (inline)
        {
            Assert.Equal(11, DataProperties(entity).Count);
            Assert.Null(entity.GetString("BlobName"));
            Assert.Empty(await BlobNamesAsync());
        }
        else
        {
            Assert.Empty(DataProperties(entity));
            Assert.Equal([entity.GetString("BlobName")], await BlobNamesAsync());
        }

        Assert.Equal(state.State!.Payload, (await ReadAsync(id)).State!.Payload);
    }

    [Fact]
    public async Task Inventory_of_20000_items_with_lots_round_trips_through_a_blob_and_old_blobs_are_removed()
    {
        var storage = (AzureTableGrainStorage)Storage;
        var id = NewGrainId();
        var big = InventoryTestState.Create("big", items: 20_000, lotsPerItem: 3, seed: 1);
        var serialized = TestSerializers.Binary.Serialize(big).ToMemory().Length;
        Log($"20,000 items x 3 lots serialize to {serialized:N0} bytes");
        Assert.True(serialized > AzureTableGrainStorage.MaxInlineStateBytes * 2);

        var state = new GrainState<InventoryTestState>(big);
        await storage.WriteStateAsync("inventory", id, state);

        var entity = await EntityAsync(id, "inventory");
        Assert.Equal(serialized, entity.GetInt64("DataLength"));
        Assert.Empty(DataProperties(entity));
        var blobName = entity.GetString("BlobName");
        Assert.StartsWith(_tableName + "/", blobName);
        Assert.Equal([blobName], await BlobNamesAsync());

        var read = new GrainState<InventoryTestState>();
        await storage.ReadStateAsync("inventory", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        InventoryTestState.AssertEqual(big, read.State);

        // Overwrite with another large state: a new blob, the old one gone.
        read.State = InventoryTestState.Create("big-2", items: 20_000, lotsPerItem: 2, seed: 2);
        await storage.WriteStateAsync("inventory", id, read);
        var secondBlob = (await EntityAsync(id, "inventory")).GetString("BlobName");
        Assert.NotEqual(blobName, secondBlob);
        Assert.Equal([secondBlob], await BlobNamesAsync());

        // Overwrite with a small one: back in the entity, no blob left.
        read.State = InventoryTestState.Create("small", items: 3, lotsPerItem: 1, seed: 3);
        await storage.WriteStateAsync("inventory", id, read);
        entity = await EntityAsync(id, "inventory");
        Assert.Null(entity.GetString("BlobName"));
        Assert.Equal(["Data0"], DataProperties(entity));
        Assert.Empty(await BlobNamesAsync());

        var after = new GrainState<InventoryTestState>();
        await storage.ReadStateAsync("inventory", id, after);
        InventoryTestState.AssertEqual(read.State, after.State);
    }

    [Fact]
    public async Task Without_blobs_an_oversized_state_fails_clearly_and_nothing_is_written()
    {
        var storage = NewStorage(o => o.StoreLargeStatesInBlobs = false);
        await storage.StartAsync();
        var id = NewGrainId();
        var state = new GrainState<TestState>(TestState.Create("small", 1));
        await storage.WriteStateAsync("state", id, state);
        var etag = state.ETag;

        state.State = TestState.Create("too-big", 2, 2 * 1024 * 1024);
        var ex = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => storage.WriteStateAsync("state", id, state));
        Assert.Contains($"{AzureTableGrainStorage.MaxInlineStateBytes:N0}", ex.Message);
        Assert.Contains("2,097,", ex.Message); // the state's size
        Assert.Contains(nameof(AzureTableGrainStorageOptions.StoreLargeStatesInBlobs), ex.Message);
        Assert.Contains(_tableName, ex.Message);
        Assert.Equal(etag, state.ETag);

        var read = new GrainState<TestState>();
        await storage.ReadStateAsync("state", id, read);
        Assert.Equal("small", read.State!.Name);
        Assert.Equal(etag, read.ETag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Clearing_a_blob_backed_state_removes_its_blob(bool deleteStateOnClear)
    {
        await RestartAsync(new ConformanceStorageOptions(deleteStateOnClear));
        var id = NewGrainId();
        var state = await WriteNewAsync(id, TestState.Create("large", 1, 2 * 1024 * 1024, seed: 9));
        Assert.Single(await BlobNamesAsync());

        await Storage.ClearStateAsync("state", id, state);
        Assert.False(state.RecordExists);
        Assert.Empty(await BlobNamesAsync());

        var entity = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKeyOf(id), AzureTableGrainStorageKeys.RowKey("state"));
        if (deleteStateOnClear)
        {
            Assert.False(entity.HasValue);
            Assert.Null(state.ETag);
        }
        else
        {
            Assert.True(entity.HasValue);
            Assert.Null(entity.Value!.GetString("BlobName"));
            Assert.False(entity.Value.ContainsKey("DataLength"));
            Assert.Equal(state.ETag, entity.Value.ETag.ToString());
        }

        var read = await ReadAsync(id);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task A_restarted_provider_reads_a_blob_backed_state_and_cleans_up_after_replacing_it()
    {
        var id = NewGrainId();
        var written = await WriteNewAsync(id, TestState.Create("before-restart", 1, 1024 * 1024, seed: 11));
        var firstBlob = Assert.Single(await BlobNamesAsync());

        await RestartAsync();
        var read = await ReadAsync(id);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(written.State!.Payload, read.State!.Payload);

        read.State = TestState.Create("after-restart", 2, 1024 * 1024, seed: 12);
        await Storage.WriteStateAsync("state", id, read);
        var secondBlob = Assert.Single(await BlobNamesAsync());
        Assert.NotEqual(firstBlob, secondBlob);
        Assert.Equal("after-restart", (await ReadAsync(id)).State!.Name);
    }

    [Fact]
    public async Task Racing_large_writes_one_wins_and_the_losers_leave_no_blob_behind()
    {
        var id = NewGrainId();
        var current = await WriteNewAsync(id, TestState.Create("start", 0, 1024 * 1024, seed: 20));
        var contenders = Enumerable.Range(0, 4)
            .Select(r => new GrainState<TestState>(TestState.Create($"racer{r}", r, 1024 * 1024, seed: 21 + r), current.ETag) { RecordExists = true })
            .ToArray();

        var outcomes = await Task.WhenAll(contenders.Select(c => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteStateAsync("state", id, c);
                return true;
            }
            catch (AzureTableInconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = contenders[Array.IndexOf(outcomes, true)];
        Assert.Equal(winner.State!.Name, (await ReadAsync(id)).State!.Name);
        // Only the winner's blob remains: the losers deleted theirs, the winner deleted the one it replaced.
        Assert.Equal([(await EntityAsync(id)).GetString("BlobName")], await BlobNamesAsync());
    }

    [Fact]
    public async Task Reads_racing_large_state_overwrites_always_see_a_complete_state()
    {
        var id = NewGrainId();
        const int versions = 6;
        var expected = Enumerable.Range(0, versions + 1).Select(v => TestState.Create($"v{v}", v, 900 * 1024, seed: 100 + v)).ToArray();
        var state = await WriteNewAsync(id, expected[0]);

        // A second provider instance reads, as another silo would; it does not share the writer's blob cache.
        var reader = NewStorage();
        using var done = new CancellationTokenSource();
        var reads = 0;
        var readerTask = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var read = new GrainState<TestState>();
                await reader.ReadStateAsync("state", id, read);
                var version = read.State!.Counter;
                Assert.Equal(expected[version].Name, read.State.Name);
                Assert.Equal(expected[version].Payload, read.State.Payload);
                Interlocked.Increment(ref reads);
            }
        });

        for (var v = 1; v <= versions; v++)
        {
            state.State = expected[v];
            await Storage.WriteStateAsync("state", id, state);
        }

        await done.CancelAsync();
        await readerTask;
        Log($"{reads} complete reads while {versions} large overwrites ran");
        Assert.True(reads > 0);
        Assert.Single(await BlobNamesAsync());
    }

    // ---- damaged data --------------------------------------------------------------------------------------

    [Fact]
    public async Task An_entity_with_a_missing_chunk_fails_the_read_instead_of_returning_a_truncated_state()
    {
        var id = NewGrainId();
        await WriteNewAsync(id, TestState.Create("chunked", 1, 200 * 1024));
        var entity = await EntityAsync(id);
        entity.Remove("Data1");
        await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var ex = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => ReadAsync(id));
        Assert.Contains("Data1", ex.Message);
        Assert.Contains(_tableName, ex.Message);
    }

    [Fact]
    public async Task An_entity_pointing_at_a_missing_blob_fails_the_read_clearly()
    {
        var id = NewGrainId();
        await WriteNewAsync(id, TestState.Create("large", 1, 1024 * 1024));
        var blobName = Assert.Single(await BlobNamesAsync());
        await Container.DeleteBlobAsync(blobName);

        var ex = await Assert.ThrowsAsync<AzureTableGrainStorageException>(() => ReadAsync(id));
        Assert.Contains(blobName, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }
}
