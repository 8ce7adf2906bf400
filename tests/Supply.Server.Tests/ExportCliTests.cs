using Supply.Cli;
using Supply.Contracts.V1;
using CoverageClient = Supply.Contracts.V1.Coverage.CoverageClient;
using Supply.DevTokens;
using Supply.Server.Security;

namespace Supply.Server.Tests;

/// <summary>`supply ... --format csv|xlsx --output FILE` and `supply situation` against the real server: files opened, cells checked against gRPC.</summary>
public sealed class ExportCliTests(ExportFixture fixture) : IClassFixture<ExportFixture>, IDisposable
{
    private static readonly string National = SupplyTokens.Mint("nc-cli", [Roles.NationalCoordinator], [], []);
    private readonly string _dir = Directory.CreateTempSubdirectory("supply-exports").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Exit, string Out, string Err)> Supply(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--server", fixture.Server.Address, "--retries", "0", "--token", token, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task Coverage_as_csv_file_has_the_rows_GetCoverage_answers_with_item_names()
    {
        var file = PathOf("coverage.csv");
        var (exit, _, err) = await Supply(National, "coverage", "--level", "region", "--format", "csv", "--output", file, "--lang", "en");
        Assert.True(exit == 0, err);
        Assert.Contains(file, err); // "wrote FILE"
        var (header, rows) = ExportFiles.Csv(await File.ReadAllBytesAsync(file));
        var rpc = await new CoverageClient(fixture.Server.ChannelAs(National)).GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Region });
        Assert.Equal(rpc.Rows.Count, rows.Count);
        var items = await new Catalog.CatalogClient(fixture.Server.ChannelAs(National)).ListItemsAsync(new ListItemsRequest());
        var byKey = rows.ToDictionary(r => (r[1], r[4]));
        foreach (var row in rpc.Rows)
        {
            var cells = byKey[(row.Area, row.Key)];
            Assert.Equal(row.Usable.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[Array.IndexOf(header, "Usable")]);
            Assert.Equal(items.Items.First(i => i.Id == row.Key).Name, cells[Array.IndexOf(header, "Supply name")]);
        }
    }

    [Fact]
    public async Task Shortfalls_as_xlsx_and_status_as_csv_on_stdout_match_the_rpcs()
    {
        var file = PathOf("shortfalls.xlsx");
        var (exit, _, err) = await Supply(National, "shortfalls", "--days", "14", "--level", "region", "--by-group", "--format", "xlsx", "--output", file);
        Assert.True(exit == 0, err);
        var xlsx = await File.ReadAllBytesAsync(file);
        var rows = ExportFiles.Sheet(xlsx, ExportFiles.Sheets(xlsx).Single());
        var rpc = await new CoverageClient(fixture.Server.ChannelAs(National)).ListShortfallsAsync(new ListShortfallsRequest
        {
            ThresholdDays = 14,
            Level = CoverageLevel.Region,
            ByGroup = true,
        });
        Assert.NotEmpty(rpc.Shortfalls);
        Assert.Equal(rpc.Shortfalls.Select(s => (s.Row.Area, s.Row.Key, (double)s.UnitsToThreshold)),
            rows.Select(r => ((string)r["Område"]!, (string)r["Förnödenhet"]!, (double)r["Saknas till gräns"]!)));

        string output;
        (exit, output, err) = await Supply(National, "status", "--format", "csv");
        Assert.True(exit == 0, err);
        var (header, statusRows) = ExportFiles.Csv(System.Text.Encoding.UTF8.GetBytes(output));
        var status = await new StockQuery.StockQueryClient(fixture.Server.ChannelAs(National)).ListReportingStatusAsync(new ListReportingStatusRequest());
        Assert.Equal(status.Locations.Select(l => l.LocationId).Order(), statusRows.Select(r => r[Array.IndexOf(header, "Enhet")]).Order());
    }

    [Fact]
    public async Task Situation_writes_the_national_workbook_in_english()
    {
        var file = PathOf("situation.xlsx");
        var (exit, _, err) = await Supply(National, "situation", "--output", file, "--lang", "en");
        Assert.True(exit == 0, err);
        var xlsx = await File.ReadAllBytesAsync(file);
        var sheets = ExportFiles.Sheets(xlsx);
        Assert.Equal(["About", "Nation", "Healthcare regions", "Regions", "Worst shortfalls", "Not reporting", "Locations not reporting"], sheets);
        await SituationChecks.AgainstRpcsAsync(xlsx, fixture.Server.ChannelAs(National), sheets, "nc-cli");
    }

    [Fact]
    public async Task Scenario_run_as_xlsx_has_the_results_and_the_transfer_plan()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(global::Supply.Testing.RepoPaths.Root, "docs", "scenarios", "worked-example.md"));
        var yaml = page.Split("```yaml", 2)[1].Split("```", 2)[0];
        var scenario = PathOf("scenario.yaml");
        await File.WriteAllTextAsync(scenario, yaml);
        var file = PathOf("scenario.xlsx");
        var (exit, _, err) = await Supply(National, "scenario", "run", scenario, "--format", "xlsx", "--output", file, "--lang", "en");
        Assert.True(exit == 0, err);

        var result = await new Scenarios.ScenariosClient(fixture.Server.ChannelAs(National)).RunScenarioAsync(new RunScenarioRequest { Document = yaml });
        var xlsx = await File.ReadAllBytesAsync(file);
        Assert.Equal(["Scenario results", "Transfer plan"], ExportFiles.Sheets(xlsx));
        var lines = ExportFiles.Sheet(xlsx, "Scenario results");
        Assert.Equal(result.Lines.Select(l => (l.RegionCode, (double)l.Demand, (double)l.Shortfall)),
            lines.Select(r => ((string)r["Region"]!, (double)r["Demand"]!, (double)r["Shortfall"]!)));
        var between = result.Transfers.Where(t => result.Sources[t.Source].Region != result.Lines[t.Line].RegionCode).ToList();
        var plan = ExportFiles.Sheet(xlsx, "Transfer plan").Where(r => r["Day"] is not null).ToList();
        Assert.Equal(between.Select(t => (double)t.Quantity), plan.Select(r => (double)r["Quantity"]!));
    }

    [Fact]
    public async Task Refusals_name_the_problem_and_write_nothing()
    {
        var (exit, _, err) = await Supply(National, "coverage", "--format", "xlsx");
        Assert.Equal(1, exit);
        Assert.Contains("--output", err);

        (exit, _, err) = await Supply(National, "coverage", "--format", "pdf");
        Assert.Equal(1, exit);
        Assert.Contains("pdf", err);

        var unwritable = Path.Combine(_dir, "no-such-dir", "coverage.csv");
        (exit, _, err) = await Supply(National, "coverage", "--format", "csv", "--output", unwritable);
        Assert.Equal(1, exit);
        Assert.Contains(unwritable, err);

        (exit, _, err) = await Supply(National, "situation", "--format", "csv", "--output", PathOf("s.csv"));
        Assert.Equal(1, exit);
        Assert.Contains("xlsx", err);

        var reader = SupplyTokens.Mint("reader-gotland", [Roles.RegionalReader], ["09"], []);
        var file = PathOf("refused.xlsx");
        (exit, _, err) = await Supply(reader, "situation", "--output", file);
        Assert.Equal(2, exit);
        Assert.Contains("PermissionDenied", err);
        Assert.False(File.Exists(file));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
