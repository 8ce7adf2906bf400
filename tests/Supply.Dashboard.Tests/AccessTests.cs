using Supply.Dashboard.Tests.Fixtures;
using Supply.Server.Security;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>A regional reader sees its own region's figures only: on the map, in the matrix, in the alerts, in the export.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_regional_reader_sees_only_its_region()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(Roles.RegionalReader, region: "09");

        var map = page.GetByTestId("region-map");
        await Expect(map.Locator("a[data-region]")).ToHaveCountAsync(1);
        await Expect(map.Locator("a[data-region='09']")).ToHaveCountAsync(1);
        await Expect(map.Locator("g.no-access[data-region]")).ToHaveCountAsync(20);
        await Expect(map.Locator("g.no-access[data-region='12']")).ToContainTextAsync("ej behörig");
        await Expect(map.Locator("g.no-access .tile-days")).ToHaveCountAsync(0); // no figures for other regions
        await Expect(page.GetByTestId("group-matrix").Locator("thead th")).ToHaveTextAsync(["Substitutionsgrupp", "09"]);

        var export = await page.APIRequest.GetAsync("/export/overview.csv");
        Assert.Equal(200, export.Status);
        var lines = (await export.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // header + Gotland
        Assert.StartsWith("09,Region Gotland,", lines[1]);

        await page.GotoAsync("/alerts");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("region-filter").Locator("option")).ToHaveCountAsync(2); // all (= own) + 09
        var regionsShown = await page.Locator("[data-testid=alert-table] tbody tr td:nth-child(3)").AllTextContentsAsync();
        Assert.All(regionsShown.Where(t => t.Trim().Length > 0 && !t.Contains("Inga larm")), t => Assert.StartsWith("09 ", t.Trim()));
    }

    [Fact]
    public async Task A_national_coordinator_export_has_every_region()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        var export = await page.APIRequest.GetAsync("/export/overview.csv");
        var lines = (await export.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(22, lines.Length);
    }
}
