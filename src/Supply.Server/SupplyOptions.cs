namespace Supply.Server;

/// <summary>The "Supply" configuration section (appsettings.json, or environment as Supply__Listen__Port=5080).</summary>
public sealed class SupplyOptions
{
    public const string Section = "Supply";

    public ListenOptions Listen { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public SiloOptions Silo { get; set; } = new();
    public ClusterOptions Cluster { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();
    public TelemetryOptions Telemetry { get; set; } = new();
    /// <summary>Load the demo data set (all 21 regions, ~50 items) at start; idempotent.</summary>
    public bool Demo { get; set; }

    public sealed class ListenOptions
    {
        /// <summary>Loopback by default: exposing the service is a deliberate act.</summary>
        public string Address { get; set; } = "127.0.0.1";
        /// <summary>gRPC port (plaintext HTTP/2, or HTTPS when a certificate is set); 0 picks a free port.</summary>
        public int Port { get; set; } = 5080;
        /// <summary>Server certificate: a .pfx/.p12 file (with Password) or a PEM certificate (with KeyPath). Enables HTTPS.</summary>
        public CertificateOptions? Certificate { get; set; }
        /// <summary>Serve plaintext h2c outside Development, for TLS terminated in front of the pod (a service mesh). Deliberate.</summary>
        public bool AllowPlaintext { get; set; }
        /// <summary>
        /// HTTP/2 connection-level receive window in bytes. Unset: every stream's window times the streams one connection
        /// may carry, so streams that stop reading (back-pressure) can never starve the others (docs/connections.md).
        /// </summary>
        public int? Http2ConnectionWindowBytes { get; set; }
        /// <summary>Seconds between HTTP/2 keep-alive pings on a connection with nothing to read; 0 turns them off.</summary>
        public int KeepAlivePingSeconds { get; set; } = 30;
    }

    public sealed class CertificateOptions
    {
        public string Path { get; set; } = "";
        public string? KeyPath { get; set; }
        public string? Password { get; set; }
    }

    public sealed class AuthOptions
    {
        public JwtOptions Jwt { get; set; } = new();
        public ClientCertificateOptions ClientCertificates { get; set; } = new();
        /// <summary>gRPC reflection without a token (tools such as grpcurl). Default: only in Development.</summary>
        public bool AnonymousReflection { get; set; }
    }

    public sealed class JwtOptions
    {
        /// <summary>An OIDC authority whose published keys sign the tokens (production).</summary>
        public string? Authority { get; set; }
        public string Issuer { get; set; } = "supply";
        public string Audience { get; set; } = "supply";
        /// <summary>Symmetric signing keys, base64 (at least 32 bytes); several allow rotation.</summary>
        public List<string> SigningKeys { get; set; } = [];
    }

    public sealed class ClientCertificateOptions
    {
        /// <summary>PEM file of the CA(s) that issue client certificates; setting it turns mutual TLS on.</summary>
        public string? TrustedCaPath { get; set; }
        /// <summary>Which certificate is which caller: matched by subject (e.g. "CN=region-12-logistics") or thumbprint.</summary>
        public List<CertificateIdentity> Identities { get; set; } = [];
    }

    public sealed class CertificateIdentity
    {
        public string? Subject { get; set; }
        public string? Thumbprint { get; set; }
        public string Name { get; set; } = "";
        public List<string> Roles { get; set; } = [];
        public List<string> Regions { get; set; } = [];
        public List<string> Suppliers { get; set; } = [];
    }

    public sealed class LimitOptions
    {
        /// <summary>Calls per second per caller (token bucket), answered RESOURCE_EXHAUSTED beyond it.</summary>
        public int CallsPerSecond { get; set; } = 200;
        public int Burst { get; set; } = 400;
        /// <summary>Reports in one StreamReports call; a longer stream is ended with RESOURCE_EXHAUSTED.</summary>
        public int MaxReportsPerStream { get; set; } = 1_000_000;
        /// <summary>
        /// Report lines the server processes at once, over all streams and callers; more wait (a stream stops reading,
        /// so HTTP/2 flow control holds the sender back). Bounds memory under overload (docs/faults.md).
        /// </summary>
        public int ReportLinesInFlight { get; set; } = 200_000;
        /// <summary>Largest gRPC message accepted (bytes).</summary>
        public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;
    }

    public sealed class StorageOptions
    {
        /// <summary>SQLite file holding all grain state (created if missing).</summary>
        public string SqlitePath { get; set; } = "data/supply.db";
        /// <summary>SQLite file of the audit log; default: audit.db beside SqlitePath.</summary>
        public string? AuditSqlitePath { get; set; }
        /// <summary>fsync each commit (group-committed); turn off only for throwaway data.</summary>
        public bool DurableCommits { get; set; } = true;
        /// <summary>
        /// Single node: seconds a write waits for the SQLite file's write lock before the report is answered UNAVAILABLE
        /// (nothing stored, nothing acknowledged; docs/faults.md). Below Orleans' 30 s grain call timeout.
        /// </summary>
        public double WriteWaitSeconds { get; set; } = 10;
        public AzureStorageOptions Azure { get; set; } = new();
    }

    /// <summary>
    /// The one Azure Storage account cluster mode needs (membership, grain state, audit log): a connection string,
    /// or the blob and table endpoints reached with Azure.Identity's DefaultAzureCredential (a managed identity).
    /// </summary>
    public sealed class AzureStorageOptions
    {
        /// <summary>Connection string with the account key or a SAS (a Secret in Kubernetes). Or set the two service URIs.</summary>
        public string? ConnectionString { get; set; }
        /// <summary>e.g. https://ACCOUNT.blob.core.windows.net, used with DefaultAzureCredential when there is no connection string.</summary>
        public Uri? BlobServiceUri { get; set; }
        /// <summary>e.g. https://ACCOUNT.table.core.windows.net, used with DefaultAzureCredential when there is no connection string.</summary>
        public Uri? TableServiceUri { get; set; }
        /// <summary>Blob container of the grain states (one blob per grain state).</summary>
        public string ContainerName { get; set; } = "supply-grain-state";
        public string AuditTableName { get; set; } = "SupplyAudit";
        /// <summary>Orleans' membership table (one per account is enough: rows are keyed by service and cluster id).</summary>
        public string ClusterTableName { get; set; } = "OrleansSiloInstances";
    }

    public enum ClusterMode { Single, Cluster }

    public sealed class ClusterOptions
    {
        /// <summary>Single: localhost clustering + embedded SQLite. Cluster: membership, grain state and audit in Azure Storage.</summary>
        public ClusterMode Mode { get; set; } = ClusterMode.Single;
    }

    public sealed class SiloOptions
    {
        public string ServiceId { get; set; } = "supply";
        public string ClusterId { get; set; } = "supply-local";
        public int SiloPort { get; set; } = 11111;
        public int GatewayPort { get; set; } = 30000;
        /// <summary>The address other silos reach this one at (the pod IP in Kubernetes). Cluster mode.</summary>
        public string AdvertisedAddress { get; set; } = "127.0.0.1";
        /// <summary>
        /// Minutes a stock location's grain stays in memory without calls before it is deactivated. Its state reloads in a
        /// few milliseconds on the next report or read, and the aggregates keep what national reads need, so idle locations
        /// cost no memory (docs/operating.md#memory).
        /// </summary>
        public double LocationIdleMinutes { get; set; } = 2;
    }

    public sealed class TelemetryOptions
    {
        /// <summary>Write traces and metrics to the console (noisy; for debugging).</summary>
        public bool Console { get; set; }
        /// <summary>Also honoured: the standard OTEL_EXPORTER_OTLP_ENDPOINT variable.</summary>
        public string? OtlpEndpoint { get; set; }
        /// <summary>Prometheus scrape endpoint (GET /metrics, plaintext HTTP/1.1) on this port; 0 = off.</summary>
        public int PrometheusPort { get; set; }
        /// <summary>Address of the scrape endpoint; default: Supply:Listen:Address.</summary>
        public string? PrometheusAddress { get; set; }
    }
}
