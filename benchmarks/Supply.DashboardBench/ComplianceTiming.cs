using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Supply.Application;
using Supply.Application.Readiness;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Domain.Readiness;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;
using CoverageLevel = Supply.Domain.Coverage.CoverageLevel;
using CoverageSubject = Supply.Domain.Coverage.CoverageSubject;
using Regions = Supply.Domain.Catalog.Regions;
using ComplianceLine = Supply.Domain.Readiness.ComplianceLine;
using ComplianceSummary = Supply.Domain.Readiness.ComplianceSummary;

/// <summary>
/// The compliance summaries behind the map's compliance layer (issue 15), server side, printed: as computed before (location
/// coverage rows rolled up from the snapshot, timed once: the same-run baseline), the cold sum in the 21 region aggregates, a
/// warm read, and the first read after a report in one region (only that region sums again). Checks both give the same figures.
/// </summary>
internal static class ComplianceTiming
{
    public static async Task RunAsync(DashboardServer server, int rounds)
    {
        var readiness = server.Services.GetRequiredService<ReadinessQueries>();
        var grains = server.Services.GetRequiredService<IGrainFactory>();

        // The regions' own work, cold: each region's locations summed as GetComplianceParts does on a new version.
        var book = await server.Services.GetRequiredService<CatalogCache>().GetAsync();
        var request = LocationCompliance.Request(book.Version, book.Locations.Values, (await readiness.TargetsAsync()).Targets);
        var held = await Task.WhenAll(Regions.All.Select(async r => (r.Code, (await grains.GetGrain<IRegionAggregateGrain>(r.Code).GetAllLocations()).Value)));
        var cold = Stopwatch.StartNew();
        foreach (var (code, locations) in held) LocationCompliance.Of(code, locations, request);
        cold.Stop();

        var warm = new List<double>();
        var partsOnly = new List<double>();
        var targets = (await readiness.TargetsAsync()).Targets;
        var reader = server.Services.GetRequiredService<AggregateReader>();
        IReadOnlyList<ComplianceSummary> now = [];
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            now = (await readiness.SummariesAsync(CoverageLevel.Region, [], null, default)).Areas;
            warm.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await reader.LocationCompliancePartsAsync(targets, default);
            partsOnly.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var afterReport = new List<double>();
        using var channel = server.Channel();
        var catalog = new Catalog.CatalogClient(channel);
        var item = (await catalog.ListItemsAsync(new ListItemsRequest())).Items[0].Id;
        foreach (var region in Regions.All.Select(r => r.Code).Order(StringComparer.Ordinal).Take(rounds))
        {
            var hospital = (await catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = region })).Locations.FirstOrDefault(l => l.Kind == LocationKind.Hospital);
            if (hospital is null) continue;
            var aggregate = grains.GetGrain<IRegionAggregateGrain>(region);
            var ids = (IReadOnlyCollection<string>)[hospital.Id];
            var version = (await aggregate.GetLocations(ids.AsImmutable())).Value.SingleOrDefault()?.Version ?? 0;
            var report = new StockReport
            {
                ReportId = $"compliance-{Guid.NewGuid():N}", LocationId = hospital.Id, AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                Snapshot = new Snapshot { Lines = { new SnapshotLine { ItemId = item, OnHand = 7, AverageDailyConsumption = 3 } } },
            };
            await new StockReporting.StockReportingClient(channel).SubmitReportAsync(report);
            // Until the region holds the new version (the publication trails the acknowledgement a little).
            while ((await aggregate.GetLocations(ids.AsImmutable())).Value.SingleOrDefault()?.Version <= version) await Task.Delay(20);
            var started = Stopwatch.GetTimestamp();
            now = (await readiness.SummariesAsync(CoverageLevel.Region, [], null, default)).Areas;
            afterReport.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        // Last, once settled (every region and the nation pushed and stored): the computation replaced (the baseline), and a read
        // now to compare it with.
        for (var attempt = 1; ; attempt++)
        {
            try { await server.FlushAggregatesAsync(); break; }
            catch (TimeoutException) when (attempt < 5) { } // a loaded machine: the national write can outlast a call's 30 s
        }
        var before = Stopwatch.StartNew();
        var expected = await SummariesAsBeforeAsync(server);
        before.Stop();
        now = (await readiness.SummariesAsync(CoverageLevel.Region, [], null, default)).Areas;
        Console.WriteLine($"compliance summaries per region (ms): as before, location rows rolled up (once) {before.Elapsed.TotalMilliseconds:F1}; " +
            $"now: the 21 region aggregates' sums, cold {cold.Elapsed.TotalMilliseconds:F1}; warm, {warm.Count} reads p50/max " +
            $"{Stats.Percentile(warm, 50):F1}/{warm.Max():F1} (the 21 regions' parts alone {Stats.Percentile(partsOnly, 50):F1}/{partsOnly.Max():F1}); after a report in one region, {afterReport.Count} rounds p50/max " +
            $"{Stats.Percentile(afterReport, 50):F1}/{afterReport.Max():F1}; same figures: {(expected.SequenceEqual(now) ? "yes" : "NO")}");
        foreach (var (was, @is) in expected.Zip(now).Where(x => x.First != x.Second).Take(3)) Console.WriteLine($"  differs: {was} / {@is}");
    }

    /// <summary>The computation replaced: every target level's coverage rows, location rows included, held to targets and summed.</summary>
    private static async Task<IReadOnlyList<ComplianceSummary>> SummariesAsBeforeAsync(DashboardServer server)
    {
        var reader = server.Services.GetRequiredService<AggregateReader>();
        var book = await server.Services.GetRequiredService<CatalogCache>().GetAsync();
        var set = await server.Services.GetRequiredService<ReadinessQueries>().TargetsAsync();
        var lines = new List<(ComplianceLine, AreaPlace)>();
        var at = DateTimeOffset.UtcNow;
        foreach (var (level, subject) in set.Targets.Select(t => (t.Level, t.Subject)).Distinct().Order())
        {
            (at, var rows) = await reader.RowsAsync(new CoverageQuery(level, subject == CoverageSubject.SubstitutionGroup), default);
            lines.AddRange(Compliance.Lines(rows, row => row.Level switch
            {
                CoverageLevel.Location => book.TryGetLocation(row.Area, out var l)
                    ? new AreaPlace(l.RegionCode, Supply.Domain.Coverage.HealthcareRegions.Of(l), l.Kind) : null,
                CoverageLevel.Region => new AreaPlace(row.Area, Supply.Domain.Coverage.HealthcareRegions.Of(row.Area, ""), Supply.Domain.Catalog.LocationKind.Unspecified),
                CoverageLevel.HealthcareRegion => new AreaPlace("", row.Area, Supply.Domain.Catalog.LocationKind.Unspecified),
                _ => new AreaPlace("", "", Supply.Domain.Catalog.LocationKind.Unspecified),
            }, set.Targets));
        }
        return Compliance.Summaries(lines, CoverageLevel.Region, DateOnly.FromDateTime(at.UtcDateTime));
    }
}
