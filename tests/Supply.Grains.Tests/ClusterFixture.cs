using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;
using Supply.Grains;
using Supply.Grains.Catalog;
using Supply.Storage;

namespace Supply.Grains.Tests;

/// <summary>A two-silo TestingHost cluster with real SQLite grain storage in a temp file, shared by the collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "supply-grain-tests", Guid.NewGuid().ToString("N"));

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;
    /// <summary>The SQLite file both silos store grain state in.</summary>
    public string DatabasePath => Path.Combine(_directory, "grains.db");

    public async Task InitializeAsync()
    {
        var db = DatabasePath;
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteGrainStorage(StorageNames.Default, o => o.DataSource = db);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<CatalogCache>();
            silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddSupplyDomainTypes()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
