using Azure;
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
}
