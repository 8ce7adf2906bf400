using Grpc.Core;
using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Contract = Supply.Contracts.V1;

namespace Supply.Server.Services;

/// <summary>Checks of query arguments, answered with the field at fault.</summary>
internal static class QueryArguments
{
    public static LocationFilter Filter(IEnumerable<string> regionCodes, IEnumerable<Contract.LocationKind> kinds)
    {
        var v = new Violations();
        var regions = regionCodes.ToList();
        for (var i = 0; i < regions.Count; i++)
            v.Check(Regions.IsRegionCode(regions[i]), regions.Count == 1 ? "region_code" : $"region_codes[{i}]", $"'{regions[i]}' is not a Swedish region code");
        var kindList = kinds.Select(k => (LocationKind)k).ToList();
        for (var i = 0; i < kindList.Count; i++)
            v.Check(Enum.IsDefined(kindList[i]) && kindList[i] != LocationKind.Unspecified, kindList.Count == 1 ? "kind" : $"kinds[{i}]", "is not a location kind");
        if (v.Any) throw new DomainValidationException(v.Items);
        return new LocationFilter(regions.ToHashSet(), kindList.ToHashSet());
    }

    public static Location KnownLocation(ICatalogView catalog, string locationId, string field = "location_id")
    {
        if (!LocationId.IsValid(locationId, out var why)) throw new DomainValidationException([new Violation(field, why)]);
        return catalog.TryGetLocation(locationId, out var location)
            ? location
            : throw new RpcException(new Status(StatusCode.NotFound, $"no location '{locationId}' in the catalog"));
    }

    public static Item KnownItem(ICatalogView catalog, string itemId, string field = "item_id")
    {
        if (!ItemId.IsValid(itemId, out var why)) throw new DomainValidationException([new Violation(field, why)]);
        return catalog.TryGetItem(itemId, out var item)
            ? item
            : throw new RpcException(new Status(StatusCode.NotFound, $"no item '{itemId}' in the catalog"));
    }
}
