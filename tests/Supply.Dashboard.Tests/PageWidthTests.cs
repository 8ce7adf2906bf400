using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;

namespace Supply.Dashboard.Tests;

/// <summary>
/// No page scrolls sideways at desktop (1280×800) or tablet (768 px) width: wide tables and the group × region
/// matrix scroll inside their own container instead (issue 14: "a page works at 1280×800 and on a tablet width").
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PageWidthTests(DashboardFixture fixture)
{
    public static TheoryData<string, int, int> Pages()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var (width, height) in new[] { (1280, 800), (768, 1024) })
        {
            foreach (var path in new[] { "/", "/nation", "/region/12", "/shortfalls", "/reporting", "/scenarios", "/alerts", "/readiness", "/expiry-wave", "/trend?level=nation&subject=grp:J01CA04-750mg-tablet" })
            {
                data.Add(path, width, height);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_does_not_scroll_horizontally(string path, int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        await page.SignInAsync(returnUrl: path);
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == path, new() { WaitUntil = WaitUntilState.Commit });
        // The page's content is in (its tables or matrix loaded, no "…" placeholder left) before it is measured.
        await page.WaitForFunctionAsync("() => !document.querySelector('main').innerText.includes('…')");
        if (path == "/") await page.GetByTestId("group-matrix").WaitForAsync();

        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var innerWidth = await page.EvaluateAsync<int>("() => window.innerWidth");
        Assert.Equal(width, innerWidth);
        Assert.True(scrollWidth <= innerWidth,
            $"{path} at {width} px is {scrollWidth} px wide; elements reaching past the viewport: {await WidestAsync(page)}");
    }

    /// <summary>The elements whose right edge lies past the viewport, outermost first (for the failure message).</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 12)
            .map(e => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''}(${Math.round(e.getBoundingClientRect().right)})`)
            .join(', ')
        """);
}
