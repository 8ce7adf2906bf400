using Supply.Exports;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Transport;

/// <summary>The reads an export needs, as gRPC calls through the connection's pipeline (retries, breaker, time-out).</summary>
internal sealed class GrpcReads(SupplyConnection conn) : ISupplyReads
{
    public Task<V1.GetCoverageResponse> GetCoverageAsync(V1.GetCoverageRequest request, CancellationToken cancellationToken) =>
        conn.CallAsync(c => conn.Coverage.GetCoverageAsync(request, cancellationToken: c).ResponseAsync, cancellationToken);

    public Task<V1.ListShortfallsResponse> ListShortfallsAsync(V1.ListShortfallsRequest request, CancellationToken cancellationToken) =>
        conn.CallAsync(c => conn.Coverage.ListShortfallsAsync(request, cancellationToken: c).ResponseAsync, cancellationToken);

    public Task<V1.ListStaleLocationsResponse> ListStaleLocationsAsync(V1.ListStaleLocationsRequest request, CancellationToken cancellationToken) =>
        conn.CallAsync(c => conn.Coverage.ListStaleLocationsAsync(request, cancellationToken: c).ResponseAsync, cancellationToken);

    public Task<V1.ListReportingStatusResponse> ListReportingStatusAsync(V1.ListReportingStatusRequest request, CancellationToken cancellationToken) =>
        conn.CallAsync(c => conn.Query.ListReportingStatusAsync(request, cancellationToken: c).ResponseAsync, cancellationToken);

    public Task<V1.ListItemsResponse> ListItemsAsync(V1.ListItemsRequest request, CancellationToken cancellationToken) =>
        conn.CallAsync(c => conn.Catalog.ListItemsAsync(request, cancellationToken: c).ResponseAsync, cancellationToken);
}
