using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>Building a scenario on /scenarios by picking regions on the map and entering casualties, then running it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ScenarioBuilderTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_coordinator_builds_a_scenario_on_the_map_and_sees_result_rows_for_its_regions()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/scenarios");
        var builder = page.GetByTestId("scenario-builder");
        var map = builder.GetByTestId("region-map");

        // One region by mouse, one by keyboard (focus and Space); a third toggled on and off again with Enter.
        await map.Locator("[data-region='12']").ClickAsync();
        await map.Locator("[data-region='25']").FocusAsync();
        await page.Keyboard.PressAsync(" ");
        await map.Locator("[data-region='01']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(map.Locator("[data-region='01']")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("Enter");
        await Expect(map.Locator("[data-region='01']")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(map.Locator("[aria-pressed=true]")).ToHaveCountAsync(2);
        await Expect(builder.GetByTestId("builder-regions")).ToContainTextAsync("12, 25");

        await builder.GetByTestId("builder-profile").SelectOptionAsync("major-trauma");
        await builder.GetByTestId("builder-casualties-T1").FillAsync("5");
        await builder.GetByTestId("builder-casualties-T2").FillAsync("10");
        await builder.GetByTestId("builder-horizon").FocusAsync(); // the casualty inputs report on change (leaving the field)
        await builder.GetByTestId("builder-run").ClickAsync();

        // The generated document is shown, and run through the same path as an uploaded one.
        var document = page.GetByTestId("document");
        await Expect(document).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("profiles: \\[major-trauma\\]"));
        var text = await document.InputValueAsync();
        Assert.Contains("region: \"12\"", text, StringComparison.Ordinal);
        Assert.Contains("region: \"25\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("region: \"01\"", text, StringComparison.Ordinal);
        Assert.Contains("\"T1\": 5", text, StringComparison.Ordinal);

        await Expect(page.GetByTestId("scenario-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var regions = page.GetByTestId("scenario-lines").Locator("tbody tr td[data-col=region]");
        await Expect(regions.First).ToBeVisibleAsync();
        var shown = (await regions.AllTextContentsAsync()).Select(r => r.Trim()).ToHashSet();
        Assert.Contains("12", shown);
        Assert.Contains("25", shown);
        Assert.DoesNotContain("01", shown);
    }
}
