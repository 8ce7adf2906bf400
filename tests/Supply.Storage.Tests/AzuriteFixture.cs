using Supply.Testing;

namespace Supply.Storage.Tests;

/// <summary>One Azurite process (see <see cref="Azurite"/>) shared by the Azure tests of a collection.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;

    public string ConnectionString => Started.ConnectionString;

    private Azurite Started => _azurite ?? throw new InvalidOperationException("Azurite has not started");

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

/// <summary>Test classes in this collection share one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
