using System.Globalization;
using Supply.Contracts.V1;
using Supply.Dashboard.Components.Map;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Server.Security;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>
/// The overview map's compliance layer (issue 15): each region coloured and labelled by the percent of its readiness
/// target it holds, all its target lines summed, as gRPC's GetReadinessCompliance gives the lines; a regional reader sees
/// only their own region's.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ComplianceLayerTests(DashboardFixture fixture)
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    [Fact]
    public async Task The_compliance_layer_shows_each_regions_percent_of_target_as_GetReadinessCompliance_sums_it()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        await page.GetByTestId("layer-compliance").CheckAsync();
        var tiles = page.Locator("[data-testid=region-map] a[data-region][data-layer=compliance]");
        await Expect(tiles).ToHaveCountAsync(21);
        await Expect(page.GetByTestId("showing")).ToContainTextAsync("illustrativa"); // the shipped targets are said to be examples

        await fixture.Server.FlushAggregatesAsync();
        var expected = await PercentByRegionAsync([]);
        Assert.Equal(21, expected.Count); // the illustrative targets hold every region to 30 days
        foreach (var (region, percent) in expected)
        {
            var tile = page.Locator($"[data-testid=region-map] a[data-region='{region}']");
            await Expect(tile).ToHaveAttributeAsync("data-percent", percent.ToString("R", CultureInfo.InvariantCulture));
            await Expect(tile).ToHaveAttributeAsync("data-band", SupplyBands.OfCompliance(percent).ToString());
            // Written out, never colour alone: "87,5 % av målet".
            await Expect(tile.Locator(".tile-days")).ToContainTextAsync($"{percent.ToString("N1", Swedish)} % av målet");
        }
        await OverviewTests.SaveScreenshotAsync(page, "overview-compliance.png", fullPage: false);

        // Back to days of supply.
        await page.GetByTestId("layer-coverage").CheckAsync();
        await Expect(page.Locator("[data-testid=region-map] a[data-region][data-layer=coverage]")).ToHaveCountAsync(21);
    }

    [Fact]
    public async Task A_regional_reader_sees_only_their_regions_compliance()
    {
        const string region = "12";
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(Roles.RegionalReader, region);
        await page.GetByTestId("layer-compliance").CheckAsync();
        var own = page.Locator($"[data-testid=region-map] a[data-region='{region}'][data-layer=compliance]");
        await Expect(own).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=region-map] a[data-region]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=region-map] g.no-access")).ToHaveCountAsync(20);

        await fixture.Server.FlushAggregatesAsync();
        var expected = await PercentByRegionAsync([region]);
        await Expect(own).ToHaveAttributeAsync("data-percent", expected[region].ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>Per region: (Σ target − Σ gap) / Σ target × 100 over the region-level lines GetReadinessCompliance returns.</summary>
    private async Task<Dictionary<string, double>> PercentByRegionAsync(string[] regions)
    {
        using var channel = fixture.Server.Channel();
        var request = new GetReadinessComplianceRequest { Level = CoverageLevel.Region, Limit = 10_000 };
        request.RegionCodes.AddRange(regions);
        var response = await new Contracts.V1.Readiness.ReadinessClient(channel).GetReadinessComplianceAsync(request);
        Assert.True(response.IllustrativeTargets);
        Assert.True(response.Lines.Count < 10_000, "all lines returned");
        return response.Lines.GroupBy(l => l.Area).ToDictionary(g => g.Key, g =>
        {
            long target = g.Sum(l => l.TargetUnits), gap = g.Sum(l => l.GapUnits);
            return target <= 0 ? 100 : (target - gap) * 100.0 / target;
        });
    }
}
