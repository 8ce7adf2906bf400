using Google.Protobuf;
using Supply.Application;
using Supply.Contracts.V1;
using Supply.Exports;
using Supply.Server.Security;
using Supply.Server.Services;

namespace Supply.Server.Exports;

/// <summary>
/// <see cref="ISupplyReads"/> answered by the server's own gRPC services, in-process, each call checked first by
/// <see cref="AccessPolicy"/> with the RPC's own rule (as <see cref="AuthorizationInterceptor"/> does): an export shows
/// exactly what the RPC would answer this caller, or is refused for the same reason.
/// </summary>
internal sealed class ServiceReads(HttpContext http, Caller caller, AccessPolicy policy) : ISupplyReads
{
    private readonly IServiceProvider _services = http.RequestServices;

    public Task<GetCoverageResponse> GetCoverageAsync(GetCoverageRequest request, CancellationToken cancellationToken) =>
        Call<CoverageService, GetCoverageRequest, GetCoverageResponse>(Contracts.V1.Coverage.Descriptor, "GetCoverage", request, (s, r, c) => s.GetCoverage(r, c));

    public Task<ListShortfallsResponse> ListShortfallsAsync(ListShortfallsRequest request, CancellationToken cancellationToken) =>
        Call<CoverageService, ListShortfallsRequest, ListShortfallsResponse>(Contracts.V1.Coverage.Descriptor, "ListShortfalls", request, (s, r, c) => s.ListShortfalls(r, c));

    public Task<ListStaleLocationsResponse> ListStaleLocationsAsync(ListStaleLocationsRequest request, CancellationToken cancellationToken) =>
        Call<CoverageService, ListStaleLocationsRequest, ListStaleLocationsResponse>(Contracts.V1.Coverage.Descriptor, "ListStaleLocations", request,
            (s, r, c) => s.ListStaleLocations(r, c));

    public Task<ListReportingStatusResponse> ListReportingStatusAsync(ListReportingStatusRequest request, CancellationToken cancellationToken) =>
        Call<StockQueryService, ListReportingStatusRequest, ListReportingStatusResponse>(StockQuery.Descriptor, "ListReportingStatus", request,
            (s, r, c) => s.ListReportingStatus(r, c));

    public Task<ListItemsResponse> ListItemsAsync(ListItemsRequest request, CancellationToken cancellationToken) =>
        Call<CatalogService, ListItemsRequest, ListItemsResponse>(Catalog.Descriptor, "ListItems", request, (s, r, c) => s.ListItems(r, c));

    public Task<ScenarioResult> RunScenarioAsync(RunScenarioRequest request, CancellationToken cancellationToken) =>
        Call<ScenariosService, RunScenarioRequest, ScenarioResult>(Scenarios.Descriptor, "RunScenario", request, (s, r, c) => s.RunScenario(r, c));

    public Task<GetReadinessComplianceResponse> GetReadinessComplianceAsync(GetReadinessComplianceRequest request, CancellationToken cancellationToken) =>
        Call<ReadinessService, GetReadinessComplianceRequest, GetReadinessComplianceResponse>(Readiness.Descriptor, "GetReadinessCompliance", request,
            (s, r, c) => s.GetReadinessCompliance(r, c));

    private async Task<TResponse> Call<TService, TRequest, TResponse>(Google.Protobuf.Reflection.ServiceDescriptor service, string name,
        TRequest request, Func<TService, TRequest, LocalCallContext, Task<TResponse>> call)
        where TService : class where TRequest : IMessage
    {
        var method = service.FindMethodByName(name).FullName;
        if (await policy.CheckAsync(method, caller, request) is { } refused) throw new AccessDeniedException($"{caller.Name}: {refused}");
        var instance = ActivatorUtilities.CreateInstance<TService>(_services);
        return await call(instance, request, new LocalCallContext(http, $"/{service.FullName}/{name}"));
    }
}
