namespace Supply.Server.Tests;

/// <summary>Configuration mistakes stop the server at start with a message that says what to set.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void Cluster_mode_refuses_a_node_local_sqlite_file_as_grain_storage()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Storage:SqlitePath=/tmp/node-local.db",
        ]));
        Assert.Contains("Supply:Storage:Azure:ConnectionString", e.Message);
        Assert.Contains("node-local", e.Message);
    }

    [Fact]
    public void Cluster_mode_names_both_ways_to_reach_the_storage_account()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(["--Supply:Cluster:Mode=Cluster"]));
        Assert.Contains("Supply:Storage:Azure:ConnectionString", e.Message);
        Assert.Contains("Supply:Storage:Azure:BlobServiceUri", e.Message);
        Assert.Contains("Supply:Storage:Azure:TableServiceUri", e.Message);
    }

    [Fact]
    public void Service_uris_need_both_the_blob_and_the_table_endpoint()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Storage:Azure:BlobServiceUri=https://account.blob.core.windows.net",
        ]));
        Assert.Contains("Supply:Storage:Azure:TableServiceUri", e.Message);
    }

    [Fact]
    public void A_connection_string_and_service_uris_together_are_refused_as_ambiguous()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Storage:Azure:ConnectionString=UseDevelopmentStorage=true",
            "--Supply:Storage:Azure:BlobServiceUri=https://account.blob.core.windows.net",
            "--Supply:Storage:Azure:TableServiceUri=https://account.table.core.windows.net",
        ]));
        Assert.Contains("not both", e.Message);
    }

    [Fact]
    public void A_bad_advertised_address_is_named()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(
        [
            "--Supply:Cluster:Mode=Cluster", "--Supply:Storage:Azure:ConnectionString=UseDevelopmentStorage=true",
            "--Supply:Silo:AdvertisedAddress=not-an-ip",
        ]));
        Assert.Contains("Supply:Silo:AdvertisedAddress", e.Message);
    }
}
