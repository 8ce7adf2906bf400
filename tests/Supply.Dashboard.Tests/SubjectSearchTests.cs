using System.Text.RegularExpressions;
using Supply.Contracts.V1;
using Supply.Dashboard.Components.Map;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>
/// The overview's subject search box (it replaced a selector holding every group and item: 2,000 options nationally):
/// suggestions come from the server as you type, a choice is made by keyboard or mouse, and the map then shows the
/// chosen group or item with the bands gRPC's GetCoverage gives for it.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SubjectSearchTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_group_typed_and_chosen_by_keyboard_colours_the_map_as_GetCoverage_answers()
    {
        using var channel = fixture.Server.Channel();
        var items = (await new Catalog.CatalogClient(channel).ListItemsAsync(new ListItemsRequest())).Items;
        var group = items.Where(i => i.SubstitutionGroup.Length > 0).Select(i => i.SubstitutionGroup).Order(StringComparer.Ordinal).First();

        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        // No list of every group and item in the page: the suggestions are fetched as the reader types.
        await Expect(page.Locator(".map-panel option")).ToHaveCountAsync(0);
        await Expect(page.Locator(".map-panel [data-choice]")).ToHaveCountAsync(0);

        var box = page.GetByTestId("subject-search").Locator("input");
        await box.FocusAsync();
        await page.Keyboard.TypeAsync(group, new() { Delay = 20 });
        await Expect(box).ToHaveValueAsync(group);
        // The suggestions follow the text typed: the group, no longer the opening list ("all supplies" first).
        await Expect(page.Locator("[data-choice='all']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"[data-choice='grp:{group}']")).ToBeVisibleAsync();
        // At most a screenful of suggestions, never the catalog.
        Assert.InRange(await page.Locator("[data-choice]").CountAsync(), 1, 20);
        await ChooseByKeyboardAsync(page, $"grp:{group}");
        await Expect(page.GetByTestId("showing")).ToContainTextAsync(group);

        await fixture.Server.FlushAggregatesAsync();
        var request = new GetCoverageRequest { Level = CoverageLevel.Region, ByGroup = true, SubstitutionGroup = group };
        var rows = (await new Coverage.CoverageClient(channel).GetCoverageAsync(request)).Rows;
        Assert.NotEmpty(rows);
        foreach (var region in Domain.Catalog.Regions.All)
        {
            var row = rows.SingleOrDefault(r => r.Area == region.Code);
            var band = SupplyBands.Of(row is { HasDaysOfSupply: true } ? row.DaysOfSupply : null);
            await Expect(page.Locator($"[data-testid=region-map] a[data-region='{region.Code}']")).ToHaveAttributeAsync("data-band", band.ToString());
        }
        await Expect(page.GetByTestId("trend-link")).ToHaveAttributeAsync("href", $"trend?level=nation&subject={Uri.EscapeDataString("grp:" + group)}");
    }

    [Fact]
    public async Task An_item_found_by_part_of_its_name_is_chosen_by_mouse_and_English_labels_follow_the_switch()
    {
        using var channel = fixture.Server.Channel();
        var items = (await new Catalog.CatalogClient(channel).ListItemsAsync(new ListItemsRequest())).Items;
        var item = items.OrderBy(i => i.Id, StringComparer.Ordinal).First(i => i.Name.Length >= 6);
        var part = item.Name.Substring(1, 5).ToUpperInvariant(); // the middle of the name, another case: still found

        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        await page.GetByTestId("subject-search").Locator("input").FillAsync(part);
        var choice = page.Locator($"[data-choice='item:{item.Id}']");
        await Expect(choice).ToBeVisibleAsync();
        await choice.ClickAsync();
        await Expect(page.GetByTestId("showing")).ToContainTextAsync(item.Name);

        await fixture.Server.FlushAggregatesAsync();
        var rows = (await new Coverage.CoverageClient(channel).GetCoverageAsync(
            new GetCoverageRequest { Level = CoverageLevel.Region, ItemId = item.Id })).Rows;
        foreach (var row in rows)
        {
            await Expect(page.Locator($"[data-testid=region-map] a[data-region='{row.Area}']"))
                .ToHaveAttributeAsync("data-band", SupplyBands.Of(row.HasDaysOfSupply ? row.DaysOfSupply : null).ToString());
        }

        // Categories are offered in the reader's language.
        await page.GetByTestId("lang-en").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await page.WaitForInteractiveAsync();
        var box = page.GetByTestId("subject-search").Locator("input");
        await box.FillAsync("equip");
        await Expect(page.Locator("[data-choice='cat:Equipment']")).ToHaveTextAsync(new Regex("^Equipment"));
        await ChooseByKeyboardAsync(page, "cat:Equipment");
        await Expect(page.GetByTestId("showing")).ToContainTextAsync("Equipment");
    }

    /// <summary>The arrow keys move the highlight (MudBlazor marks it mud-selected-item) to the suggestion; Enter chooses it.</summary>
    private static async Task ChooseByKeyboardAsync(Microsoft.Playwright.IPage page, string value)
    {
        var highlighted = page.Locator($".mud-selected-item [data-choice='{value}']");
        var suggestions = string.Join(" | ", await page.Locator("[data-choice]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.choice)"));
        for (var i = 0; i < 20 && await highlighted.CountAsync() == 0; i++) await page.Keyboard.PressAsync("ArrowDown");
        Assert.True(await highlighted.CountAsync() == 1, $"{value} highlighted by the arrow keys among: {suggestions}");
        await page.Keyboard.PressAsync("Enter");
    }
}
