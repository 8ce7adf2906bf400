using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Supply.Storage.Tests;

public interface IStockCounterGrain : IGrainWithStringKey
{
    Task<int> Add(string note, int amount);

    Task<TestState> Get();

    Task<Guid> ActivationId();

    /// <summary>Writes through the provider with a made-up ETag, so the conflict travels back to the caller.</summary>
    Task WriteWithStaleEtag();
}

public sealed class StockCounterGrain(
    [PersistentState("state", SqliteGrainStorageClusterTests.StorageName)] IPersistentState<TestState> state) : Grain, IStockCounterGrain
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

    public Task WriteWithStaleEtag() =>
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SqliteGrainStorageClusterTests.StorageName)
            .WriteStateAsync("state", this.GetGrainId(), new GrainState<TestState>(new TestState(), "stale-etag"));
}

/// <summary>The provider behind real grains: registration, silo lifecycle, deactivation and cluster restarts.</summary>
public sealed class SqliteGrainStorageClusterTests : IDisposable
{
    public const string StorageName = "sqlite-test";

    private readonly TempDirectory _temp = new();
    private readonly string _serviceId = "storage-cluster-tests-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _temp.Dispose();

    private string DatabasePath => _temp.File("cluster.db");

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        // A restarted cluster must be the same service to see the same rows.
        builder.Options.ServiceId = _serviceId;
        var databasePath = DatabasePath;
        builder.ConfigureSilo((_, silo) => silo.AddSqliteGrainStorage(StorageName, options => options.DataSource = databasePath));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Grain_state_survives_deactivation_and_a_full_cluster_restart()
    {
        var key = "stock-location-" + Guid.NewGuid().ToString("N");
        Guid firstActivation;

        await using (var cluster = await StartClusterAsync())
        {
            // Opened by the silo lifecycle at start-up, before any grain touched it.
            Assert.True(File.Exists(DatabasePath));
            var silo = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress);
            Assert.IsType<SqliteGrainStorage>(silo.GetRequiredKeyedService<IGrainStorage>(StorageName));

            var grain = cluster.Client.GetGrain<IStockCounterGrain>(key);
            await grain.Add("received", 5);
            Assert.Equal(12, await grain.Add("counted", 7));
            firstActivation = await grain.ActivationId();

            await cluster.DeactivateAsync(grain);

            var reactivated = await grain.ActivationId();
            Assert.NotEqual(firstActivation, reactivated);
            var afterDeactivation = await grain.Get();
            Assert.Equal("counted", afterDeactivation.Name);
            Assert.Equal(12, afterDeactivation.Counter);

            Assert.Equal(15, await grain.Add("after-reactivation", 3));
        }

        // Silo shutdown stopped the provider: every connection closed, so SQLite folded its WAL away.
        Assert.False(File.Exists(DatabasePath + "-wal"));

        await using (var cluster = await StartClusterAsync())
        {
            var grain = cluster.Client.GetGrain<IStockCounterGrain>(key);
            Assert.NotEqual(firstActivation, await grain.ActivationId());
            var afterRestart = await grain.Get();
            Assert.Equal("after-reactivation", afterRestart.Name);
            Assert.Equal(15, afterRestart.Counter);

            // The ETag read on activation lets the next write go through.
            Assert.Equal(16, await grain.Add("after-restart", 1));

            // Conflicts reach the caller as the provider's own type, etags intact.
            var conflict = await Assert.ThrowsAsync<SqliteInconsistentStateException>(() => grain.WriteWithStaleEtag());
            Assert.Equal("stale-etag", conflict.CurrentEtag);
            Assert.False(string.IsNullOrEmpty(conflict.StoredEtag));
        }
    }
}
