using System.Net;
using Orleans.Configuration;
using Orleans.Storage;
using Supply.Domain.Audit;
using Supply.Grains;
using Supply.Storage;
using Supply.Storage.Audit;

namespace Supply.Server.Extensions;

public static class SiloExtensions
{
    /// <summary>
    /// Co-hosts the Orleans silo. Single mode (the default): localhost clustering and durable SQLite
    /// grain storage, zero set-up. Cluster mode: membership, grain state and the audit log in one Azure
    /// Storage account (Orleans' own providers), the only state every node can reach; a node-local file is refused there.
    /// </summary>
    public static IHostApplicationBuilder AddSupplySilo(this IHostApplicationBuilder builder)
    {
        var options = builder.GetSupplyOptions(); // ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID applied there
        var locationIdle = LocationIdleTime(options.Silo.LocationIdleMinutes);

        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ServiceId = options.Silo.ServiceId;
                o.ClusterId = options.Silo.ClusterId;
            });
            // Failure detection can be tuned (tests shorten it): Supply:Cluster:Membership maps onto ClusterMembershipOptions.
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{SupplyOptions.Section}:Cluster:Membership"));
            silo.Configure<SiloMessagingOptions>(builder.Configuration.GetSection($"{SupplyOptions.Section}:Cluster:Messaging"));
            if (options.Cluster.Mode == SupplyOptions.ClusterMode.Cluster) Cluster(builder, silo, options);
            else SingleNode(silo, options);

            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.ClassSpecificCollectionAge[typeof(Supply.Grains.Stock.StockLocationGrain).FullName!] = locationIdle;
                if (o.CollectionQuantum > locationIdle / 2) o.CollectionQuantum = locationIdle / 2;
            });
            silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
            silo.AddActivityPropagation();
        });
        builder.Services.AddHostedService<Hosting.IdleMemoryTrim>();
        return builder;
    }

    /// <summary>
    /// An idle location is deactivated after this long (Orleans' default is 15 minutes for every grain): a 2,000-item
    /// ledger is about 1 MB in memory and reloads in milliseconds, while the aggregates hold what national reads need.
    /// The collector looks every quantum, at most half the idle time.
    /// </summary>
    private static TimeSpan LocationIdleTime(double minutes) =>
        minutes > 0 && minutes <= 7 * 24 * 60
            ? TimeSpan.FromMinutes(minutes)
            : throw new InvalidOperationException($"Supply:Silo:LocationIdleMinutes must be more than 0 and at most a week (10080); it is {minutes}.");

    /// <summary>
    /// Orleans' default storage serializer is Newtonsoft JSON, several times slower than its own binary one; state is
    /// on the hot path of every report (<see cref="BinaryGrainStorageSerializer"/> says more).
    /// </summary>
    private static void UseBinaryStateSerializer<TOptions>(ISiloBuilder silo, string name) where TOptions : class, IStorageProviderSerializerOptions =>
        silo.Services.AddOptions<TOptions>(name)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));

    private static void SingleNode(ISiloBuilder silo, SupplyOptions options)
    {
        var path = Path.GetFullPath(options.Storage.SqlitePath); // relative to the working directory
        silo.UseLocalhostClustering(options.Silo.SiloPort, options.Silo.GatewayPort, serviceId: options.Silo.ServiceId,
            clusterId: options.Silo.ClusterId);
        silo.AddSqliteGrainStorage(StorageNames.Default, o =>
        {
            o.DataSource = path;
            o.DurableCommits = options.Storage.DurableCommits;
            o.WriteWaitTimeout = TimeSpan.FromSeconds(options.Storage.WriteWaitSeconds);
        });
        UseBinaryStateSerializer<SqliteGrainStorageOptions>(silo, StorageNames.Default);
        // Its own file beside the grain state: two writers on one SQLite file would queue on its single write lock.
        var auditPath = Path.GetFullPath(options.Storage.AuditSqlitePath ?? Path.Combine(Path.GetDirectoryName(path)!, "audit.db"));
        silo.Services.AddSingleton(sp => new SqliteAuditLog(auditPath, options.Storage.DurableCommits, sp.GetRequiredService<ILogger<SqliteAuditLog>>()));
        silo.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        silo.Services.AddHostedService(sp => sp.GetRequiredService<SqliteAuditLog>());
    }

    private static void Cluster(IHostApplicationBuilder builder, ISiloBuilder silo, SupplyOptions options)
    {
        var azure = options.Storage.Azure;
        var account = AzureStorageAccount.From(azure);
        if (!IPAddress.TryParse(options.Silo.AdvertisedAddress, out var advertised))
            throw new InvalidOperationException($"Supply:Silo:AdvertisedAddress '{options.Silo.AdvertisedAddress}' is not an IP address.");

        silo.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = account.Tables;
            o.TableName = azure.ClusterTableName;
        });
        silo.ConfigureEndpoints(advertised, options.Silo.SiloPort, options.Silo.GatewayPort, listenOnAnyHostAddress: true);
        // Blobs for every grain state, by measured size (docs/cluster.md): a table entity holds 1 MB, and a location's
        // ledger, the aggregates and the catalog pass that at the sizes the service is built for; the shortage notices
        // grow without bound. Blob storage has no such limit and the same ETag concurrency.
        silo.AddAzureBlobGrainStorage(StorageNames.Default, o =>
        {
            o.BlobServiceClient = account.Blobs;
            o.ContainerName = azure.ContainerName;
        });
        UseBinaryStateSerializer<AzureBlobStorageOptions>(silo, StorageNames.Default);
        silo.Services.AddSingleton(sp => new AzureTableAuditLog(account.Tables, azure.AuditTableName, sp.GetRequiredService<ILogger<AzureTableAuditLog>>()));
        silo.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AzureTableAuditLog>());
        silo.Services.AddHostedService(sp => sp.GetRequiredService<AzureTableAuditLog>());
        // In a pod, Orleans' Kubernetes hosting takes the pod's identity and removes pods of dead silos.
        if (builder.Configuration["KUBERNETES_SERVICE_HOST"] is not null)
            silo.UseKubernetesHosting(k => k.Configure(o => o.DeleteDefunctSiloPods = true));
    }
}
