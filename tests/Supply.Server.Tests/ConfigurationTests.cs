namespace Supply.Server.Tests;

/// <summary>Configuration mistakes stop the server at start with a message that says what to set.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void Cluster_mode_refuses_a_node_local_sqlite_file_as_grain_storage()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Cluster:RedisConnectionString=127.0.0.1:6379",
            "--Supply:Storage:SqlitePath=/tmp/node-local.db",
        ]));
        Assert.Contains("Supply:Storage:AzureTable:ConnectionString", e.Message);
        Assert.Contains("node-local", e.Message);
    }

    [Fact]
    public void Cluster_mode_needs_redis_for_membership()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(["--Supply:Cluster:Mode=Cluster"]));
        Assert.Contains("Supply:Cluster:RedisConnectionString", e.Message);
    }

    [Fact]
    public void A_bad_advertised_address_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Cluster:RedisConnectionString=127.0.0.1:6379",
            "--Supply:Storage:AzureTable:ConnectionString=UseDevelopmentStorage=true", "--Supply:Silo:AdvertisedAddress=not-an-ip",
        ]));
        Assert.Contains("Supply:Silo:AdvertisedAddress", e.Message);
    }
}
