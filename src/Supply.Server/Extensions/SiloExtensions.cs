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
    /// grain storage, zero set-up. Cluster mode: Redis membership and Azure Table grain storage, the
    /// only kind of state every node can reach; a node-local file is refused there.
    /// </summary>
    public static IHostApplicationBuilder AddSupplySilo(this IHostApplicationBuilder builder)
    {
        var options = builder.GetSupplyOptions(); // ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID applied there

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

            UseBinaryStateSerializer<SqliteGrainStorageOptions>(silo);
            silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
            silo.AddActivityPropagation();
        });
        return builder;
    }

    /// <summary>
    /// Orleans' default storage serializer is Newtonsoft JSON, several times slower than its own binary one; state is
    /// on the hot path of every report (<see cref="BinaryGrainStorageSerializer"/> says more).
    /// </summary>
    private static void UseBinaryStateSerializer<TOptions>(ISiloBuilder silo) where TOptions : class, IStorageProviderSerializerOptions =>
        silo.Services.AddOptions<TOptions>(StorageNames.Default)
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
        });
        // Its own file beside the grain state: two writers on one SQLite file would queue on its single write lock.
        var auditPath = Path.GetFullPath(options.Storage.AuditSqlitePath ?? Path.Combine(Path.GetDirectoryName(path)!, "audit.db"));
        silo.Services.AddSingleton(sp => new SqliteAuditLog(auditPath, options.Storage.DurableCommits, sp.GetRequiredService<ILogger<SqliteAuditLog>>()));
        silo.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        silo.Services.AddHostedService(sp => sp.GetRequiredService<SqliteAuditLog>());
    }

    private static void Cluster(IHostApplicationBuilder builder, ISiloBuilder silo, SupplyOptions options)
    {
        var redis = options.Cluster.RedisConnectionString;
        var azure = options.Storage.AzureTable.ConnectionString;
        if (string.IsNullOrWhiteSpace(redis))
            throw new InvalidOperationException("Supply:Cluster:Mode=Cluster needs Supply:Cluster:RedisConnectionString for membership.");
        if (string.IsNullOrWhiteSpace(azure))
            throw new InvalidOperationException(
                "Supply:Cluster:Mode=Cluster needs shared grain storage: set Supply:Storage:AzureTable:ConnectionString. " +
                "A node-local SQLite file (Supply:Storage:SqlitePath) cannot be cluster storage: each node would hold a different truth.");
        if (!IPAddress.TryParse(options.Silo.AdvertisedAddress, out var advertised))
            throw new InvalidOperationException($"Supply:Silo:AdvertisedAddress '{options.Silo.AdvertisedAddress}' is not an IP address.");

        silo.UseRedisClustering(redis);
        silo.ConfigureEndpoints(advertised, options.Silo.SiloPort, options.Silo.GatewayPort, listenOnAnyHostAddress: true);
        silo.AddAzureTableGrainStorage(StorageNames.Default, o =>
        {
            o.ConnectionString = azure;
            o.TableName = options.Storage.AzureTable.TableName;
        });
        UseBinaryStateSerializer<AzureTableGrainStorageOptions>(silo);
        silo.Services.AddSingleton(sp => new AzureTableAuditLog(azure, options.Storage.AzureTable.AuditTableName, sp.GetRequiredService<ILogger<AzureTableAuditLog>>()));
        silo.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AzureTableAuditLog>());
        silo.Services.AddHostedService(sp => sp.GetRequiredService<AzureTableAuditLog>());
        // In a pod, Orleans' Kubernetes hosting takes the pod's identity and removes pods of dead silos.
        if (builder.Configuration["KUBERNETES_SERVICE_HOST"] is not null)
            silo.UseKubernetesHosting(k => k.Configure(o => o.DeleteDefunctSiloPods = true));
    }
}
