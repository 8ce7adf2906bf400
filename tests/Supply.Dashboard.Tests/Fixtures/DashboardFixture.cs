using Microsoft.Playwright;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>
/// One server with the demo data and one headless Chromium, shared by the tests of a collection (start-up costs
/// seconds; each test opens its own browser context, so cookies and sessions never leak between tests).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public DashboardServer Server { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Flags checked to work with Debian's Chromium here (../shared/NOTES.md): no sandbox as root, no calls home.</summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public async Task InitializeAsync()
    {
        var chromium = ChromiumLocator.EnsureAsync();
        Server = await DashboardServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = await chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context (no cookies) at 1280×800, Swedish, and a page in it.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.DashboardUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "sv-SE",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
