namespace Supply.Domain.Catalog;

/// <summary>Something held in stock: a medicine pack, a device, a class of PPE.</summary>
public sealed record Item(
    string Id,
    string Name,
    ItemCategory Category,
    string BaseUnit,
    int PackSize,
    string SubstitutionGroup,
    Criticality Criticality)
{
    /// <summary>Checks an item for registration. <paramref name="path"/> prefixes field names ("items[3]").</summary>
    public static void Validate(Item item, string path, Violations v)
    {
        if (!ItemId.IsValid(item.Id, out var why)) v.Add($"{path}.id", why);
        v.Check(!string.IsNullOrWhiteSpace(item.Name), $"{path}.name", "is required");
        v.Check(item.Name.Length <= Limits.MaxNameLength, $"{path}.name", $"is longer than {Limits.MaxNameLength} characters");
        v.Check(Enum.IsDefined(item.Category) && item.Category != ItemCategory.Unspecified, $"{path}.category", "must be medicine, equipment or PPE");
        v.Check(Text.IsToken(item.BaseUnit, 32), $"{path}.base_unit", "is required: a short unit name such as dose, piece, pair or ml");
        v.Check(item.PackSize >= 0, $"{path}.pack_size", "must not be negative");
        v.Check(item.SubstitutionGroup.Length == 0 || Text.IsToken(item.SubstitutionGroup, 64), $"{path}.substitution_group", "must be a token of at most 64 characters without spaces");
        v.Check(Enum.IsDefined(item.Criticality), $"{path}.criticality", "is not a known criticality");
    }

    /// <summary>Fills defaults the contract leaves open (pack size 1, standard criticality).</summary>
    public Item Normalised() => this with
    {
        PackSize = PackSize == 0 ? 1 : PackSize,
        Criticality = Criticality == Criticality.Unspecified ? Criticality.Standard : Criticality,
        Name = Name.Trim(),
    };
}
