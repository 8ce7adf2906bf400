using Grpc.Core;
using Supply.Contracts.Mapping;
using Supply.Contracts.V1;
using Supply.Domain;
using Supply.Grains.Catalog;

namespace Supply.Server.Services;

/// <summary>Translates the Catalog contract to the catalog grain; rules live in the domain.</summary>
public sealed class CatalogService(IGrainFactory grains, CatalogCache cache) : Catalog.CatalogBase
{
    private ICatalogGrain Grain => grains.GetGrain<ICatalogGrain>(CatalogGrainKey.Sweden);

    public override async Task<RegisterResponse> RegisterItems(RegisterItemsRequest request, ServerCallContext context) =>
        await Applied(await Grain.RegisterItems(((IReadOnlyList<Domain.Catalog.Item>)request.Items.Select(i => i.ToDomain()).ToList()).AsImmutable()));

    public override async Task<RegisterResponse> RegisterLocations(RegisterLocationsRequest request, ServerCallContext context) =>
        await Applied(await Grain.RegisterLocations(((IReadOnlyList<Domain.Catalog.Location>)request.Locations.Select(l => l.ToDomain()).ToList()).AsImmutable()));

    private async Task<RegisterResponse> Applied(CatalogChange change)
    {
        if (change.Result is not { } result) throw new DomainValidationException(change.Violations);
        await cache.RefreshAsync(); // reports that follow on this silo see the change at once
        return new RegisterResponse { Created = result.Created, Updated = result.Updated, Unchanged = result.Unchanged, CatalogVersion = result.Version };
    }

    public override async Task<ListItemsResponse> ListItems(ListItemsRequest request, ServerCallContext context)
    {
        var book = (await Grain.GetCatalog()).Value;
        var response = new ListItemsResponse { CatalogVersion = book.Version };
        response.Items.AddRange(book.Items.Values
            .Where(i => request.Category == ItemCategory.Unspecified || (int)i.Category == (int)request.Category)
            .Where(i => request.SubstitutionGroup.Length == 0 || i.SubstitutionGroup == request.SubstitutionGroup)
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => i.ToContract()));
        return response;
    }

    public override async Task<ListLocationsResponse> ListLocations(ListLocationsRequest request, ServerCallContext context)
    {
        var filter = QueryArguments.Filter(request.RegionCode.Length == 0 ? [] : [request.RegionCode], request.Kind == LocationKind.Unspecified ? [] : [request.Kind]);
        var book = (await Grain.GetCatalog()).Value;
        var response = new ListLocationsResponse { CatalogVersion = book.Version };
        response.Locations.AddRange(book.Locations.Values.Where(filter.Matches).OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => l.ToContract()));
        return response;
    }
}
