using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>
/// The overview's matrix shows the life-saving groups with the fewest days first, at most Supply:Dashboard:MatrixGroups
/// of them, and all on request. Its own server (the cap set to 3) and browser, so the shared fixture keeps the default.
/// </summary>
public sealed class MatrixCapTests : IAsyncLifetime
{
    private const int Cap = 3;
    private DashboardServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var chromium = ChromiumLocator.EnsureAsync();
        _server = await DashboardServer.StartAsync($"--Supply:Dashboard:MatrixGroups={Cap}");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = await chromium, Headless = true, Args = DashboardFixture.ChromiumArgs });
    }

    [Fact]
    public async Task The_matrix_shows_the_worst_groups_first_and_all_of_them_on_request()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _server.DashboardUrl, ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.SignInAsync();

        var rows = page.GetByTestId("group-matrix").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(Cap);
        await Expect(page.GetByTestId("matrix-capped")).ToContainTextAsync($"De {Cap} grupper som har minst dagar");
        // Fewest days first: each shown row's lowest figure is no higher than the next row's.
        var lowest = new List<double>();
        for (var i = 0; i < Cap; i++)
        {
            var days = await rows.Nth(i).Locator("td").AllTextContentsAsync();
            // "12,5 ⚠ kritisk" (sv-SE; "–" without data): the figure is the first word (split on ASCII blanks: sv-SE groups thousands with U+00A0).
            var numbers = days.Select(d => System.Text.RegularExpressions.Regex.Split(d.Trim(), "[ \t\r\n]+")[0])
                .Select(d => double.TryParse(d, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.GetCultureInfo("sv-SE"), out var v) ? v : double.PositiveInfinity);
            lowest.Add(numbers.Min());
        }
        Assert.Equal(lowest.Order(), lowest);

        var showAll = page.GetByTestId("matrix-show-all");
        var total = int.Parse(System.Text.RegularExpressions.Regex.Match(await showAll.TextContentAsync() ?? "", @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total > Cap, $"the demo catalog has {total} life-saving groups");
        await showAll.ClickAsync();
        await Expect(rows).ToHaveCountAsync(total);
        await Expect(page.GetByTestId("matrix-capped")).ToHaveCountAsync(0);
        // All groups: in name order, as before the cap.
        var names = await page.GetByTestId("group-matrix").Locator("tbody th[scope=row]").AllTextContentsAsync();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
