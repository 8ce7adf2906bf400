using Supply.Domain;
using Supply.Domain.Catalog;

namespace Supply.Grains.Catalog;

/// <summary>
/// The one catalog of items and locations (key: <see cref="CatalogGrainKey.Sweden"/>). It changes
/// rarely; reports are validated against a per-silo cached copy (<see cref="CatalogCache"/>), never
/// by calling this grain per report.
/// </summary>
public interface ICatalogGrain : IGrainWithStringKey
{
    Task<CatalogChange> RegisterItems(Immutable<IReadOnlyList<Item>> items);
    Task<CatalogChange> RegisterLocations(Immutable<IReadOnlyList<Location>> locations);
    [ReadOnly] Task<Immutable<CatalogBook>> GetCatalog();
    [ReadOnly] Task<long> GetVersion();
}

public static class CatalogGrainKey
{
    public const string Sweden = "se";
}

/// <summary>The outcome of a registration: counts, or the violations that refused it.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogChange(
    [property: Id(0)] RegisterResult? Result,
    [property: Id(1)] IReadOnlyList<Violation> Violations);
