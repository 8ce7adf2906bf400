using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Supply.Server.Hosting;
using Supply.Testing;

namespace Supply.Server.Tests;

/// <summary>
/// Where the REST/JSON API listens (docs/endpoints.md): its own HTTP/1.1 + HTTP/2 endpoint, refused rather than
/// dropped when settings contradict; the API page only in Development; the rate limiter answering REST with 429.
/// </summary>
public sealed class RestEndpointTests
{
    private static string Db => $"--Supply:Storage:SqlitePath={Path.Combine(Path.GetTempPath(), "supply-tests", Guid.NewGuid().ToString("N"), "rest.db")}";
    private static readonly string OwnKey = $"--Supply:Auth:Jwt:SigningKeys:0={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    [Fact]
    public async Task By_default_it_listens_on_loopback_5082_and_a_free_port_when_grpc_asks_for_one()
    {
        await using var fixedPort = SupplyApp.Create(["--environment=Development", Db]);
        await using var freePort = SupplyApp.Create(["--environment=Development", "--Supply:Listen:Port=0", Db]);

        var byDefault = fixedPort.Services.GetRequiredService<HttpApiEndpoint>();
        var free = freePort.Services.GetRequiredService<HttpApiEndpoint>();

        Assert.Equal(("http://127.0.0.1:5082", true), (byDefault.Url, byDefault.IsOn));
        Assert.Equal((0, true), (free.Port, free.IsOn));
    }

    [Fact]
    public async Task With_urls_it_is_off_and_says_why()
    {
        await using var app = SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", Db]);

        var endpoint = app.Services.GetRequiredService<HttpApiEndpoint>();

        Assert.False(endpoint.IsOn);
        Assert.Contains("Kestrel:Endpoints", endpoint.OffReason);
    }

    [Fact]
    public void Its_port_with_urls_is_refused_naming_both()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", "--Supply:Http:Port=6002", Db]));

        Assert.Contains("Supply:Http:Port", e.Message);
        Assert.Contains("--urls", e.Message);
    }

    [Theory]
    [InlineData("--Supply:Listen:Port=6010", "--Supply:Http:Port=6010", "Supply:Listen:Port")]
    [InlineData("--Supply:Dashboard:Port=6011", "--Supply:Http:Port=6011", "Supply:Dashboard:Port")]
    public void The_same_port_as_another_endpoint_is_refused(string other, string http, string otherName)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(["--environment=Development", other, http, Db]));

        Assert.Contains("Supply:Http:Port", e.Message);
        Assert.Contains(otherName, e.Message);
    }

    [Fact]
    public void A_bad_address_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(["--environment=Development", "--Supply:Http:Address=localhost", Db]));

        Assert.Contains("Supply:Http:Address", e.Message);
    }

    [Fact]
    public async Task Production_refuses_plaintext_rest_even_when_grpc_has_tls_of_its_own()
    {
        // gRPC on an https Kestrel endpoint with its own certificate passes the gRPC rule; the REST endpoint would be plaintext.
        string[] args = ["--environment=Production", OwnKey, Db, "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:6012",
            "--Kestrel:Endpoints:Grpc:Certificate:Path=/nonexistent/server.pfx"];

        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create(args));
        await using var disabled = SupplyApp.Create([.. args, "--Supply:Http:Enabled=false"]);

        Assert.Contains("plaintext REST/JSON API", e.Message);
        Assert.Contains("Supply:Listen:AllowPlaintext", e.Message);
        Assert.False(disabled.Services.GetRequiredService<HttpApiEndpoint>().IsOn);
    }

    [Fact]
    public async Task Production_serves_the_openapi_document_but_not_the_api_page()
    {
        await using var server = await SupplyServer.StartAsync(null, "--environment=Production", OwnKey, "--Supply:Listen:AllowPlaintext=true",
            "--Supply:Http:Port=0");
        using var http = RestApiTests.Rest(server, token: null);

        using var page = await http.GetAsync("/swagger/index.html");
        using var document = await http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task A_rest_caller_over_the_rate_limit_gets_429_with_a_problem_body()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Http:Port=0", "--Supply:Limits:CallsPerSecond=1", "--Supply:Limits:Burst=3");
        using var http = RestApiTests.Rest(server, SupplyServer.SuperuserToken);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await http.GetAsync("/v1/items");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.Contains("rate limit", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
    }

    [Fact]
    public async Task Over_tls_a_client_certificate_authenticates_rest_calls_with_the_same_access_policy()
    {
        using var pki = new TestCertificates();
        await using var server = await TlsSupplyServer.StartAsync(pki, "Development", [.. pki.PemServerArgs(), .. pki.IdentityArgs(), "--Supply:Http:Port=0"]);
        var catalog = new Contracts.V1.Catalog.CatalogClient(server.Channel(token: SupplyServer.SuperuserToken));
        await catalog.RegisterItemsAsync(TestData.Items());
        await catalog.RegisterLocationsAsync(new Contracts.V1.RegisterLocationsRequest
        {
            Locations =
            {
                new Contracts.V1.Location { Id = "se-12-hosp-rest-tls", Name = "Own", Kind = Contracts.V1.LocationKind.Hospital, RegionCode = "12" },
                new Contracts.V1.Location { Id = "se-14-hosp-rest-tls", Name = "Other", Kind = Contracts.V1.LocationKind.Hospital, RegionCode = "14" },
            },
        });
        using var byCertificate = server.Rest(pki.Region12);
        using var anonymous = server.Rest(certificate: null);
        StringContent Report(string loc) => new(Google.Protobuf.JsonFormatter.Default.Format(
            TestData.Snapshot(loc, "tls-1", TestData.Now.AddMinutes(-5), TestData.Line(TestData.Ffp2, 8))), System.Text.Encoding.UTF8, "application/json");

        using var own = await byCertificate.PostAsync("/v1/locations/se-12-hosp-rest-tls/reports", Report("se-12-hosp-rest-tls"));
        using var other = await byCertificate.PostAsync("/v1/locations/se-14-hosp-rest-tls/reports", Report("se-14-hosp-rest-tls"));
        using var none = await anonymous.PostAsync("/v1/locations/se-12-hosp-rest-tls/reports", Report("se-12-hosp-rest-tls"));

        Assert.StartsWith("https://127.0.0.1:", server.RestUrl);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public void Docs_rest_md_lists_every_rest_path()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rest.md"));

        foreach (var (service, method, verb, path) in RestPaths.All())
            Assert.Contains($"| `{verb.ToUpperInvariant()} {path}` | {service}.{method} |", doc);
    }
}
