using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Supply.Server.Security;

/// <summary>The Supply TLS settings on an https endpoint: the server certificate and whether clients may present one.</summary>
public static class ServerTls
{
    /// <summary>Supply:Listen:Certificate as the server certificate (when set); client certificates when a client CA is set.</summary>
    public static void Configure(HttpsConnectionAdapterOptions https, SupplyOptions options)
    {
        if (options.Listen.Certificate is { Path.Length: > 0 } cert) https.ServerCertificate = Load(cert);
        if (options.Auth.ClientCertificates.TrustedCaPath is not { Length: > 0 }) return;
        // Allow, not require: callers with bearer tokens need no certificate. The certificate authentication handler
        // checks the chain against the trusted CA (SecurityExtensions), so the handshake accepts any certificate.
        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
        https.AllowAnyClientCertificate();
    }

    /// <summary>A server certificate: a .pfx/.p12 file (with its password) or a PEM certificate (with its key file).</summary>
    public static X509Certificate2 Load(SupplyOptions.CertificateOptions cert) =>
        Path.GetExtension(cert.Path) is ".pfx" or ".p12"
            ? X509CertificateLoader.LoadPkcs12FromFile(cert.Path, cert.Password)
            : X509Certificate2.CreateFromPemFile(cert.Path, cert.KeyPath);

    /// <summary>The CA certificate(s) of a PEM file.</summary>
    public static X509Certificate2Collection LoadCertificateAuthorities(string path)
    {
        var cas = new X509Certificate2Collection();
        cas.ImportFromPemFile(path);
        return cas;
    }
}
