using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Supply.Storage.Tests;

public sealed class SqliteGrainStorageRegistrationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ServiceCollection BaseServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o => o.ServiceId = "registration-tests");
        services.AddSingleton(TestSerializers.Binary);
        return services;
    }

    [Fact]
    public async Task As_default_registers_a_keyed_provider_using_the_DI_serializer()
    {
        var services = BaseServices();
        var path = _temp.File("default.db");
        services.AddSqliteGrainStorageAsDefault(o => o.DataSource = path);
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var sqlite = Assert.IsType<SqliteGrainStorage>(storage);
        Assert.Equal(path, sqlite.DatabasePath);

        var options = provider.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        Assert.Same(TestSerializers.Binary, options.GrainStorageSerializer);
        Assert.True(options.DurableCommits);
        Assert.False(options.DeleteStateOnClear);
        Assert.Equal(256, options.MaxBatchSize);

        foreach (var validator in provider.GetServices<IConfigurationValidator>())
            validator.ValidateConfiguration();

        var state = new GrainState<TestState>(TestState.Create("via-di", 1));
        await storage.WriteStateAsync("state", GrainId.Create("reg", "1"), state);
        Assert.True(state.RecordExists);
    }

    [Fact]
    public async Task Named_providers_are_separate_and_an_explicit_serializer_wins()
    {
        var services = BaseServices();
        var explicitSerializer = new OrleansGrainStorageSerializer(
            new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());
        services.AddSqliteGrainStorage("a", o => o.DataSource = _temp.File("a.db"));
        services.AddSqliteGrainStorage("b", o =>
        {
            o.DataSource = _temp.File("b.db");
            o.GrainStorageSerializer = explicitSerializer;
        });
        await using var provider = services.BuildServiceProvider();

        Assert.NotSame(provider.GetRequiredKeyedService<IGrainStorage>("a"), provider.GetRequiredKeyedService<IGrainStorage>("b"));
        var monitor = provider.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>();
        Assert.Same(TestSerializers.Binary, monitor.Get("a").GrainStorageSerializer);
        Assert.Same(explicitSerializer, monitor.Get("b").GrainStorageSerializer);
    }

    [Fact]
    public async Task Missing_data_source_fails_validation_naming_the_provider()
    {
        var services = BaseServices();
        services.AddSqliteGrainStorage("no-file", _ => { });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OrleansConfigurationException>(() =>
        {
            foreach (var validator in provider.GetServices<IConfigurationValidator>())
                validator.ValidateConfiguration();
        });
        Assert.Contains("no-file", ex.Message);
        Assert.Contains(nameof(SqliteGrainStorageOptions.DataSource), ex.Message);
    }
}
