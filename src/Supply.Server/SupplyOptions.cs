namespace Supply.Server;

/// <summary>The "Supply" configuration section (appsettings.json, or environment as Supply__Listen__Port=5080).</summary>
public sealed class SupplyOptions
{
    public const string Section = "Supply";

    public ListenOptions Listen { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public SiloOptions Silo { get; set; } = new();
    public ClusterOptions Cluster { get; set; } = new();
    public TelemetryOptions Telemetry { get; set; } = new();
    /// <summary>Load the demo data set (all 21 regions, ~50 items) at start; idempotent.</summary>
    public bool Demo { get; set; }

    public sealed class ListenOptions
    {
        /// <summary>Loopback by default: exposing the service is a deliberate act.</summary>
        public string Address { get; set; } = "127.0.0.1";
        /// <summary>gRPC port (plaintext HTTP/2); 0 picks a free port.</summary>
        public int Port { get; set; } = 5080;
    }

    public sealed class StorageOptions
    {
        /// <summary>SQLite file holding all grain state (created if missing).</summary>
        public string SqlitePath { get; set; } = "data/supply.db";
        /// <summary>fsync each commit (group-committed); turn off only for throwaway data.</summary>
        public bool DurableCommits { get; set; } = true;
        public AzureTableStorageOptions AzureTable { get; set; } = new();
    }

    public sealed class AzureTableStorageOptions
    {
        /// <summary>Azure Storage connection string (a Secret in Kubernetes). Required in cluster mode.</summary>
        public string? ConnectionString { get; set; }
        public string TableName { get; set; } = "SupplyGrainState";
        public string AuditTableName { get; set; } = "SupplyAudit";
    }

    public enum ClusterMode { Single, Cluster }

    public sealed class ClusterOptions
    {
        /// <summary>Single: localhost clustering + embedded SQLite. Cluster: Redis membership + Azure Table storage.</summary>
        public ClusterMode Mode { get; set; } = ClusterMode.Single;
        /// <summary>StackExchange.Redis configuration string for membership (cluster mode).</summary>
        public string? RedisConnectionString { get; set; }
    }

    public sealed class SiloOptions
    {
        public string ServiceId { get; set; } = "supply";
        public string ClusterId { get; set; } = "supply-local";
        public int SiloPort { get; set; } = 11111;
        public int GatewayPort { get; set; } = 30000;
        /// <summary>The address other silos reach this one at (the pod IP in Kubernetes). Cluster mode.</summary>
        public string AdvertisedAddress { get; set; } = "127.0.0.1";
    }

    public sealed class TelemetryOptions
    {
        /// <summary>Write traces and metrics to the console (noisy; for debugging).</summary>
        public bool Console { get; set; }
        /// <summary>Also honoured: the standard OTEL_EXPORTER_OTLP_ENDPOINT variable.</summary>
        public string? OtlpEndpoint { get; set; }
    }
}
