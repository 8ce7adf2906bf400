using Supply.Grains;
using Supply.Grains.Catalog;
using Orleans.Storage;
using Supply.Storage;

namespace Supply.Server.Extensions;

public static class SiloExtensions
{
    /// <summary>
    /// Co-hosts a single-node Orleans silo (localhost clustering) with durable SQLite grain storage,
    /// so the service runs with zero set-up and a restart loses nothing.
    /// </summary>
    public static IHostApplicationBuilder AddSupplySilo(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SupplyOptions.Section).Get<SupplyOptions>() ?? new SupplyOptions();
        builder.Services.Configure<SupplyOptions>(builder.Configuration.GetSection(SupplyOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogCache>();

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.Silo.SiloPort, options.Silo.GatewayPort, serviceId: options.Silo.ServiceId,
                clusterId: options.Silo.ClusterId);
            silo.AddSqliteGrainStorage(StorageNames.Default, o =>
            {
                o.DataSource = Path.GetFullPath(options.Storage.SqlitePath); // relative to the working directory
                o.DurableCommits = options.Storage.DurableCommits;
            });
            // Orleans' default storage serializer is Newtonsoft JSON, several times slower than its own
            // binary one; state is on the hot path of every report.
            silo.Services.AddOptions<SqliteGrainStorageOptions>(StorageNames.Default)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
            silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
            silo.AddActivityPropagation();
        });
        return builder;
    }
}
