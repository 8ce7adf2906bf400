using Google.Protobuf.WellKnownTypes;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>Reports sent over gRPC show on open pages without a reload: the map's figure, the alert feed and the header count.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_report_over_gRPC_changes_the_map_and_raises_an_alert_without_reload()
    {
        const string region = "23"; // Jämtland Härjedalen
        var overview = await fixture.NewPageAsync();
        await overview.SignInAsync();
        var alerts = await overview.Context.NewPageAsync();
        await alerts.GotoAsync("/alerts");
        await alerts.WaitForInteractiveAsync();

        var tile = overview.Locator($"[data-testid=region-map] a[data-region='{region}']");
        var bandBefore = await tile.GetAttributeAsync("data-band");
        // Fill the region up (or empty it when already full): every group's days cross the 7-day threshold.
        var fill = bandBefore is "Critical" or "Low" or "Watch";
        await ReportEverywhereAsync(region, onHand: fill ? 1_000_000 : 0);

        var bandAfter = fill ? "Good" : "Critical";
        await Expect(tile).ToHaveAttributeAsync("data-band", bandAfter);
        var kind = fill ? "recovered" : "below";
        await Expect(alerts.Locator($"[data-testid=alert-table] tbody tr:has([data-kind={kind}])").Filter(new() { HasText = $"{region} Region Jämtland" }).First)
            .ToBeVisibleAsync();
        await Expect(overview.GetByTestId("alert-count")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^0\b"));
        // Pushed rows keep the reader's formats (sv-SE: "2026-12-07 09:30").
        await Expect(alerts.Locator("[data-testid=alert-table] tbody tr td").First)
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*$"));
        await OverviewTests.SaveScreenshotAsync(alerts, "alerts.png", fullPage: false);
    }

    /// <summary>A snapshot of every catalog item at every location of <paramref name="region"/>, now.</summary>
    private async Task ReportEverywhereAsync(string region, long onHand)
    {
        using var channel = fixture.Server.Channel();
        var catalog = new Catalog.CatalogClient(channel);
        var items = (await catalog.ListItemsAsync(new ListItemsRequest())).Items;
        var locations = (await catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = region })).Locations;
        var reporting = new StockReporting.StockReportingClient(channel);
        foreach (var location in locations)
        {
            var report = new StockReport
            {
                ReportId = $"live-{Guid.NewGuid():N}", LocationId = location.Id, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                Snapshot = new Snapshot(),
            };
            report.Snapshot.Lines.AddRange(items.Select(i => new SnapshotLine { ItemId = i.Id, OnHand = onHand, AverageDailyConsumption = 10 }));
            var ack = await reporting.SubmitReportAsync(report);
            Assert.NotEqual(ReportOutcome.Rejected, ack.Outcome);
        }
    }
}
