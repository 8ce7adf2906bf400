using Microsoft.Extensions.Hosting;
using Supply.Contracts.V1;
using Supply.Server.Hosting;

namespace Supply.Server.Tests;

/// <summary>The one way to load the demo data set: the server's --Supply:Demo=true, as in the README's run command.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_flag_loads_every_region_at_start_and_loading_it_again_on_restart_changes_nothing()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Demo=true");
        await server.DemoLoadedAsync();

        var locations = await server.Catalog.ListLocationsAsync(new ListLocationsRequest());
        Assert.Equal(21, locations.Locations.Where(l => l.Kind == LocationKind.Hospital).Select(l => l.RegionCode).Distinct().Count());
        var items = await server.Catalog.ListItemsAsync(new ListItemsRequest());
        Assert.True(items.Items.Count >= 40);
        Assert.Equal(3, items.Items.Select(i => i.Category).Distinct().Count());
        // Reads across locations come from the aggregates: wait until they hold every location's newest version.
        var versions = new Dictionary<string, long>();
        foreach (var l in locations.Locations)
            versions[l.Id] = (await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = l.Id })).Version;
        var status = await Converge.UntilAsync(async () => await server.Query.ListReportingStatusAsync(new ListReportingStatusRequest()),
            r => r.Locations.All(s => s.ReportsAccepted == versions[s.LocationId]));
        Assert.All(status.Locations, s => Assert.True(s.HasReported, s.LocationId));
        var ffp2 = await server.Query.GetItemStockAsync(new GetItemStockRequest { ItemId = "ppe:ffp2" });
        Assert.True(ffp2.Totals.OnHand > 0);

        await server.RestartAsync(); // same database, the demo loaded again
        await server.DemoLoadedAsync();

        await Converge.UntilAsync(async () => await server.Query.ListReportingStatusAsync(new ListReportingStatusRequest()),
            r => r.Locations.All(s => s.ReportsAccepted == versions[s.LocationId]));
        var again = await server.Query.GetItemStockAsync(new GetItemStockRequest { ItemId = "ppe:ffp2" });
        Assert.Equal(ffp2.Totals, again.Totals);
        var first = status.Locations[0];
        var history = await server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = first.LocationId });
        Assert.Equal(first.ReportsAccepted, history.Total);
    }

    [Fact]
    public async Task Without_the_flag_the_server_starts_empty()
    {
        await using var server = await SupplyServer.StartAsync();

        Assert.Empty(server.Services.GetServices<IHostedService>().OfType<DemoLoader>());
        Assert.Empty((await server.Catalog.ListItemsAsync(new ListItemsRequest())).Items);
    }
}
