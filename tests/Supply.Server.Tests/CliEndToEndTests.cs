using Supply.Cli;
using Supply.Contracts.V1;

namespace Supply.Server.Tests;

/// <summary>The `supply` command, run in-process against the real server: what a newcomer does first.</summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private readonly string _dir = Directory.CreateTempSubdirectory("supply-cli-e2e").FullName;

    public async Task InitializeAsync() => _server = await SupplyServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The demo data set, loaded the one way there is: a server (on a fresh database) started with --Supply:Demo=true.</summary>
    private async Task LoadDemo()
    {
        await _server.DisposeAsync();
        _server = await SupplyServer.StartAsync(null, "--Supply:Demo=true");
        await _server.DemoLoadedAsync();
    }

    private async Task<(int Exit, string Out, string Err)> Supply(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--server", _server.Address, "--retries", "0", "--token", SupplyServer.SuperuserToken, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Register_report_and_query_from_files()
    {
        var items = Write("items.csv", """
            id,name,category,base_unit,pack_size,substitution_group,criticality
            npl:19990101000011,Adrenalin 1 mg/ml injektion,medicine,ampoule,10,C01CA24-1mg-inj,life-saving
            ppe:face-shield,Visir,ppe,piece,25,,standard
            """);
        var locations = Write("locations.csv", """
            id,name,kind,region_code,municipality_code
            se-24-hosp-umea,Norrlands universitetssjukhus,hospital,24,2480
            """);
        var stock = Write("stock.csv", """
            item_id,on_hand,reserved,quarantined,lot_number,expires_on,lot_quantity,average_daily_consumption
            npl:19990101000011,400,20,0,L1,2030-01-31,300,12.5
            npl:19990101000011,400,20,0,L2,2031-01-31,100,12.5
            ppe:face-shield,900,0,0,,,,30
            """);
        Assert.Equal(0, (await Supply("items", "register", items)).Exit);
        Assert.Equal(0, (await Supply("locations", "register", locations)).Exit);

        var (exit, output, err) = await Supply("report", "send", stock, "--location", "se-24-hosp-umea", "--as-of", "2025-03-01T08:00:00Z");
        Assert.True(exit == 0, err);
        Assert.Contains("applied", output, StringComparison.OrdinalIgnoreCase);
        (exit, output, _) = await Supply("report", "send", stock, "--location", "se-24-hosp-umea", "--as-of", "2025-03-01T08:00:00Z");
        Assert.Equal(0, exit);
        Assert.Contains("duplicate", output, StringComparison.OrdinalIgnoreCase);

        var line = (await _server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = "se-24-hosp-umea", ItemId = "npl:19990101000011" })).Lines.Single();
        Assert.Equal((400L, 380L, 2), (line.OnHand, line.Available, line.Lots.Count));
        (exit, output, _) = await Supply("stock", "location", "se-24-hosp-umea");
        Assert.Equal(0, exit);
        Assert.Contains("ppe:face-shield", output);
    }

    [Fact]
    public async Task A_report_the_server_refuses_exits_2_and_names_the_field_and_line()
    {
        await LoadDemo();
        var bad = Write("bad.csv", """
            item_id,on_hand
            ppe:ffp2,10
            npl:00000000000000,5
            """);
        var (exit, _, err) = await Supply("report", "send", bad, "--location", "se-01-hosp-karolinska", "--as-of", "2025-03-01T08:00:00Z");
        Assert.Equal(2, exit);
        Assert.Contains("bad.csv:3", err);
        Assert.Contains("npl:00000000000000", err);
    }

    [Fact]
    public async Task A_library_scenario_runs_on_the_demo_stock_from_the_command_line()
    {
        await LoadDemo();
        var example = Directory.GetFiles(Path.Combine(global::Supply.Testing.RepoPaths.Root, "docs", "scenarios", "examples"), "*.yaml").Order().First();

        // The plan between regions, resolved from the result's tables: day, date, from, from region, to region, item, quantity, tier,
        // the line it serves (supply and categories) and that line's priority.
        var planRow = new System.Text.RegularExpressions.Regex(
            @"^\s*\d+\s+\d{4}-\d{2}-\d{2}\s+\S+\s+(\d\d)\s+(?!\1)\d\d\s+\S+\s+[\d,\s]+\s+(same-healthcare-region|other-regions|national-stockpile|suppliers)\s+(item|group)\s+\S+\s+\([^)]*\)\s+[\d.]+\s*$",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        int exit;
        string output, err;
        // The scenario reads the region aggregates, which reach every demo report within about a second.
        var planDeadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            (exit, output, err) = await Supply("scenario", "run", example, "--transfers");
            if (exit != 0 || planRow.IsMatch(output) || DateTime.UtcNow > planDeadline) break;
            await Task.Delay(200);
        }

        Assert.True(exit == 0, err);
        Assert.Contains("current national stock", output);
        Assert.Contains("demand", output);
        Assert.Contains("TO REGION", output);
        Assert.Matches(planRow, output);
        // Region and national coverage read the aggregates, which reach the demo's reports within about a second.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            (exit, output, _) = await Supply("coverage", "--level", "region", "--item", "ppe:ffp2");
            if (exit != 0 || output.Contains("ppe:ffp2", StringComparison.Ordinal) || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }
        Assert.Equal(0, exit);
        Assert.Contains("ppe:ffp2", output);
        (exit, output, _) = await Supply("alerts", "--days", "1000");
        Assert.Equal(0, exit);
        Assert.Contains("below", output);
        (exit, output, _) = await Supply("shortages", "list");
        Assert.Equal(0, exit);
        Assert.Contains("ITEM", output);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content + "\n");
        return path;
    }
}
