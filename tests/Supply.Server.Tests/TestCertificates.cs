using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Supply.Server.Tests;

/// <summary>
/// A throwaway PKI made in the test with <see cref="CertificateRequest"/>: a CA, a server certificate for
/// 127.0.0.1 signed by it (as PEM certificate + key and as a password-protected .pfx), client
/// certificates signed by it, an expired one, and a self-signed client certificate the CA never saw.
/// The files live in a temporary directory removed on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string PfxPassword = "test-pfx-password";
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "supply-tests", "pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var now = DateTimeOffset.UtcNow;

        Ca = CreateCa("CN=Supply Test CA, O=Supply tests", now.AddDays(-30), now.AddDays(30));
        Server = Issue(Ca, "CN=127.0.0.1", ServerAuth, now.AddDays(-1), now.AddDays(7), san: true);
        Region12 = Issue(Ca, "CN=region-12-logistics", ClientAuth, now.AddDays(-1), now.AddDays(7));
        AcmeFeed = Issue(Ca, "CN=acme-medtech-feed", ClientAuth, now.AddDays(-1), now.AddDays(7));
        Unknown = Issue(Ca, "CN=unknown-system", ClientAuth, now.AddDays(-1), now.AddDays(7));
        Expired = Issue(Ca, "CN=region-12-logistics", ClientAuth, now.AddDays(-20), now.AddDays(-10));
        // Same subject as a mapped identity, but signed by nobody the server trusts.
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=region-12-logistics", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
            SelfSigned = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        }

        CaPemPath = Write("ca.pem", Ca.ExportCertificatePem());
        ServerPemPath = Write("server.pem", Server.ExportCertificatePem());
        ServerKeyPath = Write("server.key", Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        ServerPfxPath = Path.Combine(Directory, "server.pfx");
        File.WriteAllBytes(ServerPfxPath, Server.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, PfxPassword));
    }

    public string Directory { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    /// <summary>CN=region-12-logistics, signed by the CA.</summary>
    public X509Certificate2 Region12 { get; }
    /// <summary>CN=acme-medtech-feed, signed by the CA (mapped by thumbprint in the tests).</summary>
    public X509Certificate2 AcmeFeed { get; }
    /// <summary>CN=unknown-system, signed by the CA but mapped to no caller.</summary>
    public X509Certificate2 Unknown { get; }
    /// <summary>CN=region-12-logistics, signed by the CA, expired ten days ago.</summary>
    public X509Certificate2 Expired { get; }
    /// <summary>CN=region-12-logistics, self-signed: not from the CA.</summary>
    public X509Certificate2 SelfSigned { get; }

    public string CaPemPath { get; }
    public string ServerPemPath { get; }
    public string ServerKeyPath { get; }
    public string ServerPfxPath { get; }

    /// <summary>Server certificate as PEM certificate + key, clients checked against the CA.</summary>
    public string[] PemServerArgs() =>
    [
        $"--Supply:Listen:Certificate:Path={ServerPemPath}",
        $"--Supply:Listen:Certificate:KeyPath={ServerKeyPath}",
        $"--Supply:Auth:ClientCertificates:TrustedCaPath={CaPemPath}",
    ];

    /// <summary>Server certificate as a password-protected .pfx, clients checked against the CA.</summary>
    public string[] PfxServerArgs() =>
    [
        $"--Supply:Listen:Certificate:Path={ServerPfxPath}",
        $"--Supply:Listen:Certificate:Password={PfxPassword}",
        $"--Supply:Auth:ClientCertificates:TrustedCaPath={CaPemPath}",
    ];

    /// <summary>
    /// The identity mapping used by the tests: CN=region-12-logistics (by subject) is a region-12 reporter;
    /// the acme feed certificate (by thumbprint) is the acme-medtech supplier feed.
    /// </summary>
    public string[] IdentityArgs() =>
    [
        "--Supply:Auth:ClientCertificates:Identities:0:Subject=CN=region-12-logistics",
        "--Supply:Auth:ClientCertificates:Identities:0:Name=region-12-logistics",
        "--Supply:Auth:ClientCertificates:Identities:0:Roles:0=region-reporter",
        "--Supply:Auth:ClientCertificates:Identities:0:Regions:0=12",
        $"--Supply:Auth:ClientCertificates:Identities:1:Thumbprint={AcmeFeed.Thumbprint.ToLowerInvariant()}",
        "--Supply:Auth:ClientCertificates:Identities:1:Name=acme-feed",
        "--Supply:Auth:ClientCertificates:Identities:1:Roles:0=supplier-feed",
        "--Supply:Auth:ClientCertificates:Identities:1:Suppliers:0=acme-medtech",
    ];

    /// <summary>Client-side server check: the chain ends at the test CA and the name (127.0.0.1) matches.</summary>
    public bool TrustsServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    public void Dispose()
    {
        foreach (var c in new[] { Ca, Server, Region12, AcmeFeed, Unknown, Expired, SelfSigned }) c.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static X509Certificate2 CreateCa(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, Oid usage, DateTimeOffset notBefore, DateTimeOffset notAfter,
        bool san = false)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256); // owned by the returned certificate
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
