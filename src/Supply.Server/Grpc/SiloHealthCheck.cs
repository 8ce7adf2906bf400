using Microsoft.Extensions.Diagnostics.HealthChecks;
using Supply.Grains.Catalog;

namespace Supply.Server.Grpc;

/// <summary>Healthy when the silo answers a grain call (the catalog grain's version).</summary>
internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden).GetVersion().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy($"catalog version {version}");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("the silo did not answer", e);
        }
    }
}
