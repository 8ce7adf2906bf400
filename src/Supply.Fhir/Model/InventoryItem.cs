namespace Supply.Fhir.Model;

/// <summary>FHIR R5 InventoryItem (maturity level 0), as a contained resource: the product's codes and one instance (lot, expiry).</summary>
public sealed class InventoryItem
{
    public const string TypeName = "InventoryItem";

    public string? ResourceType { get; set; } = TypeName;
    public string? Id { get; set; }
    public List<Extension>? ModifierExtension { get; set; }
    public List<Identifier>? Identifier { get; set; }
    /// <summary>active | inactive | entered-in-error | unknown</summary>
    public string? Status { get; set; }
    public List<CodeableConcept>? Code { get; set; }
    public List<InventoryItemName>? Name { get; set; }
    public InventoryItemInstance? Instance { get; set; }
}

public sealed class InventoryItemName
{
    public Coding? NameType { get; set; }
    public string? Language { get; set; }
    public string? Name { get; set; }
}

public sealed class InventoryItemInstance
{
    public List<Identifier>? Identifier { get; set; }
    public string? LotNumber { get; set; }
    /// <summary>A FHIR dateTime (a date, or a date and time); read as the last day the lot may be used.</summary>
    public string? Expiry { get; set; }
}
