namespace Supply.Server.Tests;

/// <summary>One real server shared by the tests of a class (each test uses its own locations).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public SupplyServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SupplyServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
