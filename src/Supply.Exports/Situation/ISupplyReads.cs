using V1 = Supply.Contracts.V1;

namespace Supply.Exports;

/// <summary>
/// The read RPCs an export needs, as one interface: the CLI answers it with gRPC calls, the server with its own services
/// in-process (after the same access checks), so both build their files from the same replies.
/// </summary>
public interface ISupplyReads
{
    Task<V1.GetCoverageResponse> GetCoverageAsync(V1.GetCoverageRequest request, CancellationToken cancellationToken);
    Task<V1.ListShortfallsResponse> ListShortfallsAsync(V1.ListShortfallsRequest request, CancellationToken cancellationToken);
    Task<V1.ListStaleLocationsResponse> ListStaleLocationsAsync(V1.ListStaleLocationsRequest request, CancellationToken cancellationToken);
    Task<V1.ListReportingStatusResponse> ListReportingStatusAsync(V1.ListReportingStatusRequest request, CancellationToken cancellationToken);
    Task<V1.ListItemsResponse> ListItemsAsync(V1.ListItemsRequest request, CancellationToken cancellationToken);
}
