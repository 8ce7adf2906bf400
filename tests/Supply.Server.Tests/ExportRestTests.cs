using System.Net;
using System.Text.Json;
using Grpc.Core;
using Supply.Contracts.V1;
using CoverageClient = Supply.Contracts.V1.Coverage.CoverageClient;
using Supply.DevTokens;
using Supply.Server.Security;

namespace Supply.Server.Tests;

/// <summary>
/// /v1/exports on the real server (the gRPC endpoint, HTTP/2 prior knowledge): files opened and their cells checked against
/// what the RPCs answer the same caller; the same access rules as gRPC; problem bodies for bad input.
/// </summary>
public sealed class ExportRestTests(ExportFixture fixture) : IClassFixture<ExportFixture>
{
    private static readonly string National = SupplyTokens.Mint("nc-anna", [Roles.NationalCoordinator], [], []);
    private static readonly string Gotland = SupplyTokens.Mint("reader-gotland", [Roles.RegionalReader], ["09"], []);

    private CoverageClient CoverageAs(string token) => new(fixture.Server.ChannelAs(token));

    [Fact]
    public async Task Coverage_csv_has_the_rows_GetCoverage_answers()
    {
        using var response = await fixture.GetAsync("/v1/exports/coverage.csv?level=region&by=group", National);
        await ExportFiles.AssertOkAsync(response);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // UTF-8 with BOM: Excel reads å, ä, ö

        var (header, rows) = ExportFiles.Csv(bytes);
        Assert.Equal(["Nivå", "Område", "Namn", "Avser", "Förnödenhet", "Benämning", "Användbart", "Förbrukning/dygn", "Dagar i lager",
            "Andel inaktuellt", "Enheter"], header);
        var rpc = await CoverageAs(National).GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Region, ByGroup = true });
        Assert.NotEmpty(rpc.Rows);
        Assert.Equal(rpc.Rows.Count, rows.Count);
        var byKey = rows.ToDictionary(r => (r[1], r[4]));
        foreach (var row in rpc.Rows)
        {
            var cells = byKey[(row.Area, row.Key)];
            Assert.Equal(row.Usable, long.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture));
            if (row.HasDaysOfSupply) Assert.Equal(Math.Round(row.DaysOfSupply, 2), ExportFiles.Number(cells[8]));
            else Assert.Equal("", cells[8]);
            Assert.Equal(row.Locations.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[10]);
        }
        Assert.Contains(rows, r => r[1] == "09" && r[2] == "Region Gotland");
    }

    [Fact]
    public async Task Coverage_xlsx_keeps_numbers_typed_in_english_with_a_frozen_bold_header()
    {
        using var response = await fixture.GetAsync("/v1/exports/coverage.xlsx?level=healthcare-region&by=group&lang=en", National);
        await ExportFiles.AssertOkAsync(response);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var xlsx = await response.Content.ReadAsByteArrayAsync();
        var rows = ExportFiles.Sheet(xlsx, ExportFiles.Sheets(xlsx).Single());
        var rpc = await CoverageAs(National).GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.HealthcareRegion, ByGroup = true });
        Assert.Equal(rpc.Rows.Count, rows.Count);
        foreach (var row in rpc.Rows)
        {
            var cells = rows.Single(r => (string?)r["Area"] == row.Area && (string?)r["Supply"] == row.Key);
            Assert.Equal((double)row.Usable, Assert.IsType<double>(cells["Usable"]));
            if (row.HasDaysOfSupply) Assert.Equal(Math.Round(row.DaysOfSupply, 4), Assert.IsType<double>(cells["Days of supply"]), 6);
            Assert.Equal("Healthcare region", cells["Level"]);
        }
        var sheet = ExportFiles.SheetXml(xlsx, 1);
        Assert.Contains("state=\"frozen\"", sheet);
        Assert.Contains("ySplit=\"1\"", sheet);
        Assert.Contains("autoFilter", sheet);
    }

    [Fact]
    public async Task Shortfalls_csv_lists_what_ListShortfalls_answers_worst_first()
    {
        using var response = await fixture.GetAsync("/v1/exports/shortfalls.csv?days=14&level=region&by=group&lang=en", National);
        await ExportFiles.AssertOkAsync(response);
        var (header, rows) = ExportFiles.Csv(await response.Content.ReadAsByteArrayAsync());
        var rpc = await CoverageAs(National).ListShortfallsAsync(new ListShortfallsRequest
        {
            ThresholdDays = 14,
            Level = CoverageLevel.Region,
            ByGroup = true,
            Limit = 100,
        });
        Assert.NotEmpty(rpc.Shortfalls);
        Assert.Equal(rpc.Shortfalls.Select(s => (s.Row.Area, s.Row.Key, s.UnitsToThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            rows.Select(r => (r[1], r[4], r[Array.IndexOf(header, "Units to threshold")])));
    }

    [Fact]
    public async Task Reporting_csv_has_every_location_and_stale_true_the_ones_ListStaleLocations_names()
    {
        using var all = await fixture.GetAsync("/v1/exports/reporting.csv", National);
        var (header, rows) = ExportFiles.Csv(await all.Content.ReadAsByteArrayAsync());
        var status = await new StockQuery.StockQueryClient(fixture.Server.ChannelAs(National)).ListReportingStatusAsync(new ListReportingStatusRequest());
        Assert.Equal(status.Locations.Select(l => l.LocationId).Order(), rows.Select(r => r[Array.IndexOf(header, "Enhet")]).Order());

        using var staleResponse = await fixture.GetAsync("/v1/exports/reporting.csv?stale=true&lang=en", National);
        var (staleHeader, staleRows) = ExportFiles.Csv(await staleResponse.Content.ReadAsByteArrayAsync());
        var stale = await CoverageAs(National).ListStaleLocationsAsync(new ListStaleLocationsRequest());
        Assert.Equal(stale.Locations.Select(l => l.LocationId).Order(), staleRows.Select(r => r[Array.IndexOf(staleHeader, "Location")]).Order());
        // Every location the server calls stale is marked so in the full list too.
        var marked = rows.Where(r => r[Array.IndexOf(header, "Inaktuell")] == "Ja").Select(r => r[Array.IndexOf(header, "Enhet")]).ToHashSet();
        Assert.Subset(marked, stale.Locations.Select(l => l.LocationId).ToHashSet());
    }

    [Fact]
    public async Task A_regional_reader_gets_its_own_region_only_and_no_national_exports()
    {
        using var own = await fixture.GetAsync("/v1/exports/coverage.csv?level=region&by=group", Gotland);
        await ExportFiles.AssertOkAsync(own);
        var (_, rows) = ExportFiles.Csv(await own.Content.ReadAsByteArrayAsync());
        var rpc = await CoverageAs(Gotland).GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Region, ByGroup = true, RegionCodes = { "09" } });
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("09", r[1]));
        Assert.Equal(rpc.Rows.Count, rows.Count);

        using var reporting = await fixture.GetAsync("/v1/exports/reporting.csv", Gotland);
        var (header, reportingRows) = ExportFiles.Csv(await reporting.Content.ReadAsByteArrayAsync());
        Assert.NotEmpty(reportingRows);
        Assert.All(reportingRows, r => Assert.Equal("09", r[Array.IndexOf(header, "Region")]));

        foreach (var path in new[] { "/v1/exports/coverage.csv?level=region&region=01", "/v1/exports/shortfalls.csv", "/v1/exports/situation.xlsx",
                     "/v1/exports/reporting.xlsx?region=01" })
        {
            using var refused = await fixture.GetAsync(path, Gotland);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
            Assert.Contains("reader-gotland", detail);
        }
        // gRPC refuses the same caller the same thing.
        var e = await Assert.ThrowsAsync<RpcException>(() => CoverageAs(Gotland).ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 14 }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task A_posted_scenario_comes_back_as_its_results_and_transfer_plan()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(global::Supply.Testing.RepoPaths.Root, "docs", "scenarios", "worked-example.md"));
        var yaml = page.Split("```yaml", 2)[1].Split("```", 2)[0];
        var result = await new Scenarios.ScenariosClient(fixture.Server.ChannelAs(National)).RunScenarioAsync(new RunScenarioRequest { Document = yaml });

        using var xlsxResponse = await fixture.PostAsync("/v1/exports/scenario.xlsx?lang=en", yaml, National);
        await ExportFiles.AssertOkAsync(xlsxResponse);
        var xlsx = await xlsxResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(["Scenario results", "Transfer plan"], ExportFiles.Sheets(xlsx));
        Assert.Equal(result.Lines.Select(l => (l.RegionCode, (double)l.Demand, (double)l.Shortfall)),
            ExportFiles.Sheet(xlsx, "Scenario results").Select(r => ((string)r["Region"]!, (double)r["Demand"]!, (double)r["Shortfall"]!)));

        using var csvResponse = await fixture.PostAsync("/v1/exports/scenario.csv?part=transfers&lang=en", yaml, National);
        await ExportFiles.AssertOkAsync(csvResponse);
        var (header, rows) = ExportFiles.Csv(await csvResponse.Content.ReadAsByteArrayAsync());
        var between = result.Transfers.Where(t => result.Sources[t.Source].Region != result.Lines[t.Line].RegionCode).ToList();
        var quantity = Array.IndexOf(header, "Quantity");
        Assert.Equal(between.Select(t => (double)t.Quantity), rows.Where(r => r[quantity].Length > 0).Select(r => ExportFiles.Number(r[quantity])));

        // A broken document is refused naming what is wrong; a regional reader may not run scenarios.
        using var broken = await fixture.PostAsync("/v1/exports/scenario.csv", "casualties: [", National);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        using var regional = await fixture.PostAsync("/v1/exports/scenario.csv", yaml, Gotland);
        Assert.Equal(HttpStatusCode.Forbidden, regional.StatusCode);
    }

    [Fact]
    public async Task Readiness_csv_has_the_lines_GetReadinessCompliance_answers()
    {
        var reply = await new global::Supply.Contracts.V1.Readiness.ReadinessClient(fixture.Server.ChannelAs(National))
            .GetReadinessComplianceAsync(new GetReadinessComplianceRequest { Level = CoverageLevel.Region, Limit = 100 });
        using var response = await fixture.GetAsync("/v1/exports/readiness.csv?level=region&lang=en", National);
        await ExportFiles.AssertOkAsync(response);
        var (header, rows) = ExportFiles.Csv(await response.Content.ReadAsByteArrayAsync());

        Assert.NotEmpty(reply.Lines);
        int area = Array.IndexOf(header, "Area"), key = Array.IndexOf(header, "Supply"), gap = Array.IndexOf(header, "Gap (units)");
        Assert.Equal(reply.Lines.Select(l => (l.Area, l.Key, (double)l.GapUnits)), rows.Select(r => (r[area], r[key], ExportFiles.Number(r[gap]))));
    }

    [Fact]
    public async Task Without_a_token_every_export_is_401_with_a_problem_body()
    {
        foreach (var path in new[] { "/v1/exports/coverage.csv", "/v1/exports/shortfalls.xlsx", "/v1/exports/reporting.csv", "/v1/exports/situation.xlsx" })
        {
            using var response = await fixture.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/v1/exports/shortfalls.csv?days=abc", "days")]
    [InlineData("/v1/exports/shortfalls.csv?days=-1", "days")]
    [InlineData("/v1/exports/coverage.csv?level=planet", "level")]
    [InlineData("/v1/exports/coverage.csv?by=colour", "by")]
    [InlineData("/v1/exports/coverage.csv?lang=fr", "lang")]
    [InlineData("/v1/exports/coverage.pdf", "format")]
    [InlineData("/v1/exports/situation.csv", "format")]
    [InlineData("/v1/exports/reporting.csv?stale=maybe", "stale")]
    public async Task Bad_input_is_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await fixture.GetAsync(path, National);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out var messages), body.ToString());
        Assert.NotEmpty(messages.EnumerateArray().Single().GetString()!);
    }

    [Fact]
    public async Task The_situation_workbook_has_its_sheets_and_the_figures_of_the_rpcs()
    {
        using var response = await fixture.GetAsync("/v1/exports/situation.xlsx?days=14", National);
        await ExportFiles.AssertOkAsync(response);
        var xlsx = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(["Om rapporten", "Nationellt", "Sjukvårdsregioner", "Regioner", "Värsta bristerna", "Rapporterar inte", "Ej rapporterande enheter"],
            ExportFiles.Sheets(xlsx));
        await SituationChecks.AgainstRpcsAsync(xlsx, fixture.Server.ChannelAs(National), ExportFiles.Sheets(xlsx), "nc-anna");
    }
}
