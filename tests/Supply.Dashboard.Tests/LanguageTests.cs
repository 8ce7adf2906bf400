using System.Text.RegularExpressions;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>Swedish by default with Swedish number formats; English by the switch, and back.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LanguageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_language_switch_changes_texts_and_number_formats()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Lägesbild");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "sv");
        // sv-SE: decimal comma ("12,5 dagar").
        await Expect(page.Locator("[data-testid=region-map] a[data-region='01'] .tile-days")).ToHaveTextAsync(new Regex(@"^\d+,\d dagar"));

        await page.GetByTestId("lang-en").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("[data-testid=region-map] a[data-region='01'] .tile-days")).ToHaveTextAsync(new Regex(@"^\d+\.\d days"));

        await page.GetByTestId("lang-sv").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Lägesbild");
    }
}
