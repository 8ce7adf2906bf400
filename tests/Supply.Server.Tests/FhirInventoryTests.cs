using System.Globalization;
using System.Net;
using Supply.Contracts.V1;
using Supply.DevTokens;
using Supply.Fhir;
using Supply.Fhir.Mapping;
using Supply.Grains.Catalog;
using Supply.Gs1;
using Supply.Server.Security;

namespace Supply.Server.Tests;

/// <summary>
/// The FHIR InventoryReport endpoints end to end: real server, real HTTP/2 client, test resources from Resources/Fhir,
/// and what they did read back over gRPC.
/// </summary>
public sealed class FhirInventoryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;
    private static readonly DateTimeOffset Counted = DateTimeOffset.UtcNow.AddHours(-1);

    private static (string, string)[] Values(string location, string id, params (string, string)[] more) =>
    [
        ("location", location), ("id", id),
        ("now", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        ("counted", Counted.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        .. more,
    ];

    private FhirClient Superuser() => new(Server, SupplyServer.SuperuserToken);

    private async Task<LocationStock> StockAsync(string location) =>
        await Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location });

    [Fact]
    public async Task A_snapshot_with_lots_and_expiry_becomes_stock_readable_over_grpc()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();

        var (status, response, body) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-snapshot.json", Values(location, "snap-1")));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("InventoryReport", body.GetProperty("resourceType").GetString());
        Assert.Equal($"/fhir/InventoryReport/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        var stock = await StockAsync(location);
        var paracetamol = stock.Lines.Single(l => l.ItemId == TestData.Paracetamol);
        Assert.Equal((320L, 0L, 20L), (paracetamol.OnHand, paracetamol.Reserved, paracetamol.Quarantined));
        // FHIR's expiry is the last day of use; Supply keeps the first day a lot may not be used. "2027-11" is the end of November.
        Assert.Equal([("PA-2406", "2027-07-01", 300L), ("PA-2411", "2027-12-01", 20L)],
            paracetamol.Lots.Select(l => (l.LotNumber, l.ExpiresOn, l.Quantity)).ToArray());
        Assert.Equal(50, stock.Lines.Single(l => l.ItemId == TestData.Syringe).OnHand);
        Assert.Equal(12, stock.Lines.Single(l => l.ItemId == TestData.Cannula).OnHand);
        Assert.Equal(Counted.ToUnixTimeSeconds(), paracetamol.SnapshotAsOf.Seconds);
    }

    [Fact]
    public async Task A_difference_with_operation_type_becomes_movements()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        Assert.Equal(HttpStatusCode.Created, (await fhir.PostAsync(FhirClient.Resource("inventoryreport-snapshot.json", Values(location, "snap-1")))).Status);

        var (status, _, _) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-difference.json", Values(location, "use-1")));

        Assert.Equal(HttpStatusCode.Created, status);
        var stock = await StockAsync(location);
        var paracetamol = stock.Lines.Single(l => l.ItemId == TestData.Paracetamol);
        Assert.Equal(290, paracetamol.OnHand);
        Assert.Equal(270, paracetamol.Lots.Single(l => l.LotNumber == "PA-2406").Quantity);
        Assert.Equal(45, stock.Lines.Single(l => l.ItemId == TestData.Syringe).OnHand);
        var history = await Server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = location });
        Assert.Equal(("use-1", "movements", 2), history.Receipts.Select(r => (r.ReportId, r.Kind, r.Lines)).First());
    }

    [Fact]
    public async Task The_same_identifier_twice_is_stored_once()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        var json = FhirClient.Resource("inventoryreport-difference.json", Values(location, "twice-1"));
        await fhir.PostAsync(FhirClient.Resource("inventoryreport-snapshot.json", Values(location, "snap-1")));

        var first = await fhir.PostAsync(json);
        var second = await fhir.PostAsync(json);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal(first.Body.GetProperty("id").GetString(), second.Body.GetProperty("id").GetString());
        Assert.Equal(290, (await StockAsync(location)).Lines.Single(l => l.ItemId == TestData.Paracetamol).OnHand); // subtracted once
        Assert.Equal(2, (await Server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = location })).Total);
    }

    [Fact]
    public async Task A_bad_quantity_is_refused_naming_the_element_and_changes_nothing()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();

        var (status, _, body) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-bad-quantity.json", Values(location, "bad-1")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["InventoryReport.inventoryListing[0].item[2].quantity"], FhirClient.Expressions(body));
        var stock = await StockAsync(location);
        Assert.Equal((0L, 0), (stock.Version, stock.Lines.Count));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_refused_naming_the_element()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        var json = FhirClient.Resource("inventoryreport-bad-quantity.json", Values(location, "bad-2")).Replace("\"value\": -4", "\"value\": \"four\"");

        var (status, _, body) = await fhir.PostAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["InventoryReport.inventoryListing[0].item[2].quantity.value"], FhirClient.Expressions(body));
        Assert.Equal(0L, (await StockAsync(location)).Version);
    }

    [Fact]
    public async Task A_reporter_of_region_01_may_not_write_a_location_of_region_12()
    {
        var location = (await TestData.RegisterAsync(Server, ("12", LocationKind.Hospital)))[0];
        using var fhir = new FhirClient(Server, SupplyTokens.Mint("reporter-01", [Roles.RegionReporter], ["01"]));

        var (status, _, body) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-snapshot.json", Values(location, "foreign-1")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", FhirClient.IssueCode(body));
        Assert.Equal(0L, (await StockAsync(location)).Version);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_with_an_operation_outcome()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = new FhirClient(Server, token: null);

        var post = await fhir.PostAsync(FhirClient.Resource("inventoryreport-snapshot.json", Values(location, "anon-1")));
        var get = await fhir.GetAsync($"/fhir/InventoryReport?location={location}");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (post.Status, get.Status));
        Assert.Equal(("login", "login"), (FhirClient.IssueCode(post.Body), FhirClient.IssueCode(get.Body)));
        Assert.Equal(0L, (await StockAsync(location)).Version);
    }

    [Fact]
    public async Task The_inventory_query_answers_a_snapshot_that_reads_back_as_the_stock()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        await Server.Reporting.SubmitReportAsync(TestData.Snapshot(location, "grpc-1", TestData.Now.AddMinutes(-30),
            TestData.Line(TestData.Paracetamol, 500, reserved: 100, quarantined: 40,
                lots: [new Lot { LotNumber = "A", ExpiresOn = "2027-03-01", Quantity = 300 }, new Lot { LotNumber = "B", ExpiresOn = "2027-09-01", Quantity = 150 }]),
            TestData.Line(TestData.Ffp2, 0)));

        var (status, _, body) = await fhir.GetAsync($"/fhir/InventoryReport?location=urn:supply:location-id|{location}");

        Assert.Equal(HttpStatusCode.OK, status);
        var answer = FhirClient.Read(body);
        Assert.Equal("snapshot", answer.CountType);
        Assert.Equal(["available", "reserved", "quarantined"], answer.InventoryListing!.Select(l => l.ItemStatus!.Coding![0].Code!).ToArray());
        // Read back through the intake's own mapping, the answer is the stock gRPC reports.
        var catalog = await Server.Services.GetRequiredService<CatalogCache>().GetAsync();
        var mapped = InventoryReportReader.Read(answer, new FhirOptions(), catalog, DateTimeOffset.UtcNow);
        Assert.True(mapped.Ok, string.Join("; ", mapped.Issues.Select(i => $"{i.Expression?[0]}: {i.Diagnostics}")));
        var lines = mapped.Reports.Single().Report.SnapshotLines;
        var stock = await StockAsync(location);
        Assert.Equal(
            stock.Lines.Select(l => (l.ItemId, l.OnHand, l.Reserved, l.Quarantined, string.Join(",", l.Lots.Select(x => $"{x.LotNumber}/{x.ExpiresOn}/{x.Quantity}")))).OrderBy(x => x.ItemId),
            lines.Select(l => (l.ItemId, l.OnHand, l.Reserved, l.Quarantined, string.Join(",", l.Lots.OrderBy(x => x.ExpiresOn).Select(x => $"{x.LotNumber}/{x.ExpiresOn}/{x.Quantity}")))).OrderBy(x => x.ItemId));
    }

    [Fact]
    public async Task The_inventory_query_by_item_lists_each_location_of_the_callers_regions()
    {
        var locations = await TestData.RegisterAsync(Server, ("03", LocationKind.Hospital), ("03", LocationKind.Pharmacy), ("04", LocationKind.Hospital));
        foreach (var (location, i) in locations.Select((l, i) => (l, i)))
            await Server.Reporting.SubmitReportAsync(TestData.Snapshot(location, "q-1", TestData.Now.AddMinutes(-5), TestData.Line(TestData.Morphine, 10 * (i + 1))));
        using var reader03 = new FhirClient(Server, SupplyTokens.Mint("reader-03", [Roles.RegionalReader], ["03"]));

        // Reads across locations come from the aggregates, which trail the reports by about a second.
        var (status, _, body) = await Converge.UntilAsync(() => reader03.GetAsync($"/fhir/InventoryReport?item={TestData.Morphine}"),
            answer => answer.Status != HttpStatusCode.OK || Mine(answer.Body).Count == 2);
        var denied = await reader03.GetAsync($"/fhir/InventoryReport?item={TestData.Morphine}&region=04");

        Assert.Equal(HttpStatusCode.OK, status);
        var mine = Mine(body);
        Assert.Equal([(locations[0], 10m), (locations[1], 20m)],
            mine.Select(l => (l.Location!.Identifier!.Value!, l.Item!.Single().Quantity!.Value!.Value)).OrderBy(x => x.Item1).ToArray());
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);

        List<global::Supply.Fhir.Model.InventoryListing> Mine(System.Text.Json.JsonElement json) =>
            FhirClient.Read(json).InventoryListing!.Where(l => locations.Contains(l.Location!.Identifier!.Value)).ToList();
    }

    [Fact]
    public async Task A_gs1_datamatrix_payload_in_an_item_coding_fills_item_lot_and_expiry()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        var gtin = TestData.Cannula["gtin:".Length..];
        var scan = Gs1Writer.ElementString(new Gs1Data(gtin, "LOT-9", new DateOnly(2028, 5, 31), "SN123"), symbologyPrefix: "]d2");
        Assert.Contains(Gs1Parser.GroupSeparator, scan);

        var (status, _, _) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-gs1-scan.json", Values(location, "scan-1", ("scan", scan))));

        Assert.Equal(HttpStatusCode.Created, status);
        var line = (await StockAsync(location)).Lines.Single();
        Assert.Equal((TestData.Cannula, 8L), (line.ItemId, line.OnHand));
        Assert.Equal(("LOT-9", "2028-06-01", 8L), line.Lots.Select(l => (l.LotNumber, l.ExpiresOn, l.Quantity)).Single());
    }

    [Fact]
    public async Task A_gs1_payload_with_a_bad_check_digit_is_refused_with_its_position()
    {
        var location = (await TestData.RegisterAsync(Server, ("01", LocationKind.Hospital)))[0];
        using var fhir = Superuser();
        var gtin = TestData.Cannula["gtin:".Length..];
        var wrong = gtin[..^1] + (char)('0' + (gtin[^1] - '0' + 1) % 10);

        var (status, _, body) = await fhir.PostAsync(FhirClient.Resource("inventoryreport-gs1-scan.json", Values(location, "scan-2", ("scan", $"(01){wrong}(17)280531(10)LOT-9"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["InventoryReport.inventoryListing[0].item[0].item.concept.coding[0].code"], FhirClient.Expressions(body));
        Assert.Contains("position 17", body.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Equal(0L, (await StockAsync(location)).Version);
    }
}
