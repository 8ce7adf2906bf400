using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Scenarios over gRPC: a file's own data, and live stock with shortage notices lowering supplier deliveries.</summary>
public sealed class ScenarioAndShortageTests : IAsyncLifetime
{
    private SupplyServer _server = null!;

    public async Task InitializeAsync() => _server = await SupplyServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Scenarios.ScenariosClient ScenariosClient => new(_server.Channel);
    private ShortageNotices.ShortageNoticesClient Notices => new(_server.Channel);
    private Contracts.V1.Coverage.CoverageClient Coverage => new(_server.Channel);

    /// <summary>
    /// Live scenarios read the region aggregates, which the locations reach within about a second of a report:
    /// wait (bounded) until the national figure of <paramref name="item"/> counts <paramref name="locations"/> locations
    /// holding <paramref name="usable"/> usable units (one of them, where the day the locations publish on changes it).
    /// </summary>
    private async Task AggregatesHold(string item, int locations, params long[] usable)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rows = (await Coverage.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = item })).Rows;
            if (rows.Count == 1 && rows[0].Locations == locations && usable.Contains(rows[0].Usable)) return;
            Assert.True(DateTime.UtcNow < deadline, $"the aggregates did not reach {locations} locations / {string.Join(" or ", usable)} usable of {item}: {rows}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_live_scenario_over_reported_stock_gives_the_expected_transfer_plan()
    {
        // Region 01 is hit; 09 is in the same healthcare region (Stockholm-Gotland), 24 is not.
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = "se-01-hosp-a", Name = "A", Kind = LocationKind.Hospital, RegionCode = "01" },
                new Location { Id = "se-09-hosp-b", Name = "B", Kind = LocationKind.Hospital, RegionCode = "09" },
                new Location { Id = "se-24-hosp-c", Name = "C", Kind = LocationKind.Hospital, RegionCode = "24" },
            },
        });
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = today.AddDays(1);
        await _server.Reporting.SubmitReportAsync(Snapshot("se-01-hosp-a", "s", Now.AddHours(-1), Line(Ffp2, 100)));
        // 100 of B's 600 are reserved: never given away.
        await _server.Reporting.SubmitReportAsync(Snapshot("se-09-hosp-b", "s", Now.AddHours(-1), Line(Ffp2, 600, reserved: 100)));
        // 900 of C's 1,000 expire on the scenario's first day: usable today (what C published), not when the scenario starts.
        await _server.Reporting.SubmitReportAsync(Snapshot("se-24-hosp-c", "s", Now.AddHours(-1),
            Line(Ffp2, 1000, lots: new Lot { LotNumber = "X1", ExpiresOn = start.ToString("yyyy-MM-dd"), Quantity = 900 })));
        // C publishes on its own day: if that is already the scenario's first day (past midnight), its 900 have expired.
        await AggregatesHold(Ffp2, locations: 3, usable: [100 + 500 + 1000, 100 + 500 + 100]);

        var result = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = $$"""
            id: ffp2-e2e
            name: FFP2 in Stockholm
            start: {{start:yyyy-MM-dd}}
            horizon_days: 3
            reserve_days: 0
            profiles:
              - id: ffp2
                name: FFP2 per patient
                categories:
                  T2:
                    - {item: "ppe:ffp2", per_casualty_per_day: 2}
            regions:
              - region: "01"
                casualties: {T2: 150}
            """ });

        // 300 a day. Day 0: own region only (lead 0): A's 100. Day 1: the same healthcare region (lead 1): 300 of B's 500.
        // Day 2: B's last 200, then other regions (lead 2): C's 100 usable.
        Assert.True(result.LiveStock);
        Assert.Equal(["0 se-01-hosp-a 01 100 own-region", "1 se-09-hosp-b 09 300 same-healthcare-region",
                      "2 se-09-hosp-b 09 200 same-healthcare-region", "2 se-24-hosp-c 24 100 other-regions"],
            result.Transfers.Select(t => $"{t.Day} {result.Sources[t.Source].LocationId} {result.Sources[t.Source].Region} {t.Quantity} {Tier(t.Tier)}"));
        // Ids travel once: three sources, one item, every transfer for the one line (region 01).
        Assert.Equal(["se-01-hosp-a", "se-09-hosp-b", "se-24-hosp-c"], result.Sources.Select(s => s.LocationId));
        Assert.Equal([Ffp2], result.Items);
        Assert.All(result.Transfers, t => Assert.Equal(("01", Ffp2), (result.Lines[t.Line].RegionCode, result.Items[t.Item])));
        var line = result.Lines.Single();
        Assert.Equal((900L, 100L, 500L, 100L, 200L, 0), (line.Demand, line.MetBy.OwnRegion, line.MetBy.SameHealthcareRegion,
            line.MetBy.OtherRegions, line.Shortfall, line.FirstDayShort));
        Assert.Equal((900L, 700L, 200L), (result.Totals.Demand, result.Totals.Met, result.Totals.Shortfall));
    }

    [Fact]
    public async Task The_documented_worked_example_gives_the_documented_totals()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Supply.Testing.RepoPaths.Root, "docs", "scenarios", "worked-example.md"));
        var yaml = page.Split("```yaml", 2)[1].Split("```", 2)[0];

        var result = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = yaml });

        Assert.False(result.LiveStock);
        Assert.Equal((90L, 69L, 21L), (result.Totals.Demand, result.Totals.Met, result.Totals.Shortfall));
        // The fair plan explains itself: FFP2 is 5 short on day 2 with only reserves left; the cannulas are short on days 0
        // and 1 because Uppsala's are two days away.
        Assert.Equal("fair", result.Planner);
        Assert.Equal(["01 item ppe:ffp2 T1: 2 5 Reserve", "01 group iv-cannula-18g T1: 0 6 LeadTime, 1 10 LeadTime"],
            result.Lines.Select(l => $"{l.RegionCode} {l.SupplyKind} {l.SupplyId} {string.Join(",", l.Categories)}: " +
                                     string.Join(", ", l.Shortfalls.Select(s => $"{s.Day} {s.Quantity} {s.Bound}"))));
        Assert.All(result.Transfers, t => Assert.Equal(100, t.Priority)); // T1 of an inline profile: the default priority 3, weight 10^2
        // The greedy engine on request: the same totals here, nothing explained.
        var greedy = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = yaml, Planner = "greedy" });
        Assert.Equal(("greedy", 69L), (greedy.Planner, greedy.Totals.Met));
        var unexplained = greedy.Lines.SelectMany(l => l.Shortfalls).ToList();
        Assert.Equal(21L, unexplained.Sum(s => s.Quantity));
        Assert.All(unexplained, s => Assert.Equal(ShortfallBound.Unspecified, s.Bound));
        var refused = await Assert.ThrowsAsync<RpcException>(() => ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = yaml, Planner = "optimal" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var census = Assert.Single(result.Census);
        Assert.Equal(("01", "T1"), (census.RegionCode, census.Category));
        Assert.Equal([10.0, 10.0, 10.0], census.Patients);
        Assert.All(result.Lines, l => Assert.Equal(l.Demand, l.MetBy.OwnRegion + l.MetBy.SameHealthcareRegion + l.MetBy.OtherRegions
            + l.MetBy.NationalStockpile + l.MetBy.Suppliers + l.Shortfall));
    }

    [Fact]
    public async Task A_bad_scenario_file_is_refused_naming_the_field()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => ScenariosClient.RunScenarioAsync(new RunScenarioRequest
        {
            Document = "id: x\nname: x\nstart: 2025-03-14\nhorizon_days: -3\nreserve_days: 1\nprofiles: [major-trauma]\nregions: [{region: \"01\", casualties: {T1: 5}}]\n",
        }).ResponseAsync);
        Assert.Contains(FieldsAtFault(e), f => f.StartsWith("horizon_days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shortage_notice_lowers_supplier_deliveries_in_a_live_scenario()
    {
        // Region 23 has little FFP2; a supplier in region 01 has plenty; no other stock exists on this server.
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations =
            {
                new Location { Id = "se-23-hosp-ostersund", Name = "Östersunds sjukhus", Kind = LocationKind.Hospital, RegionCode = "23" },
                new Location { Id = "se-01-sup-acme", Name = "Acme AB", Kind = LocationKind.Supplier, RegionCode = "01", Owner = "acme" },
            },
        });
        await _server.Reporting.SubmitReportAsync(Snapshot("se-23-hosp-ostersund", "s", Now.AddHours(-1), Line(Ffp2, 20)));
        await _server.Reporting.SubmitReportAsync(Snapshot("se-01-sup-acme", "s", Now.AddHours(-1), Line(Ffp2, 100_000)));
        await AggregatesHold(Ffp2, locations: 2, usable: 100_020);
        var start = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var scenario = $$"""
            id: ffp2-surge
            name: FFP2 surge in Jämtland
            start: {{start}}
            horizon_days: 7
            reserve_days: 0
            profiles:
              - id: ffp2
                name: FFP2 per patient
                categories:
                  T2:
                    - {item: "ppe:ffp2", per_casualty_per_day: 2}
            regions:
              - region: "23"
                casualties: {T2: 50}
            """;

        var before = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = scenario });
        Assert.True(before.LiveStock);
        Assert.True(before.Totals.MetBy.Suppliers > 0);

        await Notices.PublishShortageNoticeAsync(new ShortageNotice
        {
            Id = "rest-ffp2-1", ItemId = Ffp2, From = start, To = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd"),
            Source = "acme", Reason = "production stop", DeliveryFactor = 0, Alternatives = { "ppe:ffp3" },
        });
        var after = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = scenario });

        Assert.Equal(1, after.ShortageNoticesApplied);
        Assert.Equal(0, after.Totals.MetBy.Suppliers);
        Assert.Equal(before.Totals.Demand, after.Totals.Demand);
        Assert.True(after.Totals.Shortfall > before.Totals.Shortfall);
        var listed = await Notices.ListShortageNoticesAsync(new ListShortageNoticesRequest { ItemId = Ffp2, ActiveOn = start });
        Assert.Equal(["ppe:ffp3"], listed.Notices.Single().Alternatives);
    }

    [Fact]
    public async Task Bad_shortage_notices_are_refused_naming_the_field()
    {
        await _server.Catalog.RegisterItemsAsync(Items());
        var e = await Assert.ThrowsAsync<RpcException>(() => Notices.PublishShortageNoticeAsync(new ShortageNotice
        {
            Id = "x", ItemId = Ffp2, From = "2026-02-30", To = "2026-03-01", Source = "lakemedelsverket",
        }).ResponseAsync);
        Assert.Equal(["from"], FieldsAtFault(e));
        e = await Assert.ThrowsAsync<RpcException>(() => Notices.PublishShortageNoticeAsync(new ShortageNotice
        {
            Id = "x", ItemId = "npl:99999999", From = "2026-03-01", To = "2026-02-01", Source = "lakemedelsverket", DeliveryFactor = 2,
        }).ResponseAsync);
        Assert.Equal(["item_id", "to", "delivery_factor"], FieldsAtFault(e));
        Assert.Empty((await Notices.ListShortageNoticesAsync(new ListShortageNoticesRequest())).Notices);
    }

    private static string Tier(SourceTier tier) => tier switch
    {
        SourceTier.OwnRegion => "own-region",
        SourceTier.SameHealthcareRegion => "same-healthcare-region",
        SourceTier.OtherRegions => "other-regions",
        _ => tier.ToString(),
    };
}
