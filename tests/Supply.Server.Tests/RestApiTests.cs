using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Supply.Contracts.V1;
using Supply.DevTokens;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>One server with the REST/JSON API's endpoint on a free port (Development), shared by <see cref="RestApiTests"/>.</summary>
public sealed class RestServerFixture : IAsyncLifetime
{
    public SupplyServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SupplyServer.StartAsync(null, "--Supply:Http:Port=0", "--Supply:Coverage:AlertInterval=00:00:00.200");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The gRPC services as REST/JSON (docs/rest.md) over plain HTTP/1.1 on the REST endpoint: the same answers as gRPC,
/// the same authentication, access policy and errors, server streaming as JSON, and the OpenAPI document.
/// </summary>
public sealed class RestApiTests(RestServerFixture fixture) : IClassFixture<RestServerFixture>
{
    private SupplyServer Server => fixture.Server;

    /// <summary>An HTTP/1.1 client (never upgraded) to the REST endpoint, sending <paramref name="token"/> when given.</summary>
    internal static HttpClient Rest(SupplyServer server, string? token)
    {
        var http = new HttpClient
        {
            BaseAddress = new Uri(server.RestUrl ?? throw new InvalidOperationException("the REST endpoint is off")),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(IMessage message) => new(JsonFormatter.Default.Format(message), Encoding.UTF8, "application/json");

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    [Fact]
    public async Task Get_coverage_over_rest_is_the_grpc_answer()
    {
        var loc = (await RegisterAsync(Server, ("25", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "cov", Now.AddMinutes(-20), Line(Ffp2, 700, adc: 35)));
        var request = new GetCoverageRequest { Level = CoverageLevel.Region, ItemId = Ffp2, RegionCodes = { "25" } };
        var coverage = new Contracts.V1.Coverage.CoverageClient(Server.Channel);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
            if ((await coverage.GetCoverageAsync(request)).Rows.Any(r => r.Usable >= 700)) break;
        using var http = Rest(Server, SupplyServer.SuperuserToken);

        using var response = await http.GetAsync($"/v1/coverage?level=COVERAGE_LEVEL_REGION&itemId={Uri.EscapeDataString(Ffp2)}&regionCodes=25");
        var body = await response.Content.ReadAsStringAsync();
        var grpc = await coverage.GetCoverageAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var rest = Parser.Parse<GetCoverageResponse>(body);
        Assert.NotEmpty(grpc.Rows);
        Assert.Equal(grpc.Rows, rest.Rows);
        Assert.Contains("\"level\":\"COVERAGE_LEVEL_REGION\"", body); // enums by name, as the proto3 JSON mapping says
    }

    [Fact]
    public async Task A_report_submitted_over_rest_is_read_back_over_grpc()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.Hospital)))[0];
        using var http = Rest(Server, SupplyServer.SuperuserToken);
        var report = Snapshot(loc, "rest-1", Now.AddMinutes(-10), Line(Paracetamol, 420, adc: 12), Line(Ffp2, 90));

        using var response = await http.PostAsync($"/v1/locations/{loc}/reports", Json(report));
        var ack = Parser.Parse<ReportAck>(await response.Content.ReadAsStringAsync());
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("rest-1", ReportOutcome.Applied), (ack.ReportId, ack.Outcome));
        Assert.Equal([(Paracetamol, 420L), (Ffp2, 90L)], stock.Lines.Select(l => (l.ItemId, l.OnHand)).Order());
    }

    [Fact]
    public async Task Item_ids_with_a_scheme_prefix_go_in_the_path_as_they_are()
    {
        var loc = (await RegisterAsync(Server, ("13", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "item", Now.AddMinutes(-10), Line(Morphine, 33)));
        using var http = Rest(Server, SupplyServer.SuperuserToken);

        // Reads across locations come from the aggregates, which trail the report by about a second.
        var (status, stock) = await Converge.UntilAsync(async () =>
        {
            using var response = await http.GetAsync($"/v1/items/{Morphine}/stock?regionCodes=13");
            return (response.StatusCode, Parser.Parse<ItemStock>(await response.Content.ReadAsStringAsync()));
        }, answer => answer.StatusCode != HttpStatusCode.OK || answer.Item2.Locations.Any(l => l.LocationId == loc));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Morphine, stock.ItemId);
        Assert.Contains(stock.Locations, l => l.LocationId == loc && l.Line.OnHand == 33);
    }

    [Fact]
    public async Task No_credentials_is_401_and_changes_nothing()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.Pharmacy)))[0];
        using var http = Rest(Server, token: null);

        using var read = await http.GetAsync("/v1/coverage");
        using var write = await http.PostAsync($"/v1/locations/{loc}/reports", Json(Snapshot(loc, "anon", Now.AddMinutes(-5), Line(Ffp2, 1))));
        var body = JsonDocument.Parse(await write.Content.ReadAsStringAsync()).RootElement;
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(16, body.GetProperty("code").GetInt32()); // UNAUTHENTICATED
        Assert.Contains("bearer token", body.GetProperty("message").GetString());
        Assert.Equal(0, stock.Version);
    }

    [Fact]
    public async Task A_regional_reporter_writing_another_regions_location_is_403_and_changes_nothing()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.Hospital)))[0];
        using var http = Rest(Server, SupplyTokens.Mint("reporter-12", ["region-reporter"], ["12"]));

        using var response = await http.PostAsync($"/v1/locations/{loc}/reports", Json(Snapshot(loc, "other", Now.AddMinutes(-5), Line(Ffp2, 5))));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(7, body.GetProperty("code").GetInt32()); // PERMISSION_DENIED
        Assert.Contains("reporter-12", body.GetProperty("message").GetString());
        Assert.Equal(0, stock.Version);
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_changes_nothing()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.MunicipalCare)))[0];
        using var http = Rest(Server, SupplyServer.SuperuserToken);

        using var response = await http.PostAsync($"/v1/locations/{loc}/reports", Json(Snapshot(loc, "neg", Now.AddMinutes(-5), Line(Ffp2, -3))));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        var stock = await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });

        Assert.Equal(3, body.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.Contains("snapshot.lines[0].on_hand", body.GetProperty("message").GetString());
        var violations = body.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest").GetProperty("fieldViolations");
        Assert.Equal(["snapshot.lines[0].on_hand"], violations.EnumerateArray().Select(v => v.GetProperty("field").GetString()));
        Assert.Equal(0, stock.Version);
    }

    [Fact]
    public async Task Json_that_does_not_fit_the_message_is_400()
    {
        var loc = (await RegisterAsync(Server, ("14", LocationKind.Hospital)))[0];
        using var http = Rest(Server, SupplyServer.SuperuserToken);

        using var response = await http.PostAsync($"/v1/locations/{loc}/reports",
            new StringContent("{\"reportId\": \"x\", \"snapshot\": {\"lines\": [{\"onHand\": \"many\"}]}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc })).Version);
    }

    [Fact]
    public async Task Watch_alerts_over_rest_streams_json_alerts()
    {
        var loc = (await RegisterAsync(Server, ("21", LocationKind.Hospital)))[0];
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "low", Now.AddMinutes(-5), Line(Syringe, 10, adc: 5)));
        using var http = Rest(Server, SupplyServer.SuperuserToken);
        var alerts = new List<CoverageAlert>();

        // follow=false: the current state, then the stream ends. The aggregation path converges within about a second.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !alerts.Any(Ours); await Task.Delay(200))
        {
            alerts.Clear();
            using var response = await http.GetAsync("/v1/alerts?thresholdDays=7&level=COVERAGE_LEVEL_LOCATION&follow=false",
                HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
                if (line.Trim().Length > 0) alerts.Add(Parser.Parse<CoverageAlert>(line));
        }

        var below = alerts.First(Ours);
        Assert.Equal((Syringe, 2.0), (below.Row.Key, below.Row.DaysOfSupply));
        bool Ours(CoverageAlert a) => a.Kind == "below" && a.Row?.Area == loc;
    }

    [Fact]
    public async Task The_openapi_document_lists_every_rest_path_with_its_method_and_the_proto_comments()
    {
        using var http = Rest(Server, token: null); // the document is public: it describes, it holds no data

        using var response = await http.GetAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths");
        var expected = RestPaths.All();
        // Every unary and server-streaming RPC has a path; client-streaming ones (StreamReports, bulk) stay gRPC only.
        Assert.Equal(RestPaths.Methods.Where(m => !m.IsClientStreaming).Select(m => m.Name).Order(), expected.Select(e => e.Method).Order());
        foreach (var (_, method, verb, protoPath) in expected)
        {
            // The document names path parameters by their JSON names: {location_id} is {locationId}.
            var path = System.Text.RegularExpressions.Regex.Replace(protoPath, "_([a-z])", m => m.Groups[1].Value.ToUpperInvariant());
            Assert.True(paths.TryGetProperty(path, out var operations), $"{method}: {path} is not in the document: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
            Assert.True(operations.TryGetProperty(verb, out _), $"{method}: {verb} {path} is not in the document");
        }
        // The proto comments flow into the document.
        Assert.Contains("Everything under a threshold of days", paths.GetProperty("/v1/shortfalls").GetProperty("get").GetRawText());
    }

    [Fact]
    public async Task The_api_page_is_served_in_development()
    {
        using var http = Rest(Server, token: null);

        using var page = await http.GetAsync("/swagger/index.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("swagger-ui", html);
    }

    [Fact]
    public async Task Rpcs_without_a_rest_path_are_not_rest_routes()
    {
        using var http = Rest(Server, SupplyServer.SuperuserToken);

        // The gRPC health service is not transcoded: a REST client gets no answer at its gRPC path.
        using var grpcPath = await http.PostAsync("/grpc.health.v1.Health/Check", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var listed = await http.GetAsync("/v1/items");

        Assert.NotEqual(HttpStatusCode.OK, grpcPath.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(Paracetamol, await listed.Content.ReadAsStringAsync());
    }
}
