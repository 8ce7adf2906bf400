namespace Supply.Dashboard;

/// <summary>The "Supply:Dashboard" section (docs/dashboard.md, docs/endpoints.md).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Supply:Dashboard";

    /// <summary>Serve the dashboard. Off also when the gRPC endpoint comes from --urls (docs/endpoints.md).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Loopback by default, like the gRPC endpoint.</summary>
    public string Address { get; set; } = "127.0.0.1";
    /// <summary>HTTP/1.1 + HTTP/2 port for browsers; 0 picks a free port (also the default when Supply:Listen:Port is 0).</summary>
    public int Port { get; set; } = DefaultPort;
    /// <summary>Days of supply under which the alert feed and the header count report a row.</summary>
    public double AlertThresholdDays { get; set; } = 7;
    /// <summary>How often open pages look for new figures (a version check while nothing changed).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Life-saving groups the overview's matrix shows before "show all" (the fewest days first); more would make every page load heavy at national scale.</summary>
    public int MatrixGroups { get; set; } = 40;
    public OidcOptions Oidc { get; set; } = new();

    public const int DefaultPort = 5081;

    /// <summary>OpenID Connect sign-in (production). Roles, regions and suppliers come from the token's claims "role", "region", "supplier".</summary>
    public sealed class OidcOptions
    {
        public string? Authority { get; set; }
        public string? ClientId { get; set; }
        /// <summary>A secret: give it by environment (Supply__Dashboard__Oidc__ClientSecret) or a secret store; never logged.</summary>
        public string? ClientSecret { get; set; }
        /// <summary>Plain-http authority, for a provider on loopback in tests only.</summary>
        public bool RequireHttpsMetadata { get; set; } = true;
        public List<string> Scopes { get; set; } = ["openid", "profile", "roles"];
    }
}
