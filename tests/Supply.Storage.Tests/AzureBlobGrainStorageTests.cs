using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Supply.Storage.Tests;

/// <summary>
/// The conformance suite against Orleans' blob provider on Azurite (cluster mode's storage for the large states).
/// Each test gets its own container.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobGrainStorageTests(AzuriteFixture azurite, ITestOutputHelper output) : GrainStorageConformanceTests(output), IDisposable
{
    private readonly string _containerName = "c" + Guid.NewGuid().ToString("N");

    private BlobContainerClient Container => new(azurite.ConnectionString, _containerName);

    protected override async Task<IGrainStorage> CreateStorageAsync(ConformanceStorageOptions options) =>
        await OrleansAzureProviders.StartBlobAsync(o =>
        {
            o.BlobServiceClient = new BlobServiceClient(azurite.ConnectionString);
            o.ContainerName = _containerName;
            o.DeleteStateOnClear = options.DeleteStateOnClear;
        });

    protected override bool ConflictNamesStoredEtag => false;

    protected override bool ClearKeepingRecordsOfAMissingRecordWritesOne => true;

    protected override BlindClear ClearDeletingWithoutEtag => BlindClear.Deletes;

    public void Dispose()
    {
        // Azurite keeps everything in memory: drop this test's blobs.
        try
        {
            Container.DeleteIfExists();
        }
        catch (RequestFailedException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task Start_creates_the_container()
    {
        Assert.True((await Container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Inventory_of_20000_items_with_lots_round_trips()
    {
        var id = NewGrainId();
        var inventory = InventoryTestState.Create("big", items: 20_000, lotsPerItem: 3, seed: 7);
        var state = new GrainState<InventoryTestState>(inventory);
        await Storage.WriteStateAsync("inventory", id, state);
        long stored = 0;
        await foreach (var blob in Container.GetBlobsAsync())
            stored += blob.Properties.ContentLength ?? 0;
        Log($"20,000 items x 3 lots: {stored:N0} bytes in one blob");

        var read = new GrainState<InventoryTestState>(new InventoryTestState());
        await Storage.ReadStateAsync("inventory", id, read);
        Assert.Equal(state.ETag, read.ETag);
        InventoryTestState.AssertEqual(inventory, read.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_write_whose_response_was_lost_is_reported_as_a_conflict_although_it_was_stored(bool update)
    {
        // The old provider recognised its own retried write; Orleans' blob provider cannot: the SDK resends the upload
        // with the same condition, the service refuses it (the first attempt changed the blob), and the caller hears
        // "conflict" for a write that is stored. The service copes: the grain deactivates, the sender resends, and the
        // next activation reads the stored state and answers the resend as a duplicate (docs/cluster.md).
        var id = NewGrainId();
        var state = new GrainState<TestState>(TestState.Create("first", 1));
        if (update) await Storage.WriteStateAsync("state", id, state);

        var lossy = new LoseFirstUploadResponse();
        var clientOptions = new BlobClientOptions();
        clientOptions.AddPolicy(lossy, HttpPipelinePosition.PerRetry);
        var storage = await OrleansAzureProviders.StartBlobAsync(o =>
        {
            o.BlobServiceClient = new BlobServiceClient(azurite.ConnectionString, clientOptions);
            o.ContainerName = _containerName;
        });
        state.State = TestState.Create("second", 2);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", id, state));

        Assert.Equal(1, lossy.Lost);
        var read = await ReadAsync(id);
        Assert.True(read.RecordExists);
        Assert.Equal("second", read.State!.Name); // stored all the same
    }

    /// <summary>Lets the first upload reach the service, then fails as if its response was lost, so the SDK retries it.</summary>
    private sealed class LoseFirstUploadResponse : HttpPipelinePolicy
    {
        private int _lost;

        public int Lost => _lost;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the provider calls asynchronously");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == RequestMethod.Put && message.Response.Status < 300 && Interlocked.CompareExchange(ref _lost, 1, 0) == 0)
                throw new IOException("response lost (test)");
        }
    }
}
