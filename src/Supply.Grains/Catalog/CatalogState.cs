using Supply.Domain.Catalog;

namespace Supply.Grains.Catalog;

[GenerateSerializer]
public sealed class CatalogState
{
    [Id(0)] public CatalogBook Book { get; set; } = new();
}
