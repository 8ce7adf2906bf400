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

    [Fact]
    public async Task The_documented_worked_example_gives_the_documented_totals()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Supply.Testing.RepoPaths.Root, "docs", "scenarios", "worked-example.md"));
        var yaml = page.Split("```yaml", 2)[1].Split("```", 2)[0];

        var result = await ScenariosClient.RunScenarioAsync(new RunScenarioRequest { Document = yaml });

        Assert.False(result.LiveStock);
        Assert.Equal((90L, 69L, 21L), (result.Totals.Demand, result.Totals.Met, result.Totals.Shortfall));
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
}
