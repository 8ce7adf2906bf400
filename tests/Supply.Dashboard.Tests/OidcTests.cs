using Microsoft.Playwright;
using Supply.Dashboard.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>
/// OpenID Connect sign-in end to end: the browser opens the dashboard, is sent to a real provider (OpenIddict, code flow
/// with PKCE), comes back with a code the server redeems with its client secret, and gets a session whose role and
/// region come from the provider's token, enforced by the access policy.
/// </summary>
public sealed class OidcTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private DashboardServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var chromium = ChromiumLocator.EnsureAsync();
        DashboardServer? server = null;
        _provider = await TestOidcProvider.StartAsync(() => server!.DashboardUrl + "/auth/signin-oidc");
        _server = server = await DashboardServer.StartAsync(
            $"--Supply:Dashboard:Oidc:Authority={_provider.Authority}",
            $"--Supply:Dashboard:Oidc:ClientId={TestOidcProvider.ClientId}",
            $"--Supply:Dashboard:Oidc:ClientSecret={TestOidcProvider.ClientSecret}",
            "--Supply:Dashboard:Oidc:RequireHttpsMetadata=false");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = await chromium, Headless = true, Args = DashboardFixture.ChromiumArgs });
    }

    [Fact]
    public async Task Signing_in_through_the_provider_gives_the_role_and_region_of_its_token()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _server.DashboardUrl, Locale = "sv-SE" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var visitedProvider = false;
        page.Request += (_, request) => visitedProvider |= request.Url.StartsWith(_provider.Authority + "connect/authorize", StringComparison.Ordinal)
            && request.Url.Contains("code_challenge=", StringComparison.Ordinal);

        await page.GotoAsync("/");
        await page.WaitForInteractiveAsync();

        Assert.True(visitedProvider, "the browser went through the provider's authorization endpoint with a PKCE challenge");
        await Expect(page.GetByTestId("user")).ToContainTextAsync(TestOidcProvider.UserName);
        await Expect(page.GetByTestId("role")).ToHaveTextAsync(TestOidcProvider.UserRole);
        var map = page.GetByTestId("region-map");
        await Expect(map.Locator("a[data-region]")).ToHaveCountAsync(1);
        await Expect(map.Locator($"a[data-region='{TestOidcProvider.UserRegion}']")).ToHaveCountAsync(1);
        await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        if (_provider is not null) await _provider.DisposeAsync();
    }
}
