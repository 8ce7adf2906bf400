using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Supply.Storage.Tests;

/// <summary>
/// Orleans' own Azure grain storage providers, built and started the way a silo does (constructor, then the silo
/// lifecycle's start stage, which creates the container or table), with the server's binary state serializer.
/// </summary>
internal static class OrleansAzureProviders
{
    public const string ServiceId = "supply-tests";

    private static readonly IActivatorProvider Activators =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<IActivatorProvider>();

    public static async Task<IGrainStorage> StartBlobAsync(Action<AzureBlobStorageOptions> configure)
    {
        // Through the provider's own registration: its container factory is internal.
        var services = new ServiceCollection().AddLogging().AddSerializer();
        services.AddSingleton(TestSerializers.Binary);
        services.AddAzureBlobGrainStorage("test", o =>
        {
            o.GrainStorageSerializer = TestSerializers.Binary;
            configure(o);
        });
        var storage = services.BuildServiceProvider().GetRequiredKeyedService<IGrainStorage>("test");
        await StartAsync((ILifecycleParticipant<ISiloLifecycle>)storage);
        return storage;
    }

    public static async Task<AzureTableGrainStorage> StartTableAsync(Action<AzureTableStorageOptions> configure)
    {
        var options = new AzureTableStorageOptions { GrainStorageSerializer = TestSerializers.Binary };
        configure(options);
        var storage = new AzureTableGrainStorage("test", options, Options.Create(new ClusterOptions { ServiceId = ServiceId, ClusterId = "c" }),
            NullLogger<AzureTableGrainStorage>.Instance, Activators);
        await StartAsync(storage);
        return storage;
    }

    private static async Task StartAsync(ILifecycleParticipant<ISiloLifecycle> storage)
    {
        var lifecycle = new SiloLifecycleSubject(NullLogger<SiloLifecycleSubject>.Instance);
        storage.Participate(lifecycle);
        await lifecycle.OnStart();
    }
}
