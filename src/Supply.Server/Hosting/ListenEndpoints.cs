using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Supply.Server.Security;

namespace Supply.Server.Hosting;

/// <summary>
/// Where the gRPC endpoint listens (docs/endpoints.md). An explicit ASP.NET Core endpoint setting (<c>--urls</c> /
/// <c>ASPNETCORE_URLS</c>, <c>http_ports</c> / <c>https_ports</c>, <c>Kestrel:Endpoints</c>) wins and Kestrel binds
/// it, HTTP/2 by default; without one the server binds <c>Supply:Listen:Address</c>/<c>Port</c> (defaults
/// 127.0.0.1:5080). Both given is refused at start: Kestrel would otherwise drop one of them with only a log line.
/// </summary>
public sealed class ListenEndpoints
{
    public const string AddressKey = $"{SupplyOptions.Section}:Listen:Address";
    public const string PortKey = $"{SupplyOptions.Section}:Listen:Port";

    private ListenEndpoints(IReadOnlyList<string> aspNetSettings, IReadOnlyList<string> urls, bool usesUrls)
    {
        AspNetSettings = aspNetSettings;
        Urls = urls;
        UsesUrls = usesUrls;
    }

    /// <summary>The ASP.NET Core settings that name endpoints ("--urls", "Kestrel:Endpoints"); empty: Supply:Listen applies.</summary>
    public IReadOnlyList<string> AspNetSettings { get; }

    /// <summary>The explicit URLs (from urls, http_ports, https_ports and Kestrel:Endpoints:*:Url).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>True when the endpoints come from ASP.NET Core's settings rather than Supply:Listen.</summary>
    public bool IsExplicit => AspNetSettings.Count > 0;

    /// <summary>URLs given through urls / http_ports / https_ports (Kestrel binds them only when no endpoint is set up in code).</summary>
    public bool UsesUrls { get; }

    /// <summary>The first endpoint without TLS, or null when every endpoint is https.</summary>
    public string? PlaintextEndpoint(SupplyOptions options) => IsExplicit
        ? Urls.FirstOrDefault(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        : options.Listen.Certificate is { Path.Length: > 0 } ? null : $"http://{options.Listen.Address}:{options.Listen.Port}";

    /// <summary>Reads the endpoint settings; refuses contradictory ones with a message that says which setting to use.</summary>
    public static ListenEndpoints From(IConfiguration configuration, SupplyOptions options)
    {
        var settings = new List<string>();
        var urls = new List<string>();
        if (Split(configuration["urls"]) is { Count: > 0 } given)
        {
            settings.Add("--urls / ASPNETCORE_URLS");
            urls.AddRange(given);
        }
        else
        {
            // ASP.NET Core reads the ports only without urls.
            if (Split(configuration["http_ports"]) is { Count: > 0 } http)
            {
                settings.Add("ASPNETCORE_HTTP_PORTS / --http_ports");
                urls.AddRange(http.Select(p => $"http://*:{p}"));
            }
            if (Split(configuration["https_ports"]) is { Count: > 0 } https)
            {
                settings.Add("ASPNETCORE_HTTPS_PORTS / --https_ports");
                urls.AddRange(https.Select(p => $"https://*:{p}"));
            }
        }
        var usesUrls = urls.Count > 0;
        var kestrel = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        if (kestrel.Count > 0)
        {
            settings.Add("Kestrel:Endpoints");
            urls.AddRange(kestrel.Select(e => e["Url"] ?? ""));
        }
        var endpoints = new ListenEndpoints(settings, urls, usesUrls);
        endpoints.Check(configuration, options);
        return endpoints;
    }

    private void Check(IConfiguration configuration, SupplyOptions options)
    {
        if (!IsExplicit)
        {
            if (!IPAddress.TryParse(options.Listen.Address, out _))
                throw new InvalidOperationException($"{AddressKey} '{options.Listen.Address}' is not an IP address.");
            return;
        }
        var supplyListen = new[] { AddressKey, PortKey }.Where(k => configuration[k] is not null).ToList();
        if (supplyListen.Count > 0)
            throw new InvalidOperationException(
                $"Both {string.Join(" and ", AspNetSettings)} and {string.Join(" and ", supplyListen)} say where to listen. " +
                $"Use one: the ASP.NET Core setting ({string.Join(", ", Urls)}), or remove it and keep {string.Join(" and ", supplyListen)}.");
        if (options.Listen.Certificate is { Path.Length: > 0 } && !Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException(
                $"Supply:Listen:Certificate is set but {string.Join(" and ", AspNetSettings)} give(s) no https:// endpoint ({string.Join(", ", Urls)}): " +
                "use an https:// URL for the certificate to apply, or remove Supply:Listen:Certificate.");
    }

    /// <summary>Sets Kestrel up: the Supply:Listen endpoint, or defaults for the ASP.NET Core endpoints Kestrel binds itself.</summary>
    public void Apply(KestrelServerOptions kestrel, IConfiguration configuration, SupplyOptions options)
    {
        if (!IsExplicit)
        {
            kestrel.Listen(IPAddress.Parse(options.Listen.Address), options.Listen.Port, l =>
            {
                // HTTP/2 only: plaintext gRPC has no TLS to negotiate the protocol; with TLS, ALPN picks h2.
                l.Protocols = HttpProtocols.Http2;
                if (options.Listen.Certificate is { Path.Length: > 0 }) l.UseHttps(https => ServerTls.Configure(https, options));
            });
            return;
        }
        // The same as defaults, so that an endpoint's own Protocols or Certificate (Kestrel:Endpoints:NAME:...) still wins.
        if (configuration["Kestrel:EndpointDefaults:Protocols"] is null)
            kestrel.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2);
        kestrel.ConfigureHttpsDefaults(https => ServerTls.Configure(https, options));
    }

    private static List<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
