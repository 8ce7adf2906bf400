using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Supply.DevTokens;
using Supply.Contracts.V1;
using Xunit.Abstractions;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>
/// The real host with HTTPS on 127.0.0.1 (certificates from <see cref="TestCertificates"/>), for tests
/// that need TLS: <see cref="SupplyServer"/> speaks plaintext only.
/// </summary>
public sealed class TlsSupplyServer : IAsyncDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"), "supply.db");
    private readonly TestCertificates _pki;
    private readonly List<GrpcChannel> _channels = [];
    private WebApplication? _app;

    private TlsSupplyServer(TestCertificates pki) => _pki = pki;

    /// <summary>https://127.0.0.1:PORT</summary>
    public string Address { get; private set; } = "";

    /// <summary>The REST/JSON API's https URL when its endpoint is on (--Supply:Http:...), else null.</summary>
    public string? RestUrl { get; private set; }

    /// <summary>An HTTP/1.1 client to the REST endpoint that trusts the test CA and presents <paramref name="certificate"/>.</summary>
    public HttpClient Rest(X509Certificate2? certificate) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, errors) => _pki.TrustsServer(presented, errors),
            ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
        },
    })
    {
        BaseAddress = new Uri(RestUrl ?? throw new InvalidOperationException("the REST endpoint is off")),
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public static async Task<TlsSupplyServer> StartAsync(TestCertificates pki, string environment, params string[] extraArgs)
    {
        var server = new TlsSupplyServer(pki);
        server._app = SupplyApp.Create(
        [
            $"--environment={environment}",
            .. SupplyServer.DefaultListen(extraArgs),
            $"--Supply:Storage:SqlitePath={server._dbPath}",
            $"--Supply:Silo:SiloPort={FreePort()}",
            $"--Supply:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        await server._app.StartAsync();
        var rest = server._app.Services.GetRequiredService<Hosting.HttpApiEndpoint>();
        server.RestUrl = rest.IsOn ? rest.Url : null;
        server.Address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => server.RestUrl is null || new Uri(a).Port != new Uri(server.RestUrl).Port)
            .Replace("[::]", "127.0.0.1");
        return server;
    }

    /// <summary>
    /// A channel that trusts the test CA for the server, presents <paramref name="certificate"/> (always
    /// offered, whatever CA list the server asks for) and/or sends <paramref name="token"/> as a bearer token.
    /// </summary>
    public GrpcChannel Channel(X509Certificate2? certificate = null, string? token = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) => _pki.TrustsServer(presented, errors),
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            },
        };
        var options = new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
        if (token is not null)
            options.Credentials = ChannelCredentials.Create(new SslCredentials(), CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            }));
        var channel = GrpcChannel.ForAddress(Address, options);
        lock (_channels) _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_channels) _channels.ForEach(c => c.Dispose());
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(Path.GetDirectoryName(_dbPath)!, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Mutual TLS on the real host in Production mode: client certificates from the trusted CA are mapped
/// to callers (by subject or thumbprint) whose roles and scope apply exactly as a token's would; an
/// unmapped certificate is UNAUTHENTICATED; a certificate from anyone else never gets in; bearer
/// tokens keep working over the same TLS endpoint.
/// </summary>
public sealed class MutualTlsTests(MutualTlsTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<MutualTlsTests.Fixture>
{
    /// <summary>Production, TLS (server certificate from a .pfx), mutual TLS and a JWT signing key of our own.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        public TestCertificates Pki { get; } = new();
        public TlsSupplyServer Server { get; private set; } = null!;
        public string Loc12 { get; } = "se-12-hosp-mtls";
        public string Loc14 { get; } = "se-14-hosp-mtls";
        public string SupplierLoc { get; } = "se-01-supplier-acme-mtls";

        /// <summary>A token signed with this server's own key (issuer and audience "supply", the defaults).</summary>
        public static string Token(string subject, params string[] roles) =>
            SupplyTokens.Mint(subject, roles, key: SigningKey, issuer: "supply");

        public async Task InitializeAsync()
        {
            Server = await TlsSupplyServer.StartAsync(Pki, "Production",
                [.. Pki.PfxServerArgs(), .. Pki.IdentityArgs(), $"--Supply:Auth:Jwt:SigningKeys:0={SigningKey}"]);
            var admin = new Catalog.CatalogClient(Server.Channel(token: Token("admin", "admin")));
            await admin.RegisterItemsAsync(Items());
            await admin.RegisterLocationsAsync(new RegisterLocationsRequest
            {
                Locations =
                {
                    new Location { Id = Loc12, Name = "Skånes universitetssjukhus", Kind = LocationKind.Hospital, RegionCode = "12" },
                    new Location { Id = Loc14, Name = "Sahlgrenska", Kind = LocationKind.Hospital, RegionCode = "14" },
                    new Location { Id = SupplierLoc, Name = "Acme Medtech lager", Kind = LocationKind.Supplier, RegionCode = "01", Owner = "acme-medtech" },
                },
            });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Pki.Dispose();
        }
    }

    private TlsSupplyServer Server => fixture.Server;
    private TestCertificates Pki => fixture.Pki;
    private StockQuery.StockQueryClient Coordinator => new(Server.Channel(token: Fixture.Token("coordinator", "national-coordinator")));

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<long> OnHand(string location, string item)
    {
        var stock = await Coordinator.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location });
        return stock.Lines.SingleOrDefault(l => l.ItemId == item)?.OnHand ?? 0;
    }

    [Fact]
    public async Task A_mapped_client_certificate_authenticates_and_its_role_and_region_apply()
    {
        var reporting = new StockReporting.StockReportingClient(Server.Channel(Pki.Region12));
        var before14 = await OnHand(fixture.Loc14, Ffp2);

        var ack = await reporting.SubmitReportAsync(Movements(fixture.Loc12, Id("mtls-own"), Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 7)));
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            reporting.SubmitReportAsync(Movements(fixture.Loc14, Id("mtls-other"), Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 7))).ResponseAsync);

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("region-12-logistics", denied.Status.Detail);
        Assert.Equal(before14, await OnHand(fixture.Loc14, Ffp2));
        // The same identity reads its own region, and nothing it has no role for.
        var query = new StockQuery.StockQueryClient(Server.Channel(Pki.Region12));
        var own = await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = fixture.Loc12 });
        Assert.Contains(own.Lines, l => l.ItemId == Ffp2 && l.OnHand >= 7);
        var catalog = new Catalog.CatalogClient(Server.Channel(Pki.Region12));
        var register = await Assert.ThrowsAsync<RpcException>(() => catalog.RegisterItemsAsync(Items()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, register.StatusCode);
    }

    [Fact]
    public async Task A_certificate_mapped_by_thumbprint_writes_the_locations_of_its_supplier_only()
    {
        var reporting = new StockReporting.StockReportingClient(Server.Channel(Pki.AcmeFeed));

        var ack = await reporting.SubmitReportAsync(Snapshot(fixture.SupplierLoc, Id("acme"), Now.AddMinutes(-5), Line(Syringe, 500)));
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            reporting.SubmitReportAsync(Snapshot(fixture.Loc12, Id("acme"), Now.AddMinutes(-5), Line(Syringe, 500))).ResponseAsync);

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("acme-feed", denied.Status.Detail);
    }

    [Fact]
    public async Task A_streamed_report_outside_the_certificate_callers_scope_ends_the_stream_after_the_allowed_ones()
    {
        var reporting = new StockReporting.StockReportingClient(Server.Channel(Pki.Region12));
        var before14 = await OnHand(fixture.Loc14, Syringe);
        using var call = reporting.StreamReports();
        var asOf = Now.AddMinutes(-5);
        await call.RequestStream.WriteAsync(Movements(fixture.Loc12, Id("stream-own"), asOf, Move(Syringe, MovementType.Received, 3)));
        var first = await call.ResponseStream.MoveNext(CancellationToken.None) ? call.ResponseStream.Current : null;
        await call.RequestStream.WriteAsync(Movements(fixture.Loc14, Id("stream-other"), asOf, Move(Syringe, MovementType.Received, 3)));

        try { await call.RequestStream.CompleteAsync(); }
        catch (Exception ended) when (ended is RpcException or InvalidOperationException) { } // the server may have ended the call already
        var e = await Assert.ThrowsAsync<RpcException>(async () => { while (await call.ResponseStream.MoveNext(CancellationToken.None)) { } });

        Assert.Equal(ReportOutcome.Applied, first?.Outcome);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal(before14, await OnHand(fixture.Loc14, Syringe));
    }

    [Fact]
    public async Task A_certificate_from_the_trusted_ca_that_no_identity_maps_is_unauthenticated()
    {
        var reporting = new StockReporting.StockReportingClient(Server.Channel(Pki.Unknown));
        var before = await OnHand(fixture.Loc12, Cannula);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            reporting.SubmitReportAsync(Movements(fixture.Loc12, Id("unmapped"), Now.AddMinutes(-5), Move(Cannula, MovementType.Received, 9))).ResponseAsync);
        var read = await Assert.ThrowsAsync<RpcException>(() =>
            new StockQuery.StockQueryClient(Server.Channel(Pki.Unknown)).GetLocationStockAsync(new GetLocationStockRequest { LocationId = fixture.Loc12 }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, read.StatusCode);
        Assert.Equal(before, await OnHand(fixture.Loc12, Cannula));
    }

    public static TheoryData<string> UntrustedCertificates() => ["self-signed", "expired"];

    [Theory]
    [MemberData(nameof(UntrustedCertificates))]
    public async Task A_certificate_not_valid_from_the_trusted_ca_never_gets_in(string which)
    {
        // Both carry the subject of a mapped identity (CN=region-12-logistics).
        var certificate = which == "self-signed" ? Pki.SelfSigned : Pki.Expired;
        var before = await OnHand(fixture.Loc12, Paracetamol);
        var reporting = new StockReporting.StockReportingClient(Server.Channel(certificate));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            reporting.SubmitReportAsync(Movements(fixture.Loc12, Id("untrusted"), Now.AddMinutes(-5), Move(Paracetamol, MovementType.Received, 11))).ResponseAsync);

        // Kestrel refuses the handshake: the client sees the connection fail and makes up the status itself
        // (UNAVAILABLE or INTERNAL, with the transport error as DebugException; which one depends on when the
        // TLS 1.3 refusal reaches it). Or at the very least the call is not authenticated. Never accepted.
        output.WriteLine($"{which}: {e.StatusCode} {e.Status.Detail} / {e.Status.DebugException?.GetType().Name}: {e.Status.DebugException?.Message}");
        if (e.StatusCode != StatusCode.Unauthenticated)
        {
            Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"expected a refused handshake, got {e.Status}");
            Assert.True(IsTransportFailure(e.Status.DebugException), $"expected a refused handshake, got: {e.Status.DebugException}");
        }
        Assert.Equal(before, await OnHand(fixture.Loc12, Paracetamol));
    }

    private static bool IsTransportFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is HttpRequestException or IOException or System.Security.Authentication.AuthenticationException or SocketException) return true;
        return false;
    }

    [Fact]
    public async Task No_certificate_and_no_token_is_unauthenticated_but_health_still_answers()
    {
        var channel = Server.Channel();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(channel).SubmitReportAsync(
                Movements(fixture.Loc12, Id("anonymous"), Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => new Catalog.CatalogClient(channel).ListItemsAsync(new ListItemsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);
    }

    [Fact]
    public async Task A_bearer_token_over_tls_works_without_a_client_certificate()
    {
        var token = Fixture.Token("reporter-12-token", "region-reporter");
        var withRegion = SupplyTokens.Mint("reporter-12-token", ["region-reporter"], ["12"], key: Fixture.SigningKey, issuer: "supply");
        var reporting = new StockReporting.StockReportingClient(Server.Channel(token: withRegion));

        var ack = await reporting.SubmitReportAsync(Movements(fixture.Loc12, Id("token"), Now.AddMinutes(-5), Move(Syringe, MovementType.Received, 4)));
        var noRegion = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(Server.Channel(token: token))
                .SubmitReportAsync(Movements(fixture.Loc12, Id("token"), Now.AddMinutes(-5), Move(Syringe, MovementType.Received, 4))).ResponseAsync);
        // The well-known development key means nothing to a Production server.
        var dev = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(Server.Channel(token: SupplyTokens.Mint("dev", ["region-reporter"], ["12"])))
                .SubmitReportAsync(Movements(fixture.Loc12, Id("dev"), Now.AddMinutes(-5), Move(Syringe, MovementType.Received, 4))).ResponseAsync);

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(StatusCode.PermissionDenied, noRegion.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, dev.StatusCode);
    }

    [Fact]
    public async Task Audit_entries_name_the_certificate_mapped_caller_for_accepted_and_refused_writes()
    {
        var reporting = new StockReporting.StockReportingClient(Server.Channel(Pki.Region12));
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var accepted = Id("audit-ok");
        var refused = Id("audit-denied");
        var asOf = DateTimeOffset.UtcNow.AddSeconds(-30); // newer than any other snapshot of the item: applied, not historical
        await reporting.SubmitReportAsync(Snapshot(fixture.Loc12, accepted, asOf, Line(Morphine, 40)));
        await Assert.ThrowsAsync<RpcException>(() => reporting.SubmitReportAsync(Snapshot(fixture.Loc14, refused, asOf, Line(Morphine, 40))).ResponseAsync);

        var audit = new Audit.AuditClient(Server.Channel(token: Fixture.Token("coordinator", "national-coordinator")));
        var entries = (await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest
        {
            From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start), Limit = 10_000,
        })).Entries;

        var ok = Assert.Single(entries, e => e.ReportId == accepted);
        Assert.Equal(("region-12-logistics", "applied", fixture.Loc12), (ok.Caller, ok.Outcome, ok.LocationId));
        Assert.Equal("region-reporter", ok.Role);
        Assert.Equal("region:12", ok.Scope);
        var denied = Assert.Single(entries, e => e.ReportId == refused);
        Assert.Equal(("region-12-logistics", "permission-denied", fixture.Loc14), (denied.Caller, denied.Outcome, denied.LocationId));
    }
}

/// <summary>TLS in other set-ups, and the startup rules outside Development.</summary>
public sealed class MutualTlsStartupTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private static readonly string OwnKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Production_with_tls_and_mutual_tls_alone_satisfies_the_startup_rules_and_serves_certificate_callers()
    {
        // No JWT at all: client certificates are the only way in.
        await using var server = await TlsSupplyServer.StartAsync(_pki, "Production", [.. _pki.PemServerArgs(), .. _pki.IdentityArgs()]);

        var reporting = new StockReporting.StockReportingClient(server.Channel(_pki.Region12));
        // No admin exists here, so the location is unknown: the call got past authentication and
        // authorization and was refused by validation, naming the field.
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            reporting.SubmitReportAsync(Movements("se-12-hosp-nowhere", "r1", Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(server.Channel())
                .SubmitReportAsync(Movements("se-12-hosp-nowhere", "r1", Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);
        var devToken = await Assert.ThrowsAsync<RpcException>(() =>
            new Catalog.CatalogClient(server.Channel(token: SupplyTokens.Mint("dev", ["admin"]))).RegisterItemsAsync(Items()).ResponseAsync);

        Assert.Equal(["location_id"], FieldsAtFault(e));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, devToken.StatusCode);
    }

    [Fact]
    public async Task Development_with_a_pem_certificate_serves_certificate_and_token_callers_on_one_endpoint()
    {
        await using var server = await TlsSupplyServer.StartAsync(_pki, "Development", [.. _pki.PemServerArgs(), .. _pki.IdentityArgs()]);
        Assert.StartsWith("https://127.0.0.1:", server.Address);
        var admin = new Catalog.CatalogClient(server.Channel(token: SupplyServer.SuperuserToken));
        await admin.RegisterItemsAsync(Items());
        await admin.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = "se-12-hosp-dev-tls", Name = "Lund", Kind = LocationKind.Hospital, RegionCode = "12" },
                new Location { Id = "se-14-hosp-dev-tls", Name = "Göteborg", Kind = LocationKind.Hospital, RegionCode = "14" },
            },
        });

        var byCertificate = new StockReporting.StockReportingClient(server.Channel(_pki.Region12));
        var ack = await byCertificate.SubmitReportAsync(Snapshot("se-12-hosp-dev-tls", "c1", Now.AddMinutes(-5), Line(Ffp2, 100)));
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            byCertificate.SubmitReportAsync(Snapshot("se-14-hosp-dev-tls", "c2", Now.AddMinutes(-5), Line(Ffp2, 100))).ResponseAsync);
        var unmapped = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(server.Channel(_pki.Unknown))
                .SubmitReportAsync(Snapshot("se-12-hosp-dev-tls", "c3", Now.AddMinutes(-5), Line(Ffp2, 100))).ResponseAsync);
        var stock = await new StockQuery.StockQueryClient(server.Channel(token: SupplyServer.SuperuserToken))
            .GetLocationStockAsync(new GetLocationStockRequest { LocationId = "se-12-hosp-dev-tls" });

        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unmapped.StatusCode);
        Assert.Equal(100, Assert.Single(stock.Lines).OnHand);
    }

    private string[] Production(params string[] args) =>
    [
        "--environment=Production",
        $"--Supply:Storage:SqlitePath={Path.Combine(_pki.Directory, "refused.db")}",
        "--Logging:LogLevel:Default=Warning",
        .. args,
    ];

    [Fact]
    public void Production_refuses_plaintext_unless_allowed_explicitly()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(Production($"--Supply:Auth:Jwt:SigningKeys:0={OwnKey}")));
        Assert.Contains("Supply:Listen:Certificate", e.Message);
        Assert.Contains("Supply:Listen:AllowPlaintext", e.Message);
    }

    [Fact]
    public async Task Production_starts_on_plaintext_when_allowed_explicitly()
    {
        var app = SupplyApp.Create(Production($"--Supply:Auth:Jwt:SigningKeys:0={OwnKey}", "--Supply:Listen:AllowPlaintext=true"));
        await app.DisposeAsync();
    }

    [Fact]
    public void Production_refuses_to_run_with_no_authentication_configured()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(Production(_pki.PfxServerArgs())));
        Assert.Contains("Supply:Auth:Jwt", e.Message);
        Assert.Contains("Supply:Auth:ClientCertificates", e.Message);

        // A trusted CA without any identity authenticates nobody: still refused.
        e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(Production(_pki.PemServerArgs())));
        Assert.Contains("Supply:Auth:ClientCertificates", e.Message);
    }

    public static TheoryData<string> DevelopmentKeySpellings() =>
    [
        SupplyTokens.DevelopmentKey,
        SupplyTokens.DevelopmentKey + "\n",                       // a secret file or env var with a trailing newline
        " " + SupplyTokens.DevelopmentKey,
        SupplyTokens.DevelopmentKey[..20] + "\r\n" + SupplyTokens.DevelopmentKey[20..], // wrapped base64
    ];

    [Theory]
    [MemberData(nameof(DevelopmentKeySpellings))]
    public void Production_refuses_the_development_signing_key_however_it_is_spelled(string key)
    {
        // Every spelling decodes to the same key bytes, so every one would accept tokens anyone can mint.
        Assert.Equal(Convert.FromBase64String(SupplyTokens.DevelopmentKey), Convert.FromBase64String(key));

        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(Production(
            [.. _pki.PfxServerArgs(), $"--Supply:Auth:Jwt:SigningKeys:0={OwnKey}", $"--Supply:Auth:Jwt:SigningKeys:1={key}"])));
        Assert.Contains("development signing key", e.Message);
        Assert.Contains("Supply:Auth:Jwt:SigningKeys", e.Message);
    }
}
