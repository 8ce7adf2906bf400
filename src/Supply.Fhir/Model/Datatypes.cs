using System.Text.Json.Serialization;

namespace Supply.Fhir.Model;

// The FHIR R5 data types Supply reads and writes, with only the elements it uses; unknown elements are ignored on
// reading (FHIR's "must understand" applies to modifier extensions, which Supply refuses: see InventoryReportReader).

public sealed class Coding
{
    public string? System { get; set; }
    public string? Version { get; set; }
    public string? Code { get; set; }
    public string? Display { get; set; }
}

public sealed class CodeableConcept
{
    public List<Coding>? Coding { get; set; }
    public string? Text { get; set; }

    public static CodeableConcept Of(string system, string code, string? display = null) =>
        new() { Coding = [new Coding { System = system, Code = code, Display = display }] };
}

public sealed class Identifier
{
    public string? System { get; set; }
    public string? Value { get; set; }
}

public sealed class Reference
{
    /// <summary>A literal reference: "Location/123" or "#contained-id".</summary>
    [JsonPropertyName("reference")]
    public string? Literal { get; set; }
    public string? Type { get; set; }
    public Identifier? Identifier { get; set; }
    public string? Display { get; set; }
}

/// <summary>R5's reference-or-concept: the item as a code, a reference (to a contained InventoryItem), or both.</summary>
public sealed class CodeableReference
{
    public CodeableConcept? Concept { get; set; }
    public Reference? Reference { get; set; }
}

public sealed class Quantity
{
    /// <summary>FHIR decimals; Supply counts whole units of an item's base unit.</summary>
    public decimal? Value { get; set; }
    public string? Unit { get; set; }
    public string? System { get; set; }
    public string? Code { get; set; }
}

public sealed class Meta
{
    public string? LastUpdated { get; set; }
    public List<string>? Profile { get; set; }
}

/// <summary>Present only to be refused: an extension Supply does not understand may change the meaning of what it modifies.</summary>
public sealed class Extension
{
    public string? Url { get; set; }
}
