using System.Globalization;
using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>The readiness (compliance) and expiry-wave tables in the browser, on the demo data and the illustrative targets.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReadinessPageTests(DashboardFixture fixture)
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    [Fact]
    public async Task Compliance_is_worst_first_and_the_expiry_wave_lists_weeks_ahead()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/readiness");
        var table = page.GetByTestId("readiness");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var percents = (await table.Locator("tbody td[data-col=compliant]").AllTextContentsAsync())
            .Select(t => double.Parse(t.Trim(), NumberStyles.Number, Swedish)).ToList();
        Assert.All(percents, p => Assert.InRange(p, 0, 100));
        Assert.Equal(percents.Order(), percents);
        await OverviewTests.SaveScreenshotAsync(page, "readiness.png");

        await page.GotoAsync("/expiry-wave");
        await page.WaitForInteractiveAsync();
        var wave = page.GetByTestId("expiry-wave");
        await Expect(wave.Locator("tbody tr").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(wave.Locator("thead th")).ToHaveCountAsync(3 + 12 + 1);
        await OverviewTests.SaveScreenshotAsync(page, "expiry-wave.png");
    }
}
