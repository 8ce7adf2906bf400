using System.Globalization;
using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>Nation → region → location → lots, and the tables' sorting and filtering, in the browser.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DrillDownTests(DashboardFixture fixture)
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    [Fact]
    public async Task Clicking_a_region_on_the_map_drills_down_to_a_location_and_its_lots()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        await page.Locator("[data-testid=region-map] a[data-region='14']").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/region/14", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.GetByTestId("region-title")).ToContainTextAsync("Västra Götaland");

        var supplies = page.GetByTestId("supplies").Locator("tbody tr");
        await Expect(supplies.First).ToBeVisibleAsync();
        var locationLinks = page.GetByTestId("locations").Locator("tbody td[data-col=location] a");
        await Expect(locationLinks.First).ToBeVisibleAsync();
        await OverviewTests.SaveScreenshotAsync(page, "region.png");

        var locationId = (await locationLinks.First.TextContentAsync())!.Trim();
        await locationLinks.First.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/location/{locationId}", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.GetByTestId("location-title")).ToContainTextAsync(locationId);
        await Expect(page.GetByTestId("breadcrumb")).ToContainTextAsync("Västra Götaland");
        // Lots with their expiry dates (ISO dates) and the item lines above them.
        await Expect(page.GetByTestId("lines").Locator("tbody tr").First).ToBeVisibleAsync();
        var expiries = page.GetByTestId("lots").Locator("tbody td[data-col=expires]");
        await Expect(expiries.First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d{4}-\d{2}-\d{2}\s*$"));
        await OverviewTests.SaveScreenshotAsync(page, "location.png");
    }

    [Fact]
    public async Task A_table_sorts_by_a_column_and_filters_its_rows()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/nation");
        var regions = page.GetByTestId("regions");
        await Expect(regions.Locator("tbody tr").First).ToBeVisibleAsync();

        // Sorted by days of supply at first (fewest first); a click on the header sorts descending.
        await regions.Locator("th button[data-sort=days]").ClickAsync();
        await Expect(regions.Locator("th[aria-sort=descending] button[data-sort=days]")).ToBeVisibleAsync();
        var days = (await regions.Locator("tbody td[data-col=days]").AllTextContentsAsync())
            .Select(t => t.Trim()).Where(t => t.Length > 0).Select(t => double.Parse(t, NumberStyles.Number, Swedish)).ToList();
        Assert.True(days.Count > 1, "rows with days of supply");
        Assert.Equal(days.OrderByDescending(d => d), days);

        // The filter keeps only rows that mention the text: Skåne's code.
        var before = await regions.Locator("tbody tr").CountAsync();
        await regions.GetByTestId("regions-filter").FillAsync("Skåne");
        await Expect(regions.Locator("tbody tr")).Not.ToHaveCountAsync(before);
        var areas = await regions.Locator("tbody td[data-col=area]").AllTextContentsAsync();
        Assert.NotEmpty(areas);
        Assert.All(areas, a => Assert.Equal("12", a.Trim()));
        await OverviewTests.SaveScreenshotAsync(page, "nation.png");
    }

    [Fact]
    public async Task Shortfalls_are_worst_first_under_the_chosen_days_and_reporting_lists_every_region()
    {
        var page = await fixture.NewPageAsync(width: 768, height: 1024); // tablet width
        await page.SignInAsync(returnUrl: "/shortfalls");
        await page.GetByTestId("days").FillAsync("10");
        await page.GetByTestId("apply").ClickAsync();
        var table = page.GetByTestId("shortfalls");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();
        var days = (await table.Locator("tbody td[data-col=days]").AllTextContentsAsync())
            .Select(t => double.Parse(t.Trim(), NumberStyles.Number, Swedish)).ToList();
        Assert.All(days, d => Assert.True(d < 10, $"{d} is under 10 days"));
        Assert.Equal(days.Order(), days);
        await OverviewTests.SaveScreenshotAsync(page, "shortfalls.png");

        await page.GotoAsync("/reporting");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("reporting-by-region").Locator("tbody tr")).ToHaveCountAsync(21);
        await OverviewTests.SaveScreenshotAsync(page, "reporting.png");
    }
}
