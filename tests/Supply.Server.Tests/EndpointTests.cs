using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Health.V1;
using Supply.Contracts.V1;
using Supply.Testing;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>
/// Where the server listens (docs/endpoints.md): an explicit ASP.NET Core endpoint setting wins over the
/// Supply:Listen default and speaks plaintext HTTP/2 (gRPC) unless told otherwise; both at once is refused.
/// </summary>
public sealed class EndpointTests
{
    private static async Task AnswersGrpc(SupplyServer server)
    {
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());
        var registered = await server.Catalog.RegisterItemsAsync(Items());
        var items = await server.Catalog.ListItemsAsync(new ListItemsRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(Items().Items.Count, registered.Created);
        Assert.Equal(Items().Items.Select(i => i.Id).Order(), items.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Urls_on_the_command_line_is_where_grpc_answers()
    {
        var port = FreePorts.Next();
        await using var server = await SupplyServer.StartAsync(null, $"--urls=http://127.0.0.1:{port}");

        Assert.Equal($"http://127.0.0.1:{port}", server.Address);
        await AnswersGrpc(server);
    }

    [Fact]
    public async Task A_kestrel_endpoint_from_configuration_is_where_grpc_answers()
    {
        var port = FreePorts.Next();
        await using var server = await SupplyServer.StartAsync(null, $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{port}");

        Assert.Equal($"http://127.0.0.1:{port}", server.Address);
        await AnswersGrpc(server);
    }

    [Fact]
    public async Task An_https_url_gets_the_supply_server_certificate_and_client_certificate_authentication()
    {
        using var pki = new TestCertificates();
        var port = FreePorts.Next();
        await using var server = await TlsSupplyServer.StartAsync(pki, "Development",
            [$"--urls=https://127.0.0.1:{port}", .. pki.PemServerArgs(), .. pki.IdentityArgs()]);

        var byCertificate = new StockReporting.StockReportingClient(server.Channel(pki.Region12));
        // No such location: the call got past TLS (the Supply certificate, trusted by the client), authentication by
        // certificate and authorization, and was refused by validation, naming the field.
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            byCertificate.SubmitReportAsync(Movements("se-12-hosp-nowhere", "r1", Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);
        var unmapped = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(server.Channel(pki.Unknown))
                .SubmitReportAsync(Movements("se-12-hosp-nowhere", "r2", Now.AddMinutes(-5), Move(Ffp2, MovementType.Received, 1))).ResponseAsync);

        Assert.Equal($"https://127.0.0.1:{port}", server.Address);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unmapped.StatusCode);
    }

    [Theory]
    [InlineData("--urls=http://127.0.0.1:6001", "--Supply:Listen:Port=6002", "--urls", "Supply:Listen:Port")]
    [InlineData("--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:6001", "--Supply:Listen:Address=0.0.0.0", "Kestrel:Endpoints", "Supply:Listen:Address")]
    public void An_aspnet_endpoint_and_supply_listen_together_are_refused_naming_both(string aspNet, string supply, string aspNetName, string supplyName)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(["--environment=Development", aspNet, supply]));

        Assert.Contains(aspNetName, e.Message);
        Assert.Contains(supplyName, e.Message);
        Assert.Contains("Use one", e.Message);
    }

    [Fact]
    public void A_supply_server_certificate_with_only_http_urls_is_refused_not_ignored()
    {
        using var pki = new TestCertificates();
        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", .. pki.PemServerArgs()]));

        Assert.Contains("Supply:Listen:Certificate", e.Message);
        Assert.Contains("https://", e.Message);
    }

    [Fact]
    public void Production_refuses_a_plaintext_url_unless_plaintext_is_allowed_explicitly()
    {
        var key = $"--Supply:Auth:Jwt:SigningKeys:0={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";
        var db = $"--Supply:Storage:SqlitePath={Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"), "refused.db")}";

        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Production", "--urls=http://127.0.0.1:6001", key, db]));

        Assert.Contains("http://127.0.0.1:6001", e.Message);
        Assert.Contains("Supply:Listen:AllowPlaintext", e.Message);
    }

    [Fact]
    public void The_prometheus_port_with_urls_is_refused_because_kestrel_would_drop_the_urls()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", "--Supply:Telemetry:PrometheusPort=6003"]));

        Assert.Contains("Supply:Telemetry:PrometheusPort", e.Message);
        Assert.Contains("Kestrel:Endpoints", e.Message);
    }
}
