using Microsoft.Extensions.DependencyInjection;
using Supply.Grains.Aggregation;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>Makes the aggregates current before a page's figures are compared with an RPC's answer.</summary>
public static class AggregateFlush
{
    /// <summary>Every region stores and pushes what it holds, then the nation: when this returns the nation has it all.</summary>
    public static async Task FlushAggregatesAsync(this DashboardServer server)
    {
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        await Task.WhenAll(Domain.Catalog.Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).Flush()));
        await grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden).Flush();
    }
}
