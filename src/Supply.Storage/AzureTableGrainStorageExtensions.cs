using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>Registers <see cref="AzureTableGrainStorage"/> the way Orleans registers its own storage providers.</summary>
public static class AzureTableGrainStorageExtensions
{
    /// <summary>Adds an Azure Table grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableGrainStorageOptions> configureOptions)
    {
        builder.Services.AddAzureTableGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>Adds an Azure Table grain storage provider as the default one (used when a grain names no storage).</summary>
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureTableGrainStorageOptions> configureOptions) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds an Azure Table grain storage provider as the default one.</summary>
    public static IServiceCollection AddAzureTableGrainStorageAsDefault(this IServiceCollection services, Action<AzureTableGrainStorageOptions> configureOptions) =>
        services.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds an Azure Table grain storage provider named <paramref name="name"/>.</summary>
    public static IServiceCollection AddAzureTableGrainStorage(this IServiceCollection services, string name, Action<AzureTableGrainStorageOptions> configureOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);

        services.AddOptions<AzureTableGrainStorageOptions>(name).Configure(configureOptions);
        // Fills GrainStorageSerializer from DI when the host did not set one.
        services.TryAddEnumerable(ServiceDescriptor.Transient<
            IPostConfigureOptions<AzureTableGrainStorageOptions>,
            DefaultStorageProviderSerializerOptionsConfigurator<AzureTableGrainStorageOptions>>());
        // Bad options fail silo start-up, not the first write.
        services.AddTransient<IConfigurationValidator>(sp => new AzureTableGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<AzureTableGrainStorageOptions>(name);

        // Keyed IGrainStorage by name; AddGrainStorage also subscribes it to the silo lifecycle.
        return services.AddGrainStorage(name, static (sp, providerName) => ActivatorUtilities.CreateInstance<AzureTableGrainStorage>(
            sp, providerName, sp.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(providerName)));
    }
}

/// <summary>Validates <see cref="AzureTableGrainStorageOptions"/> at silo start.</summary>
public sealed class AzureTableGrainStorageOptionsValidator(AzureTableGrainStorageOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (options.FindProblem(name) is { } problem)
            throw new OrleansConfigurationException(problem);
    }
}
