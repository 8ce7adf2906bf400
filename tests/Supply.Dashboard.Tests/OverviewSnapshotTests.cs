using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Supply.Contracts.V1;
using Supply.Dashboard.Live;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Grains.Aggregation;
using Supply.Server.Security;

namespace Supply.Dashboard.Tests;

/// <summary>
/// The overview's model is shared by every page load and circuit while the figures cannot have changed, scoped by the
/// caller's regions, and rebuilt once a report reaches the national aggregate.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewSnapshotTests(DashboardFixture fixture)
{
    private const string Region = "21"; // Gävleborg
    private static readonly Caller Coordinator = new("snapshot-test", new HashSet<string> { Roles.NationalCoordinator }, new HashSet<string>(), new HashSet<string>());

    [Fact]
    public async Task Loads_share_one_model_per_scope_until_a_report_changes_the_figures()
    {
        var loader = fixture.Server.Services.GetRequiredService<OverviewLoader>();
        await FlushAggregatesAsync(); // reports of earlier tests reach the nation now rather than between these loads

        // Two loads in a row get the same model (built once, not per load). Reports of earlier tests may still be on
        // their way through the aggregates (a new version: a new model), so look again a few times.
        OverviewModel? first = null, second = null;
        for (var attempt = 0; attempt < 10 && (first is null || !ReferenceEquals(first, second)); attempt++)
        {
            first = await loader.LoadAsync(Coordinator, "all", 7, CancellationToken.None);
            second = await loader.LoadAsync(Coordinator, "all", 7, CancellationToken.None);
        }
        Assert.NotNull(first);
        Assert.Same(first, second);

        var reader = new Caller("snapshot-reader", new HashSet<string> { Roles.RegionalReader }, new HashSet<string> { Region }, new HashSet<string>());
        var regional = await loader.LoadAsync(reader, "all", 7, CancellationToken.None);
        Assert.NotNull(regional);
        Assert.NotSame(first, regional); // another scope, another model
        Assert.Equal([Region], regional.MatrixRegions);
        Assert.Equal([Region], regional.Regions.Keys);

        var bandBefore = first.Regions[Region].Band;
        var fill = bandBefore is not Components.Map.SupplyBand.Good;
        var expected = fill ? Components.Map.SupplyBand.Good : Components.Map.SupplyBand.Critical;
        await ReportEverywhereAsync(onHand: fill ? 1_000_000 : 0);

        // The locations publish to their region within about a second, the region to the nation after that: the
        // shared model is rebuilt for the new version and shows the report (the page's refresh loop asks the same way).
        var after = await loader.LoadAsync(Coordinator, "all", 7, CancellationToken.None);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (after!.Regions[Region].Band != expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(200, CancellationToken.None);
            after = await loader.LoadAsync(Coordinator, "all", 7, CancellationToken.None);
        }
        Assert.NotSame(first, after);
        Assert.Equal(expected, after.Regions[Region].Band);
        Assert.True(after.Reporting.LastAsOf >= first.Reporting.LastAsOf);
        var regionalAfter = await loader.LoadAsync(reader, "all", 7, CancellationToken.None);
        Assert.Equal(after.Regions[Region], regionalAfter!.Regions[Region]);
    }

    /// <summary>Every region stores and pushes what it holds; when this returns the nation has it.</summary>
    private async Task FlushAggregatesAsync()
    {
        var grains = fixture.Server.Services.GetRequiredService<IGrainFactory>();
        await Task.WhenAll(Domain.Catalog.Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).Flush()));
    }

    /// <summary>A snapshot of every catalog item at every location of the region, now (as LiveTests sends them).</summary>
    private async Task ReportEverywhereAsync(long onHand)
    {
        using var channel = fixture.Server.Channel();
        var catalog = new Catalog.CatalogClient(channel);
        var items = (await catalog.ListItemsAsync(new ListItemsRequest())).Items;
        var locations = (await catalog.ListLocationsAsync(new ListLocationsRequest { RegionCode = Region })).Locations;
        var reporting = new StockReporting.StockReportingClient(channel);
        foreach (var location in locations)
        {
            var report = new StockReport
            {
                ReportId = $"snapshot-{Guid.NewGuid():N}", LocationId = location.Id,
                AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)), Snapshot = new Snapshot(),
            };
            report.Snapshot.Lines.AddRange(items.Select(i => new SnapshotLine { ItemId = i.Id, OnHand = onHand, AverageDailyConsumption = 10 }));
            Assert.NotEqual(ReportOutcome.Rejected, (await reporting.SubmitReportAsync(report)).Outcome);
        }
    }
}
