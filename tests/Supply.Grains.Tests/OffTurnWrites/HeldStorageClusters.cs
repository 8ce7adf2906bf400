using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Supply.Storage;
using Supply.Testing;

namespace Supply.Grains.Tests.OffTurnWrites;

/// <summary>
/// A one-silo TestingHost cluster whose grain storage (<see cref="StorageNames.Default"/>) is a real provider, stored the
/// way the server stores it (binary state serializer), behind a <see cref="HeldGrainStorage"/>.
/// </summary>
public abstract class HeldStorageCluster : IAsyncLifetime
{
    private const string Inner = "real";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    public HeldGrainStorage Storage => (HeldGrainStorage)Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);

    /// <summary>Registers the real provider under <paramref name="name"/>.</summary>
    protected abstract void AddRealStorage(ISiloBuilder silo, string name);

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            AddRealStorage(silo, Inner);
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default,
                (sp, _) => new HeldGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(Inner)));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddSupplyDomainTypes()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync() => await Cluster.DisposeAsync();

    protected static void UseBinaryStateSerializer<TOptions>(ISiloBuilder silo, string name) where TOptions : class, IStorageProviderSerializerOptions =>
        silo.Services.AddOptions<TOptions>(name)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));
}

/// <summary>Single-node storage: the SQLite provider on a temp file.</summary>
public sealed class HeldSqliteCluster : HeldStorageCluster
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "supply-grain-tests", Guid.NewGuid().ToString("N"));

    protected override void AddRealStorage(ISiloBuilder silo, string name)
    {
        silo.AddSqliteGrainStorage(name, o => o.DataSource = Path.Combine(_directory, "grains.db"));
        UseBinaryStateSerializer<SqliteGrainStorageOptions>(silo, name);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Cluster-mode storage: Orleans' Azure blob provider on Azurite.</summary>
public sealed class HeldAzureBlobCluster : HeldStorageCluster
{
    private Azurite? _azurite;

    public override async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        await base.InitializeAsync();
    }

    protected override void AddRealStorage(ISiloBuilder silo, string name)
    {
        var connectionString = _azurite!.ConnectionString;
        silo.AddAzureBlobGrainStorage(name, o =>
        {
            o.BlobServiceClient = new BlobServiceClient(connectionString);
            o.ContainerName = "grains";
        });
        UseBinaryStateSerializer<AzureBlobStorageOptions>(silo, name);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
