using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Supply.Dashboard;
using Supply.Dashboard.Hosting;
using Supply.Server.Security;

namespace Supply.Server.Hosting;

/// <summary>
/// Where the web dashboard listens (docs/endpoints.md): its own endpoint, HTTP/1.1 and HTTP/2 (browsers cannot speak
/// gRPC's h2c), set up in code from <c>Supply:Dashboard:Address</c>/<c>Port</c> (defaults 127.0.0.1:5081; 0 = free
/// port, also the default when Supply:Listen:Port is 0) with TLS when <c>Supply:Dashboard:Certificate</c> or else
/// <c>Supply:Listen:Certificate</c> is set. It combines with Supply:Listen and with Kestrel:Endpoints. Kestrel binds
/// <c>--urls</c> / <c>*_PORTS</c> only without endpoints set up in code, so with those the dashboard is off (said at
/// start), or refused at start if its address or port is given too.
/// </summary>
public sealed class DashboardEndpoint
{
    public const string AddressKey = $"{DashboardOptions.Section}:Address";
    public const string PortKey = $"{DashboardOptions.Section}:Port";
    public const string CertificateKey = $"{DashboardOptions.Section}:Certificate";

    private ListenOptions? _bound;

    private DashboardEndpoint(string? offReason, IPAddress address, int port, SupplyOptions.CertificateOptions? certificate)
    {
        OffReason = offReason;
        Address = address;
        Port = port;
        Certificate = certificate;
    }

    /// <summary>Null when the dashboard is served; otherwise why not (logged at start).</summary>
    public string? OffReason { get; }
    public bool IsOn => OffReason is null;
    public IPAddress Address { get; }
    public int Port { get; }
    public SupplyOptions.CertificateOptions? Certificate { get; }

    /// <summary>The URL browsers open, with the real port once Kestrel has bound it.</summary>
    public string Url
    {
        get
        {
            var port = _bound?.IPEndPoint?.Port ?? Port;
            var host = Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : Address.ToString();
            return $"{(Certificate is null ? "http" : "https")}://{(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host)}:{port}";
        }
    }

    public static DashboardEndpoint From(IConfiguration configuration, SupplyOptions options, ListenEndpoints endpoints, DashboardOptions dashboard,
        bool development)
    {
        static DashboardEndpoint Off(string reason) => new(reason, IPAddress.Loopback, 0, null);
        if (!dashboard.Enabled) return Off($"{DashboardOptions.Section}:Enabled is false");
        var given = new[] { AddressKey, PortKey }.Where(k => configuration[k] is not null).ToList();
        if (endpoints.UsesUrls)
        {
            if (given.Count > 0)
                throw new InvalidOperationException($"{string.Join(" and ", given)} cannot be combined with {string.Join(" and ", endpoints.AspNetSettings)}: " +
                    "Kestrel binds those only without endpoints set up in code, and the dashboard's is one. Give the gRPC endpoint in " +
                    "Kestrel:Endpoints or Supply:Listen instead (docs/endpoints.md), or set Supply:Dashboard:Enabled=false.");
            return Off($"the gRPC endpoint comes from {string.Join(" and ", endpoints.AspNetSettings)}; give it in Kestrel:Endpoints or " +
                "Supply:Listen to serve the dashboard too (docs/endpoints.md)");
        }
        if (!development && dashboard.Oidc.Authority is not { Length: > 0 })
            return Off($"outside Development it signs in with OpenID Connect: set {DashboardOptions.Section}:Oidc:Authority, ClientId and ClientSecret");
        if (!IPAddress.TryParse(dashboard.Address, out var address))
            throw new InvalidOperationException($"{AddressKey} '{dashboard.Address}' is not an IP address.");
        // Tests and tools that ask for a free gRPC port (Supply:Listen:Port=0) get a free dashboard port too, unless they name one.
        var port = configuration[PortKey] is null && !endpoints.IsExplicit && options.Listen.Port == 0 ? 0 : dashboard.Port;
        if (port is < 0 or > 65535) throw new InvalidOperationException($"{PortKey} must be a TCP port (1-65535), or 0 for a free one; it is {port}.");
        if (port != 0 && !endpoints.IsExplicit && port == options.Listen.Port)
            throw new InvalidOperationException($"{PortKey} ({port}) must differ from Supply:Listen:Port: gRPC is HTTP/2 only, the dashboard HTTP/1.1 and HTTP/2.");
        var certificate = configuration.GetSection(CertificateKey).Get<SupplyOptions.CertificateOptions>() is { Path.Length: > 0 } own ? own
            : options.Listen.Certificate is { Path.Length: > 0 } shared ? shared : null;
        if (!development && certificate is null && !options.Listen.AllowPlaintext)
            throw new InvalidOperationException($"Refusing a plaintext dashboard outside Development (its session cookie would travel in clear): set {CertificateKey} " +
                "or Supply:Listen:Certificate, or Supply:Listen:AllowPlaintext=true where TLS is terminated in front of the server.");
        return new DashboardEndpoint(null, address, port, certificate);
    }

    /// <summary>Adds the dashboard's listener to Kestrel, marking its connections (<see cref="DashboardConnection"/>).</summary>
    public void Apply(KestrelServerOptions kestrel)
    {
        if (!IsOn) return;
        kestrel.Listen(Address, Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            if (Certificate is not null) listen.UseHttps(ServerTls.Load(Certificate));
            listen.Use(DashboardConnection.Mark);
            _bound = listen;
        });
    }
}
