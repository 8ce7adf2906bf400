using Microsoft.Playwright;
using Supply.Server.Security;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>Steps every dashboard page test takes: sign in (development sign-in page), wait for the live circuit.</summary>
public static class DashboardPages
{
    /// <summary>Signs in on the development page as <paramref name="role"/> (of <paramref name="region"/>) and waits for the overview.</summary>
    public static async Task SignInAsync(this IPage page, string role = Roles.NationalCoordinator, string? region = null, string returnUrl = "/")
    {
        await page.GotoAsync($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.SelectOptionAsync("#role", role);
        if (region is not null) await page.SelectOptionAsync("#region", region);
        await page.ClickAsync("button[type=submit]");
        // Commit, not the default Load: the redirect's load event can be missed between the URL check and the wait
        // (seen once in CI as a 30 s timeout after "networkidle" had fired); the circuit wait below is the real readiness.
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal),
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Waits until Blazor's circuit is up (the page re-renders interactively and events reach the server).</summary>
    public static async Task WaitForInteractiveAsync(this IPage page) =>
        await page.Locator("header[data-interactive=true]").WaitForAsync();
}
