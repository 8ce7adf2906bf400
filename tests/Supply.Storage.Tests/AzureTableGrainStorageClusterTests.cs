using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Supply.Storage.Tests;

public interface IAzureStockGrain : IGrainWithStringKey
{
    Task<int> Add(string note, int amount);

    Task<TestState> Get();

    Task<Guid> ActivationId();

    /// <summary>Stores a large inventory (several MB) in a second persistent state; returns its item count.</summary>
    Task<int> FillInventory(int items, int seed);

    Task<(string Label, int Items)> Inventory();

    /// <summary>Writes through the provider with a made-up ETag, so the conflict travels back to the caller.</summary>
    Task WriteWithStaleEtag();
}

public sealed class AzureStockGrain(
    [PersistentState("state", AzureTableGrainStorageClusterTests.StorageName)] IPersistentState<TestState> state,
    [PersistentState("inventory", AzureTableGrainStorageClusterTests.StorageName)] IPersistentState<InventoryTestState> inventory)
    : Grain, IAzureStockGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<int> Add(string note, int amount)
    {
        state.State.Name = note;
        state.State.Counter += amount;
        await state.WriteStateAsync();
        return state.State.Counter;
    }

    public Task<TestState> Get() => Task.FromResult(state.State);

    public Task<Guid> ActivationId() => Task.FromResult(_activationId);

    public async Task<int> FillInventory(int items, int seed)
    {
        inventory.State = InventoryTestState.Create($"inventory-{seed}", items, lotsPerItem: 2, seed);
        await inventory.WriteStateAsync();
        return inventory.State.Items.Count;
    }

    public Task<(string Label, int Items)> Inventory() => Task.FromResult((inventory.State.Label, inventory.State.Items.Count));

    public Task WriteWithStaleEtag() =>
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AzureTableGrainStorageClusterTests.StorageName)
            .WriteStateAsync("state", this.GetGrainId(), new GrainState<TestState>(new TestState(), "stale-etag"));
}

/// <summary>The provider behind real grains on Azurite: registration, silo lifecycle, deactivation and cluster restarts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableGrainStorageClusterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    public const string StorageName = "azure-test";

    private readonly string _serviceId = "azure-cluster-tests-" + Guid.NewGuid().ToString("N");
    private readonly string _tableName = "cluster" + Guid.NewGuid().ToString("N");
    private readonly string _containerName = "cluster-" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await new TableClient(azurite.ConnectionString, _tableName).DeleteAsync();
        await new BlobContainerClient(azurite.ConnectionString, _containerName).DeleteIfExistsAsync();
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        // A restarted cluster must be the same service to see the same entities.
        builder.Options.ServiceId = _serviceId;
        var (connectionString, tableName, containerName) = (azurite.ConnectionString, _tableName, _containerName);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorage(StorageName, options =>
        {
            options.ConnectionString = connectionString;
            options.TableName = tableName;
            options.BlobContainerName = containerName;
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private async Task<bool> TableExistsAsync()
    {
        await foreach (var _ in new TableServiceClient(azurite.ConnectionString).QueryAsync(t => t.Name == _tableName))
            return true;
        return false;
    }

    [Fact]
    public async Task Grain_state_survives_deactivation_and_a_full_cluster_restart()
    {
        var key = "stock-location-" + Guid.NewGuid().ToString("N");
        Guid firstActivation;

        await using (var cluster = await StartClusterAsync())
        {
            // Created by the silo lifecycle at start-up, before any grain touched it.
            Assert.True(await TableExistsAsync());
            var silo = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
            Assert.IsType<AzureTableGrainStorage>(silo.GetRequiredKeyedService<IGrainStorage>(StorageName));

            // The options Orleans logs at start never show the account key.
            var logged = silo.GetServices<IOptionFormatter>()
                .Where(f => f.Name.Contains(StorageName, StringComparison.Ordinal))
                .SelectMany(f => f.Format())
                .ToList();
            Assert.Contains(logged, l => l.Contains(nameof(AzureTableGrainStorageOptions.ConnectionString), StringComparison.Ordinal));
            Assert.DoesNotContain(logged, l => l.Contains(AzuriteFixture.AccountKey, StringComparison.Ordinal));

            var grain = cluster.Client.GetGrain<IAzureStockGrain>(key);
            await grain.Add("received", 5);
            Assert.Equal(12, await grain.Add("counted", 7));
            Assert.Equal(20_000, await grain.FillInventory(20_000, seed: 1));
            firstActivation = await grain.ActivationId();

            await cluster.DeactivateAsync(grain);

            Assert.NotEqual(firstActivation, await grain.ActivationId());
            var afterDeactivation = await grain.Get();
            Assert.Equal("counted", afterDeactivation.Name);
            Assert.Equal(12, afterDeactivation.Counter);
            Assert.Equal(("inventory-1", 20_000), await grain.Inventory());

            Assert.Equal(15, await grain.Add("after-reactivation", 3));
        }

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IAzureStockGrain>(key);
            Assert.NotEqual(firstActivation, await grain.ActivationId());
            var afterRestart = await grain.Get();
            Assert.Equal("after-reactivation", afterRestart.Name);
            Assert.Equal(15, afterRestart.Counter);
            Assert.Equal(("inventory-1", 20_000), await grain.Inventory());

            // The ETags read on activation let the next writes go through; the replaced blob is removed.
            Assert.Equal(16, await grain.Add("after-restart", 1));
            Assert.Equal(20_000, await grain.FillInventory(20_000, seed: 2));
            var blobs = new List<string>();
            await foreach (var blob in new BlobContainerClient(azurite.ConnectionString, _containerName).GetBlobsAsync())
                blobs.Add(blob.Name);
            Assert.Single(blobs);

            // Conflicts reach the caller as the provider's own type, etags intact.
            var conflict = await Assert.ThrowsAsync<AzureTableInconsistentStateException>(() => grain.WriteWithStaleEtag());
            Assert.Equal("stale-etag", conflict.CurrentEtag);
            Assert.False(string.IsNullOrEmpty(conflict.StoredEtag));
        }
    }
}
