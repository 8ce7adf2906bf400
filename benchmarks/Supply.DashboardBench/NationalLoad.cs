using System.Diagnostics;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;
using Supply.LoadTest;

/// <summary>
/// The national data set for --national: 2,000 locations x 2,000 items, one snapshot of every item per location
/// (4 M stock lines), registered and reported as Supply.CoverageBench does it (round 0 of the load test's workload).
/// </summary>
internal static class NationalLoad
{
    public const int Locations = 2_000, Items = 2_000, Streams = 4;

    public static async Task RunAsync(DashboardServer server)
    {
        var workload = new Workload(Locations, Items, DateTimeOffset.UtcNow);
        using var admin = server.Channel(); // the superuser token: admin for the catalog, reporter for every region
        var catalog = new Catalog.CatalogClient(admin);
        foreach (var request in workload.ItemRequests()) await catalog.RegisterItemsAsync(request, deadline: DateTime.UtcNow.AddMinutes(2));
        foreach (var request in workload.LocationRequests()) await catalog.RegisterLocationsAsync(request, deadline: DateTime.UtcNow.AddMinutes(2));

        var channels = Enumerable.Range(0, Streams).Select(_ => server.Channel()).ToArray();
        try
        {
            var options = Options.Parse(["--locations", $"{Locations}", "--items", $"{Items}", "--rounds", "1", "--streams", $"{Streams}", "--window", "32"]);
            var runner = new LoadRunner(workload, channels.Select(c => new StockReporting.StockReportingClient(c)).ToArray(), null, options);
            var loading = Stopwatch.StartNew();
            var results = await runner.RunAsync(CancellationToken.None, drain: TimeSpan.FromMinutes(5));
            var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
            if (errors.Count > 0 || results.Sum(r => r.Rejected + r.Mismatched) > 0)
                throw new InvalidOperationException("loading failed: " + string.Join("; ", errors.Take(3)));
            Console.WriteLine($"national load: {results.Sum(r => r.Acked):N0} reports, {results.Sum(r => r.Lines):N0} stock lines acknowledged in {loading.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var channel in channels) channel.Dispose();
        }
    }
}
