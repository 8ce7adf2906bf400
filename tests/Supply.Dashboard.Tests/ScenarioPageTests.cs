using System.Globalization;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Server.Security;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>Running a shipped scenario against the live demo stock and downloading its transfer plan.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ScenarioPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_coordinator_runs_an_example_and_downloads_its_plan_as_csv_and_xlsx()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/scenarios");
        await page.GetByTestId("example").SelectOptionAsync("major-trauma-stockholm.yaml");
        await Expect(page.GetByTestId("document")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("id: major-trauma-stockholm"));
        await page.GetByTestId("run").ClickAsync();
        await Expect(page.GetByTestId("scenario-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("day-chart")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("flow-map").Locator("rect")).ToHaveCountAsync(21); // the regions the plan's flows run between
        await Expect(page.GetByTestId("scenario-lines").Locator("tbody tr td[data-col=region]").First).ToHaveTextAsync("01");
        // Each line says which casualty categories it serves and its priority (the fair plan's weight).
        await Expect(page.GetByTestId("scenario-lines").Locator("tbody tr td[data-col=categories]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\S"));

        var plan = page.GetByTestId("scenario-plan");
        var count = int.Parse((await plan.GetByTestId("scenario-plan-count").TextContentAsync())!.Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("sv-SE"));
        Assert.True(count > 0, "the plan has transfers");
        await OverviewTests.SaveScreenshotAsync(page, "scenarios.png");

        var (header, rows) = DownloadedFiles.ReadSwedishCsv(await page.DownloadAsync(plan.GetByTestId("scenario-plan-csv")));
        Assert.Equal(count, rows.Count);
        var to = Array.IndexOf(header, "Till region");
        var quantity = Array.IndexOf(header, "Antal");
        var priority = Array.IndexOf(header, "Prioritet");
        Assert.True(to >= 0 && quantity >= 0 && priority >= 0, string.Join(";", header));
        Assert.All(rows, r => Assert.True(double.Parse(r[priority], CultureInfo.GetCultureInfo("sv-SE")) > 0, "every transfer carries the priority of the line it serves"));
        Assert.All(rows, r => Assert.Equal("01", r[to])); // every casualty of this scenario is in Stockholm
        Assert.All(rows, r => Assert.True(long.Parse(r[quantity], CultureInfo.InvariantCulture) > 0));

        var xlsx = DownloadedFiles.ReadXlsx(await page.DownloadAsync(plan.GetByTestId("scenario-plan-xlsx")));
        Assert.Equal(count, xlsx.Count);
        Assert.Equal(rows.Sum(r => long.Parse(r[quantity], CultureInfo.InvariantCulture)), xlsx.Sum(r => Convert.ToInt64(r["Antal"], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_scenario_with_patient_flow_shows_its_census_beside_the_supplies()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/scenarios");
        await page.GetByTestId("example").SelectOptionAsync("train-crash-waves.yaml");
        await page.GetByTestId("run").ClickAsync();
        await Expect(page.GetByTestId("scenario-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var census = page.GetByTestId("scenario-census");
        await Expect(census).ToBeVisibleAsync();
        var rows = await census.Locator("tbody tr").CountAsync();
        Assert.True(rows > 0, "the census has a row per region, category and day");
        var patients = await census.Locator("tbody tr td[data-col=patients]").AllTextContentsAsync();
        Assert.Contains(patients, p => double.Parse(p.Replace('\u00a0', ' ').Replace(" ", ""), CultureInfo.GetCultureInfo("sv-SE")) > 0);
    }

    [Fact]
    public async Task A_regional_reader_may_not_run_scenarios()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(Roles.RegionalReader, "12", returnUrl: "/scenarios");
        await Expect(page.GetByTestId("scenario-refused")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("run")).ToHaveCountAsync(0);
    }
}
