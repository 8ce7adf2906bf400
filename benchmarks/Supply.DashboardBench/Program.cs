using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;

// dotnet run -c Release --project benchmarks/Supply.DashboardBench [-- [--national] [LOADS]]
// Demo scale by default (157 locations x 76 items). --national adds 2,000 locations x 2,000 items (4 M stock lines),
// registered and reported the way Supply.CoverageBench loads them (Supply.LoadTest's Workload and LoadRunner).
var national = args.Contains("--national");
var loads = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 50;
var chromium = await ChromiumLocator.EnsureAsync();
await using var server = await DashboardServer.StartAsync("--Supply:Dashboard:RefreshInterval=00:00:00.250");
if (national) await NationalLoad.RunAsync(server);
await Breakdown.ServerSideAsync(server, 10);
await ComplianceTiming.RunAsync(server, 5);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = DashboardFixture.ChromiumArgs });
var context = await browser.NewContextAsync(new() { BaseURL = server.DashboardUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
var page = await context.NewPageAsync();
await page.SignInAsync();

// Navigation -> the map's 21 tiles and the national figures rendered (server-side prerendered, then interactive).
var times = new List<double>();
var navigations = new List<double[]>();
for (var i = 0; i < loads + 3; i++)
{
    var started = Stopwatch.GetTimestamp();
    await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
    await page.Locator("[data-testid=region-map] a[data-region]").Nth(20).WaitForAsync();
    await page.GetByTestId("under-threshold").WaitForAsync();
    if (i < 3) continue; // the first three warm up
    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    navigations.Add(await Breakdown.NavigationAsync(page));
}
await page.WaitForInteractiveAsync();
Console.WriteLine($"overview rendered after navigation, {loads} loads: p50 {Stats.Percentile(times, 50):F0} ms, p95 {Stats.Percentile(times, 95):F0} ms, max {times.Max():F0} ms");
Breakdown.Print(navigations);

// Acknowledged report -> the open page shows the region's new band (pushed over the circuit, no reload).
using var channel = server.Channel();
var catalog = new Catalog.CatalogClient(channel);
var items = (await catalog.ListItemsAsync(new ListItemsRequest())).Items;
var reporting = new StockReporting.StockReportingClient(channel);
var propagation = new List<double>();
for (var round = 0; round < 10; round++)
{
    var region = round % 2 == 0 ? "09" : "23";
    var fill = (await page.Locator($"a[data-region='{region}']").GetAttributeAsync("data-band")) != "Good";
    var locations = (await catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = region })).Locations;
    Task? last = null;
    foreach (var location in locations)
    {
        var report = new StockReport
        {
            ReportId = $"bench-{Guid.NewGuid():N}", LocationId = location.Id, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            Snapshot = new Snapshot(),
        };
        report.Snapshot.Lines.AddRange(items.Select(i => new SnapshotLine { ItemId = i.Id, OnHand = fill ? 1_000_000 : 0, AverageDailyConsumption = 10 }));
        last = reporting.SubmitReportAsync(report).ResponseAsync;
        await last;
    }
    var acknowledged = Stopwatch.GetTimestamp();
    await page.Locator($"a[data-region='{region}'][data-band='{(fill ? "Good" : "Critical")}']").WaitForAsync(new() { Timeout = 60_000 });
    propagation.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
}
Console.WriteLine($"last report acknowledged -> map shows it, {propagation.Count} rounds: p50 {Stats.Percentile(propagation, 50):F0} ms, " +
    $"p95 {Stats.Percentile(propagation, 95):F0} ms (page refresh interval 250 ms; aggregates publish within about a second)");
