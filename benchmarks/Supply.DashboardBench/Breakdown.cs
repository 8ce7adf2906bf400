using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Supply.Application;
using Supply.Dashboard.Live;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Domain.Coverage;
using Supply.Server.Security;

/// <summary>
/// Where an overview load's time goes (printed, not asserted): the server-side reads alone (in process, no browser),
/// and the browser's navigation timing (time to first byte = prerendering on the server, the document's size and
/// transfer, DOM ready) beside the time until the map and figures are found.
/// </summary>
internal static class Breakdown
{
    private static readonly Caller Coordinator = new("bench", new HashSet<string> { Roles.NationalCoordinator }, new HashSet<string>(), new HashSet<string>());

    /// <summary>The overview's reads, each timed on its own, then the whole load, <paramref name="rounds"/> times.</summary>
    public static async Task ServerSideAsync(DashboardServer server, int rounds)
    {
        var loader = server.Services.GetRequiredService<OverviewLoader>();
        var coverage = server.Services.GetRequiredService<CoverageQueries>();
        var parts = new Dictionary<string, List<double>>();
        async Task Time(string name, Func<Task> work)
        {
            var started = Stopwatch.GetTimestamp();
            await work();
            (parts.TryGetValue(name, out var list) ? list : parts[name] = []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        for (var i = 0; i < rounds; i++)
        {
            await Time("region rows by group", () => coverage.RowsAsync(new CoverageQuery(CoverageLevel.Region, ByGroup: true), default));
            await Time("nation rows by group", () => coverage.RowsAsync(new CoverageQuery(CoverageLevel.Nation, ByGroup: true), default));
            await Time("reporting summary", () => coverage.ReportingSummaryAsync([], default));
            await Time("selector choices", () => loader.ChoicesAsync());
            await Time("whole overview model", () => loader.LoadAsync(Coordinator, "all", 7, default));
            await Time("subject search (20 of the catalog)", async () =>
            {
                var (groups, items) = await loader.ChoicesAsync();
                SubjectChoices.Find("a", groups, items, overall: true, label: key => key);
            });
            await Time("overview model, compliance layer", () => loader.LoadAsync(Coordinator, "all", 7, default, Supply.Dashboard.Components.Map.MapLayer.Compliance));
        }
        Console.WriteLine($"server side, {rounds} rounds (ms, p50/max): " +
            string.Join("; ", parts.Select(kv => $"{kv.Key} {Stats.Percentile(kv.Value, 50):F1}/{kv.Value.Max():F1}")));
    }

    /// <summary>The browser's timing of the last navigation: (time to first byte, response end, DOM content loaded, document bytes).</summary>
    public static async Task<double[]> NavigationAsync(IPage page) =>
        await page.EvaluateAsync<double[]>(
            "() => { const n = performance.getEntriesByType('navigation')[0]; " +
            "return [n.responseStart - n.startTime, n.responseEnd - n.startTime, n.domContentLoadedEventEnd - n.startTime, n.decodedBodySize]; }");

    public static void Print(List<double[]> navigations)
    {
        string Col(int i, string unit) => $"p50 {Stats.Percentile(navigations.Select(n => n[i]).ToList(), 50):F0}{unit}, " +
            $"p95 {Stats.Percentile(navigations.Select(n => n[i]).ToList(), 95):F0}{unit}";
        Console.WriteLine($"  of which: first byte (server prerender) {Col(0, " ms")}; response end {Col(1, " ms")}; DOM ready {Col(2, " ms")}; " +
            $"document {Col(3, " B")}");
    }
}

internal static class Stats
{
    public static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
