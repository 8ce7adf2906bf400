namespace Supply.Fhir.Model;

/// <summary>FHIR R5 InventoryReport (maturity level 0 in FHIR 5.0.0): a snapshot of stock, or a difference (additions, subtractions).</summary>
public sealed class InventoryReport
{
    public const string TypeName = "InventoryReport";

    public string? ResourceType { get; set; } = TypeName;
    public string? Id { get; set; }
    public Meta? Meta { get; set; }
    /// <summary>Contained resources; Supply reads the InventoryItems among them (others are refused).</summary>
    public List<InventoryItem>? Contained { get; set; }
    public List<Extension>? ModifierExtension { get; set; }
    public List<Identifier>? Identifier { get; set; }
    /// <summary>draft | requested | active | entered-in-error</summary>
    public string? Status { get; set; }
    /// <summary>snapshot | difference</summary>
    public string? CountType { get; set; }
    /// <summary>addition | subtraction (for a difference).</summary>
    public CodeableConcept? OperationType { get; set; }
    public CodeableConcept? OperationTypeReason { get; set; }
    public string? ReportedDateTime { get; set; }
    public Reference? Reporter { get; set; }
    public List<InventoryListing>? InventoryListing { get; set; }
}

public sealed class InventoryListing
{
    public List<Extension>? ModifierExtension { get; set; }
    public Reference? Location { get; set; }
    public CodeableConcept? ItemStatus { get; set; }
    public string? CountingDateTime { get; set; }
    public List<InventoryListingItem>? Item { get; set; }
}

public sealed class InventoryListingItem
{
    public List<Extension>? ModifierExtension { get; set; }
    public CodeableConcept? Category { get; set; }
    public Quantity? Quantity { get; set; }
    public CodeableReference? Item { get; set; }
}
