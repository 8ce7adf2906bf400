using Google.Protobuf;
using Supply.Contracts.V1;
using Supply.DevTokens;
using Supply.Server.Tests;
using static Supply.Server.Tests.TestData;
using CoverageRpc = Supply.Contracts.V1.Coverage;
using ReadinessRpc = Supply.Contracts.V1.Readiness;

namespace Supply.Cli.Tests.EndToEnd;

/// <summary>
/// <c>supply readiness …</c>, <c>expiry-wave</c>, <c>find-lot</c> and <c>projection</c> run in-process against the real server
/// (Kestrel, silo, SQLite): what they print, their exit codes, bad input and what a regional caller may not do.
/// </summary>
public sealed class ReadinessCliTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private string _loc12 = "", _loc12b = "", _loc14 = "";
    private readonly string _dir = Directory.CreateTempSubdirectory("supply-cli-readiness").FullName;
    private static readonly string Reader12 = SupplyTokens.Mint("reader-12", ["regional-reader"], ["12"]);
    private const string Group = "N02BE01-500mg-tab"; // Paracetamol's substitution group in the test catalog
    // Lots are dated from the day of setup; the server computes its day when asked, which may be the next one.
    private DateOnly _setupDay;
    private string InDays(int days) => _setupDay.AddDays(days).ToString("yyyy-MM-dd");

    public async Task InitializeAsync()
    {
        _setupDay = DateOnly.FromDateTime(DateTime.UtcNow);
        _server = await SupplyServer.StartAsync(null, "--Supply:Readiness:RecordEvery=00:00:01");
        var ids = await RegisterAsync(_server, ("12", LocationKind.Hospital), ("12", LocationKind.Pharmacy), ("14", LocationKind.Hospital));
        (_loc12, _loc12b, _loc14) = (ids[0], ids[1], ids[2]);
        Lot L(string n, int days, long q) => new() { LotNumber = n, ExpiresOn = InDays(days), Quantity = q };
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc12, "s", Now.AddHours(-1), Line(Paracetamol, 100, adc: 2, lots: [L("RECALL-1", 5, 30), L("P-2", 20, 70)])));
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc12b, "s", Now.AddHours(-1), Line(Paracetamol, 10, adc: 1, lots: [L("RECALL-1", 5, 10)])));
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc14, "s", Now.AddHours(-1), Line(Paracetamol, 500, adc: 10, lots: [L("RECALL-1", 40, 500)])));
        // Reads come from the aggregates, a moment behind the reports.
        await Converge.UntilAsync(async () => await _server.Query.FindLotAsync(new FindLotRequest { ItemId = Paracetamol, LotNumber = "RECALL-1" }),
            r => r.Holdings.Count == 3);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Exit, string Out, string Err)> Supply(params string[] args) => await SupplyAs(SupplyServer.SuperuserToken, args);

    private async Task<(int Exit, string Out, string Err)> SupplyAs(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--server", _server.Address, "--retries", "0", "--token", token, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The printed table's line for an area and key (cells split on runs of spaces).</summary>
    private static string[] Row(string output, string area, string key) =>
        output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c.Length > 2 && c[0] == area && c[1] == key);

    [Fact]
    public async Task Targets_set_list_and_compliance_print_what_the_server_holds()
    {
        var (exit, output, err) = await Supply("readiness", "targets", "list");
        Assert.True(exit == 0, err);
        Assert.Contains("ILLUSTRATIVE", output);

        var file = Write("targets.json", $$"""{"targets":[{"key":"{{Group}}","byGroup":true,"days":30,"level":"COVERAGE_LEVEL_REGION"}],"note":"cli test"}""");
        (exit, output, err) = await Supply("readiness", "targets", "set", "--file", file);
        Assert.True(exit == 0, err);
        Assert.StartsWith("1 targets set (version ", output);

        (exit, output, _) = await Supply("readiness", "targets", "list");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("ILLUSTRATIVE", output);
        Assert.Equal([Group, "group", "30.0", "region"], Row(output, Group, "group"));

        // Compliance: the table shows the server's lines, worst first; --format json is the reply itself.
        var request = new GetReadinessComplianceRequest { Level = CoverageLevel.Region };
        var rpc = await Converge.UntilAsync(async () => await new ReadinessRpc.ReadinessClient(_server.Channel).GetReadinessComplianceAsync(request),
            r => r.Lines.Count == 2 && !r.IllustrativeTargets);
        (exit, output, err) = await Supply("readiness", "compliance", "--level", "region");
        Assert.True(exit == 0, err);
        var lines = output.Split('\n').Where(l => l.Contains(Group)).ToList();
        Assert.Equal(rpc.Lines.Select(l => l.Area), lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        Assert.True(rpc.Lines[0].PercentCompliant < rpc.Lines[1].PercentCompliant, "worst first");
        Assert.EndsWith("100.0 %", lines.Single(l => l.StartsWith("14")).TrimEnd());
        (exit, output, _) = await Supply("readiness", "compliance", "--level", "region", "--format", "json");
        Assert.Equal(0, exit);
        var json = GetReadinessComplianceResponse.Parser.ParseJson(output);
        Assert.Equal(rpc.Lines, json.Lines);

        // The daily record (kept every second here) for region 12: today's record is replaced each second, and the one
        // taken before the targets were set holds the illustrative defaults (region and hospital lines), so wait for the next.
        // A server that lived across midnight holds two days: the newest is today's.
        var expected = (rpc.Lines[0].TargetUnits, 1, 0);
        ComplianceDay Newest(string json) => GetComplianceHistoryResponse.Parser.ParseJson(json).Days.Where(d => d.Area == "12").MaxBy(d => d.Day, StringComparer.Ordinal)!;
        var history = await Converge.UntilAsync(async () => await Supply("readiness", "history", "--level", "region", "--area", "12", "--json"),
            r => r.Exit == 0 && Newest(r.Out) is { } d && (d.TargetUnits, d.Lines, d.LinesCompliant) == expected);
        Assert.Equal(0, history.Exit);
        var today = Newest(history.Out);
        Assert.Equal(expected, (today.TargetUnits, today.Lines, today.LinesCompliant));
    }

    [Fact]
    public async Task A_target_for_an_unknown_group_is_refused_naming_it_and_a_bad_file_is_never_sent()
    {
        var unknown = Write("unknown.json", """{"targets":[{"key":"N02BE99-nothing","byGroup":true,"days":30,"level":"COVERAGE_LEVEL_REGION"}]}""");
        var (exit, _, err) = await Supply("readiness", "targets", "set", "--file", unknown);
        Assert.Equal(2, exit);
        Assert.Contains("InvalidArgument", err);
        Assert.Contains("targets[0].key: unknown substitution group 'N02BE99-nothing'", err);

        var broken = Write("broken.json", "{\"targets\":[{\"key\":");
        (exit, _, err) = await Supply("readiness", "targets", "set", "--file", broken);
        Assert.Equal(1, exit);
        Assert.StartsWith("broken.json: ", err);
        (exit, _, _) = await Supply("readiness", "compliance", "--level", "galaxy");
        Assert.Equal(1, exit);

        // Nothing changed: still the shipped defaults.
        Assert.Contains("ILLUSTRATIVE", (await Supply("readiness", "targets", "list")).Out);
    }

    [Fact]
    public async Task Expiry_wave_and_find_lot_print_the_units_per_week_and_the_holders()
    {
        var (exit, output, err) = await Supply("expiry-wave", "--level", "region", "--item", Paracetamol, "--region", "12", "--weeks", "4");
        Assert.True(exit == 0, err);
        // The wave starts on the server's day: the day of setup, or the next if the test crossed midnight.
        Assert.StartsWith("week 0 starts ", output);
        var shift = DateOnly.ParseExact(output["week 0 starts ".Length..][..10], "yyyy-MM-dd").DayNumber - _setupDay.DayNumber;
        Assert.InRange(shift, 0, 1);
        // Week 0: 30 + 10 of RECALL-1 (day 5); week 2: 70 of P-2 (day 20); 65 wasted unless moved (docs/readiness.md#expiry-wave),
        // 3 more a day later (RECALL-1 a day nearer: 2 more wasted at the first location, 1 at the second).
        Assert.Equal(["12", Paracetamol, "0", "40", "0", "70", "0", (65 + 3 * shift).ToString()], Row(output, "12", Paracetamol));
        (exit, output, _) = await Supply("expiry-wave", "--level", "region", "--item", Paracetamol, "--region", "12", "--weeks", "4", "--json");
        Assert.Equal(0, exit);
        Assert.Equal([40L, 0, 70, 0], GetExpiryWaveResponse.Parser.ParseJson(output).Rows.Single().Expiring);

        (exit, output, err) = await Supply("find-lot", "--item", Paracetamol, "--lot", "RECALL-1");
        Assert.True(exit == 0, err);
        Assert.Contains($"3 locations hold 540 units of lot RECALL-1 of {Paracetamol}", output);
        var holder = output.Split('\n').Single(l => l.StartsWith(_loc14)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([_loc14, "14", "hospital", "500", InDays(40)], holder[..5]);

        // Bad input: a lot number is required (usage, nothing sent); an unknown week count is refused by the server naming the field.
        (exit, _, _) = await Supply("find-lot", "--item", Paracetamol);
        Assert.Equal(1, exit);
        (exit, _, err) = await Supply("expiry-wave", "--weeks", "500");
        Assert.Equal(2, exit);
        Assert.Contains("  weeks: ", err);
    }

    [Fact]
    public async Task A_regional_reader_is_refused_outside_its_region_and_the_admin_commands()
    {
        var (exit, output, err) = await SupplyAs(Reader12, "find-lot", "--item", Paracetamol, "--lot", "RECALL-1", "--region", "12");
        Assert.True(exit == 0, err);
        Assert.Contains($"2 locations hold 40 units of lot RECALL-1", output);
        (exit, output, err) = await SupplyAs(Reader12, "readiness", "compliance", "--level", "region", "--region", "12");
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("\n14 ", output);

        string[][] refused =
        [
            ["find-lot", "--item", Paracetamol, "--lot", "RECALL-1"],              // the whole nation
            ["find-lot", "--item", Paracetamol, "--lot", "RECALL-1", "--region", "14"],
            ["expiry-wave", "--level", "region", "--region", "14"],
            ["readiness", "compliance", "--level", "region", "--region", "14"],
            ["readiness", "history", "--level", "nation"],
            ["readiness", "targets", "set", "--file", Write("t.json", $$"""{"targets":[{"key":"{{Group}}","byGroup":true,"days":7,"level":"COVERAGE_LEVEL_REGION"}]}""")],
            ["projection", "--level", "region", "--region", "14"],
        ];
        foreach (var args in refused)
        {
            (exit, _, err) = await SupplyAs(Reader12, args);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}, {err}");
            Assert.Contains("PermissionDenied", err);
        }
        Assert.Contains("ILLUSTRATIVE", (await Supply("readiness", "targets", "list")).Out);
    }

    [Fact]
    public async Task Projection_prints_the_servers_projection_and_refuses_unknown_items_and_regions()
    {
        var request = new ListProjectionsRequest { Level = CoverageLevel.Region, Keys = { Paracetamol } };
        var rpc = await Converge.UntilAsync(async () => await new CoverageRpc.CoverageClient(_server.Channel).ListProjectionsAsync(request),
            r => r.Projections.Count == 2);

        var (exit, output, err) = await Supply("projection", "--level", "region", "--item", Paracetamol);
        Assert.True(exit == 0, err);
        foreach (var p in rpc.Projections)
        {
            var row = Row(output, p.Area, Paracetamol);
            // AREA SUBJECT USABLE USE/DAY 7D 28D TREND DAYS OUT-ON DAYS@TREND OUT-ON@TREND WASTED
            Assert.Equal((p.AtCurrent.DaysOfSupply.ToString(), p.AtCurrent.StockoutOn), (row[7], row[8]));
        }
        // Region 14: 500 in one lot expiring in 40 days, at 10 a day: it runs out, no later than the lot's expiry.
        var r14 = rpc.Projections.Single(p => p.Area == "14");
        Assert.True(r14.AtCurrent.RunsOut && r14.AtCurrent.DaysOfSupply <= 40, r14.ToString());
        (exit, output, _) = await Supply("projection", "--level", "region", "--item", Paracetamol, "--json");
        Assert.Equal(0, exit);
        Assert.Equal(rpc.Projections, ProjectionsResponse.Parser.ParseJson(output).Projections);
        (exit, output, _) = await Supply("projection", "--level", "region", "--item", Paracetamol, "--within", (r14.AtCurrent.DaysOfSupply + 1).ToString());
        Assert.Equal(0, exit);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("14 "));

        (exit, _, err) = await Supply("projection", "--item", "npl:99999999999999");
        Assert.Equal(2, exit);
        Assert.Contains("'npl:99999999999999' is not a known item", err);
        // Region codes are checked before anything is sent (usage error).
        (exit, _, err) = await Supply("projection", "--region", "99");
        Assert.Equal(1, exit);
        Assert.Contains("'99'", err);
        (exit, _, _) = await Supply("projection", "--level", "galaxy");
        Assert.Equal(1, exit);
    }
}
