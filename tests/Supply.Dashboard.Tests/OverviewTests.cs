using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Domain.Catalog;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardFixture fixture)
{
    private static readonly string[] Bands = ["Critical", "Low", "Watch", "Good", "NoData"];

    [Fact]
    public async Task The_map_shows_all_21_regions_each_with_its_band_written_out()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        var tiles = page.Locator("[data-testid=region-map] a[data-region]");
        await Expect(tiles).ToHaveCountAsync(21);
        var codes = new HashSet<string>();
        for (var i = 0; i < 21; i++)
        {
            var tile = tiles.Nth(i);
            var code = await tile.GetAttributeAsync("data-region");
            var band = await tile.GetAttributeAsync("data-band");
            Assert.Contains(band, Bands);
            codes.Add(code!);
            // The band is text on the tile too, not only a colour.
            Assert.Matches("kritisk|låg|bevaka|god|ingen data", await tile.Locator(".tile-band").TextContentAsync());
        }
        Assert.Equal(Regions.All.Select(r => r.Code).Order(), codes.Order());
        await Expect(page.GetByTestId("under-threshold")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
        await Expect(page.GetByTestId("group-matrix").Locator("thead th")).ToHaveCountAsync(22); // the group column + 21 regions
        await SaveScreenshotAsync(page, "overview.png");
    }

    [Fact]
    public async Task Clicking_a_region_goes_to_its_drill_down_route()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        await page.Locator("[data-testid=region-map] a[data-region='12']").ClickAsync();
        // Commit, not load: Blazor may navigate in the page (dash2's drill-down pages) without a new document.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/region/12", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
    }

    [Fact]
    public async Task The_map_works_by_keyboard_and_at_tablet_width()
    {
        var page = await fixture.NewPageAsync(width: 768, height: 1024);
        await page.SignInAsync();
        var tile = page.Locator("[data-testid=region-map] a[data-region='25']");
        await tile.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/region/25", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
    }

    /// <summary>Screenshots for docs/dashboard.md: written into SUPPLY_SCREENSHOTS_DIR when set (docs/images), else the test output.</summary>
    internal static async Task SaveScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var directory = Environment.GetEnvironmentVariable("SUPPLY_SCREENSHOTS_DIR") is { Length: > 0 } dir ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name), FullPage = fullPage });
    }
}
