using Supply.Dashboard.Tests.Fixtures;
using Supply.Server.Security;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>A regional reader of Skåne (12): no other region's rows on a page reached by URL, nor in an export.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RegionalAccessTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_regional_reader_cannot_open_another_regions_region_or_location_page()
    {
        var stockholm = await fixture.Server.LocationInAsync("01");
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(Roles.RegionalReader, "12", returnUrl: "/region/01");

        await Expect(page.GetByTestId("supplies-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("locations-error")).ToBeVisibleAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(0);

        await page.GotoAsync($"/location/{stockholm.Id}");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("lines-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lots-error")).ToBeVisibleAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("location-title")).Not.ToContainTextAsync(stockholm.Name);

        // Its own region works.
        await page.GotoAsync("/region/12");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("supplies").Locator("tbody tr").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_regional_readers_exports_hold_only_its_region_and_another_regions_export_is_refused()
    {
        var stockholm = await fixture.Server.LocationInAsync("01");
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(Roles.RegionalReader, "12", returnUrl: "/nation");

        // The download link of the page's region table: only Skåne's rows.
        var regions = page.GetByTestId("regions");
        await Expect(regions.Locator("tbody tr").First).ToBeVisibleAsync();
        var xlsx = DownloadedFiles.ReadXlsx(await page.DownloadAsync(regions.GetByTestId("regions-xlsx")));
        Assert.NotEmpty(xlsx);
        Assert.All(xlsx, row => Assert.Equal("12", row["Region"]?.ToString()));

        // Hand-made export URLs (the session's cookie, no page): every row in region 12, other regions refused.
        var api = page.Context.APIRequest;
        var all = await api.GetAsync("export/locations.csv");
        Assert.Equal(200, all.Status);
        var (header, rows) = DownloadedFiles.ReadSwedishCsv(await all.BodyAsync());
        var regionColumn = Array.IndexOf(header, "Region");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("12", r[regionColumn]));

        Assert.Equal(403, (await api.GetAsync("export/locations.csv?region=01")).Status);
        Assert.Equal(403, (await api.GetAsync("export/coverage.xlsx?level=region&region=01")).Status);
        Assert.Equal(403, (await api.GetAsync("export/coverage.csv?level=nation")).Status);
        Assert.Equal(403, (await api.GetAsync($"export/lots.xlsx?location={stockholm.Id}")).Status);
        Assert.Equal(403, (await api.GetAsync($"export/coverage.csv?level=location&area={stockholm.Id}")).Status);
    }

    [Fact]
    public async Task Exports_need_a_signed_in_caller()
    {
        var page = await fixture.NewPageAsync();
        var response = await page.Context.APIRequest.GetAsync("export/coverage.csv?level=region");
        Assert.Equal(401, response.Status);
    }
}
