using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Supply.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableGrainStorageRegistrationTests(AzuriteFixture azurite)
{
    private readonly string _tableName = "reg" + Guid.NewGuid().ToString("N");

    private static ServiceCollection BaseServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o => o.ServiceId = "registration-tests");
        services.AddSingleton(TestSerializers.Binary);
        return services;
    }

    private static void Validate(IServiceProvider provider)
    {
        foreach (var validator in provider.GetServices<IConfigurationValidator>())
            validator.ValidateConfiguration();
    }

    [Fact]
    public async Task As_default_registers_a_keyed_provider_using_the_DI_serializer()
    {
        var services = BaseServices();
        services.AddAzureTableGrainStorageAsDefault(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.TableName = _tableName;
        });
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var azure = Assert.IsType<AzureTableGrainStorage>(storage);
        Assert.Equal(_tableName, azure.TableName);
        Assert.Equal(AzureTableGrainStorageOptions.DefaultBlobContainerName, azure.BlobContainerName);

        var options = provider.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        Assert.Same(TestSerializers.Binary, options.GrainStorageSerializer);
        Assert.False(options.DeleteStateOnClear);
        Assert.True(options.StoreLargeStatesInBlobs);
        Assert.Equal(ServiceLifecycleStage.ApplicationServices, options.InitStage);
        Assert.Equal("SupplyGrainState", new AzureTableGrainStorageOptions().TableName);

        Validate(provider);

        // Used on its own (no silo lifecycle), the provider creates its table on first use.
        var state = new GrainState<TestState>(TestState.Create("via-di", 1));
        await storage.WriteStateAsync("state", GrainId.Create("reg", "1"), state);
        Assert.True(state.RecordExists);
        await new Azure.Data.Tables.TableClient(azurite.ConnectionString, _tableName).DeleteAsync();
    }

    [Fact]
    public async Task Named_providers_are_separate_and_an_explicit_serializer_wins()
    {
        var services = BaseServices();
        var explicitSerializer = new OrleansGrainStorageSerializer(
            new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());
        services.AddAzureTableGrainStorage("a", o => o.ConnectionString = azurite.ConnectionString);
        services.AddAzureTableGrainStorage("b", o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.TableName = "OtherStates";
            o.GrainStorageSerializer = explicitSerializer;
        });
        await using var provider = services.BuildServiceProvider();

        var a = Assert.IsType<AzureTableGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("a"));
        var b = Assert.IsType<AzureTableGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("b"));
        Assert.NotSame(a, b);
        Assert.Equal("SupplyGrainState", a.TableName);
        Assert.Equal("OtherStates", b.TableName);
        var monitor = provider.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>();
        Assert.Same(TestSerializers.Binary, monitor.Get("a").GrainStorageSerializer);
        Assert.Same(explicitSerializer, monitor.Get("b").GrainStorageSerializer);
    }

    [Theory]
    [InlineData("nothing", "no storage account configured")]
    [InlineData("both", "not both")]
    [InlineData("uri-without-credential", "Credential")]
    [InlineData("relative-uri", "absolute")]
    [InlineData("underivable-blob-endpoint", "BlobServiceUri")]
    [InlineData("bad-table-name", "TableName 'supply-grains'")]
    [InlineData("reserved-table-name", "TableName 'Tables'")]
    [InlineData("bad-container-name", "BlobContainerName 'Grain_State'")]
    public async Task Invalid_options_fail_validation_naming_the_provider_and_the_setting(string problem, string expected)
    {
        var services = BaseServices();
        services.AddAzureTableGrainStorage("broken", o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            switch (problem)
            {
                case "nothing":
                    o.ConnectionString = null;
                    break;
                case "both":
                    o.ServiceUri = new Uri("https://acct.table.core.windows.net/");
                    o.Credential = new FakeCredential();
                    break;
                case "uri-without-credential":
                    o.ConnectionString = null;
                    o.ServiceUri = new Uri("https://acct.table.core.windows.net/");
                    break;
                case "relative-uri":
                    o.ConnectionString = null;
                    o.ServiceUri = new Uri("acct/table", UriKind.Relative);
                    o.Credential = new FakeCredential();
                    break;
                case "underivable-blob-endpoint":
                    o.ConnectionString = null;
                    o.ServiceUri = new Uri("https://tables.example.test/acct");
                    o.Credential = new FakeCredential();
                    break;
                case "bad-table-name":
                    o.TableName = "supply-grains";
                    break;
                case "reserved-table-name":
                    o.TableName = "Tables";
                    break;
                case "bad-container-name":
                    o.BlobContainerName = "Grain_State";
                    break;
            }
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OrleansConfigurationException>(() => Validate(provider));
        Assert.Contains("'broken'", ex.Message);
        Assert.Contains(expected, ex.Message);

        // Constructing the provider directly fails the same way.
        var direct = Assert.Throws<ArgumentException>(() => provider.GetRequiredKeyedService<IGrainStorage>("broken"));
        Assert.Contains(expected, direct.Message);
    }

    [Fact]
    public async Task A_service_uri_with_a_credential_is_accepted_and_the_blob_endpoint_derived()
    {
        var services = BaseServices();
        services.AddAzureTableGrainStorage("uri", o =>
        {
            o.ServiceUri = new Uri("https://acct.table.core.windows.net/");
            o.Credential = new FakeCredential();
        });
        services.AddAzureTableGrainStorage("uri-no-blobs", o =>
        {
            o.ServiceUri = new Uri("https://tables.example.test/acct");
            o.Credential = new FakeCredential();
            o.StoreLargeStatesInBlobs = false;
        });
        await using var provider = services.BuildServiceProvider();

        Validate(provider);
        var storage = Assert.IsType<AzureTableGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("uri"));
        Assert.Equal(AzureTableGrainStorageOptions.DefaultBlobContainerName, storage.BlobContainerName);
        var noBlobs = Assert.IsType<AzureTableGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("uri-no-blobs"));
        Assert.Null(noBlobs.BlobContainerName);
    }

    [Fact]
    public void The_connection_string_is_marked_for_redaction_in_the_options_log()
    {
        // Orleans logs every option at silo start through its formatter, which honours this attribute
        // (AzureTableGrainStorageClusterTests checks the formatted lines of a real silo).
        var property = typeof(AzureTableGrainStorageOptions).GetProperty(nameof(AzureTableGrainStorageOptions.ConnectionString))!;
        var redact = Assert.Single(property.GetCustomAttributes(typeof(RedactAttribute), inherit: true).Cast<RedactAttribute>());
        var shown = redact.Redact(azurite.ConnectionString);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, shown);
    }

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("not-a-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
