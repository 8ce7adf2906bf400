using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Supply.Server.Security;

namespace Supply.Server.Hosting;

/// <summary>
/// Where the REST/JSON API, its OpenAPI document and (in Development) the API page listen (docs/rest.md,
/// docs/endpoints.md): an endpoint of their own, HTTP/1.1 and HTTP/2, because the gRPC endpoint is HTTP/2 only (h2c
/// on plaintext), which curl without flags, browsers and most HTTP client libraries cannot use. Set up in code from
/// <c>Supply:Http:Address</c>/<c>Port</c> (defaults 127.0.0.1:5082; 0 = free port, also the default when
/// Supply:Listen:Port is 0), TLS with <c>Supply:Listen:Certificate</c> (and client certificates, as on gRPC). Every
/// route that is not the dashboard's answers on it, so minimal APIs mapped anywhere in the host appear here with no
/// extra work. Like the dashboard's endpoint it combines with Supply:Listen and Kestrel:Endpoints, and is off with
/// <c>--urls</c> / <c>*_PORTS</c> (Kestrel binds those only without endpoints set up in code).
/// </summary>
public sealed class HttpApiEndpoint
{
    public const string Section = $"{SupplyOptions.Section}:Http";
    public const string AddressKey = $"{Section}:Address";
    public const string PortKey = $"{Section}:Port";
    public const string EnabledKey = $"{Section}:Enabled";
    public const int DefaultPort = 5082;

    private ListenOptions? _bound;

    private HttpApiEndpoint(string? offReason, IPAddress address, int port, bool tls)
    {
        OffReason = offReason;
        Address = address;
        Port = port;
        Tls = tls;
    }

    /// <summary>Null when the endpoint is served; otherwise why not (logged at start).</summary>
    public string? OffReason { get; }
    public bool IsOn => OffReason is null;
    public IPAddress Address { get; }
    public int Port { get; }
    public bool Tls { get; }

    /// <summary>The base URL for REST clients, with the real port once Kestrel has bound it.</summary>
    public string Url
    {
        get
        {
            var port = _bound?.IPEndPoint?.Port ?? Port;
            var host = Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : Address.ToString();
            if (Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && host.Contains(':')) host = $"[{host}]";
            return $"{(Tls ? "https" : "http")}://{host}:{port}";
        }
    }

    public static HttpApiEndpoint From(IConfiguration configuration, SupplyOptions options, ListenEndpoints endpoints, DashboardEndpoint? dashboard,
        bool development)
    {
        static HttpApiEndpoint Off(string reason) => new(reason, IPAddress.Loopback, 0, false);
        if (!configuration.GetValue(EnabledKey, true)) return Off($"{EnabledKey} is false");
        var given = new[] { AddressKey, PortKey }.Where(k => configuration[k] is not null).ToList();
        if (endpoints.UsesUrls)
        {
            if (given.Count > 0)
                throw new InvalidOperationException($"{string.Join(" and ", given)} cannot be combined with {string.Join(" and ", endpoints.AspNetSettings)}: " +
                    "Kestrel binds those only without endpoints set up in code, and the REST/JSON API's is one. Give the gRPC endpoint in " +
                    $"Kestrel:Endpoints or Supply:Listen instead (docs/endpoints.md), or set {EnabledKey}=false.");
            return Off($"the gRPC endpoint comes from {string.Join(" and ", endpoints.AspNetSettings)}; give it in Kestrel:Endpoints or " +
                "Supply:Listen to serve the REST/JSON API too (docs/endpoints.md)");
        }
        var addressText = configuration[AddressKey] ?? "127.0.0.1";
        if (!IPAddress.TryParse(addressText, out var address))
            throw new InvalidOperationException($"{AddressKey} '{addressText}' is not an IP address.");
        if (!int.TryParse(configuration[PortKey] ?? DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture), out var configured))
            throw new InvalidOperationException($"{PortKey} must be a TCP port (1-65535), or 0 for a free one; it is '{configuration[PortKey]}'.");
        // Tests and tools that ask for a free gRPC port (Supply:Listen:Port=0) get a free REST port too, unless they name one.
        var port = configuration[PortKey] is null && !endpoints.IsExplicit && options.Listen.Port == 0 ? 0 : configured;
        if (port is < 0 or > 65535) throw new InvalidOperationException($"{PortKey} must be a TCP port (1-65535), or 0 for a free one; it is {port}.");
        if (port != 0 && !endpoints.IsExplicit && port == options.Listen.Port)
            throw new InvalidOperationException($"{PortKey} ({port}) must differ from Supply:Listen:Port: gRPC is HTTP/2 only, the REST/JSON API HTTP/1.1 and HTTP/2.");
        if (port != 0 && dashboard is { IsOn: true } && port == dashboard.Port)
            throw new InvalidOperationException($"{PortKey} ({port}) must differ from {DashboardEndpoint.PortKey}: the dashboard has its own endpoint.");
        var tls = options.Listen.Certificate is { Path.Length: > 0 };
        if (!development && !tls && !options.Listen.AllowPlaintext)
            throw new InvalidOperationException("Refusing a plaintext REST/JSON API outside Development (bearer tokens would travel in clear): set " +
                $"Supply:Listen:Certificate, or Supply:Listen:AllowPlaintext=true where TLS is terminated in front of the server, or {EnabledKey}=false.");
        return new HttpApiEndpoint(null, address, port, tls);
    }

    /// <summary>Adds the listener to Kestrel, with the same TLS settings (server and client certificates) as the gRPC endpoint.</summary>
    public void Apply(KestrelServerOptions kestrel, SupplyOptions options)
    {
        if (!IsOn) return;
        kestrel.Listen(Address, Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            if (Tls) listen.UseHttps(https => ServerTls.Configure(https, options));
            _bound = listen;
        });
    }
}
