using Supply.Server.Extensions;
using Supply.Server.Hosting;

namespace Supply.Server.Telemetry;

/// <summary>Where the Prometheus scrape endpoint listens: Supply:Telemetry:PrometheusPort (0: off) and :PrometheusAddress.</summary>
internal sealed class ScrapeEndpoint(System.Net.IPAddress address, int port)
{
    public const string PortKey = $"{SupplyOptions.Section}:Telemetry:PrometheusPort";
    public const string AddressKey = $"{SupplyOptions.Section}:Telemetry:PrometheusAddress";

    public System.Net.IPAddress Address { get; } = address;
    public int Port { get; } = port;

    /// <summary>The endpoint when a port is configured; null when it is off. Refuses a bad address or port at start.</summary>
    public static ScrapeEndpoint? From(SupplyOptions options, ListenEndpoints endpoints)
    {
        var port = options.Telemetry.PrometheusPort;
        if (port == 0) return null;
        if (port is < 0 or > 65535)
            throw new InvalidOperationException($"{PortKey} must be a TCP port (1-65535), or 0 for no scrape endpoint; it is {port}.");
        var listen = options.Listen;
        if (!endpoints.IsExplicit && port == listen.Port)
            throw new InvalidOperationException($"{PortKey} ({port}) must differ from Supply:Listen:Port: gRPC is HTTP/2 only, the scrape endpoint HTTP/1.1.");
        // Kestrel binds --urls / ASPNETCORE_URLS (and the *_ports settings) only when no endpoint is set up in code,
        // and the scrape endpoint is one: it would silently drop them.
        if (endpoints.UsesUrls)
            throw new InvalidOperationException($"{PortKey} cannot be combined with {string.Join(" and ", endpoints.AspNetSettings)}: " +
                "give the gRPC endpoint in Kestrel:Endpoints instead (docs/endpoints.md), or in Supply:Listen:Address/Port.");
        // By default the scrape endpoint binds where gRPC does (loopback unless exposing the service was asked for).
        var text = options.Telemetry.PrometheusAddress is { Length: > 0 } configured ? configured : listen.Address;
        if (!System.Net.IPAddress.TryParse(text, out var address))
            throw new InvalidOperationException($"{AddressKey} '{text}' is not an IP address.");
        return new ScrapeEndpoint(address, port);
    }

    public bool IsOnPort(HttpContext http) => http.Connection.LocalPort == Port;

    public bool IsScrape(HttpContext http) => IsOnPort(http) && http.Request.Path.Equals(TelemetryExtensions.ScrapePath, StringComparison.Ordinal);
}
