namespace Supply.Fhir;

/// <summary>
/// Options under <c>Supply:Fhir</c>: which identifier and code systems name Supply's locations and items in FHIR
/// resources. The defaults for GTIN and GS1 are GS1's own; the others are Supply's URNs until the national
/// systems are agreed (docs/fhir.md).
/// </summary>
public sealed class FhirOptions
{
    public const string Section = "Supply:Fhir";

    /// <summary>Identifier system of <c>inventoryListing.location.identifier</c> whose value is a Supply location id.</summary>
    public string LocationSystem { get; set; } = "urn:supply:location-id";
    /// <summary>Code system of GTINs (any of 8, 12, 13, 14 digits).</summary>
    public string GtinSystem { get; set; } = "https://www.gs1.org/gtin";
    /// <summary>Code system of NPL pack ids (Läkemedelsverket's Nationellt produktregister för läkemedel).</summary>
    public string NplPackIdSystem { get; set; } = "urn:supply:npl-pack-id";
    /// <summary>Code system of Nordic varunummer (six digits).</summary>
    public string VarunummerSystem { get; set; } = "urn:supply:varunummer";
    /// <summary>Code system whose codes are Supply item ids as they are (<c>ppe:ffp2</c>, <c>npl:…</c>).</summary>
    public string ItemIdSystem { get; set; } = "urn:supply:item-id";
    /// <summary>Code system whose codes are scanned GS1 payloads (element string or Digital Link URI): item, lot and expiry in one.</summary>
    public string Gs1BarcodeSystem { get; set; } = "urn:supply:gs1-barcode";
    /// <summary>Code system of the item status codes Supply writes (available, reserved, quarantined).</summary>
    public string ItemStatusSystem { get; set; } = "urn:supply:item-status";
}
