using System.Text.Json;
using System.Text.Json.Serialization;
using Supply.Fhir.Model;

namespace Supply.Fhir;

/// <summary>FHIR's JSON: camelCase names, absent rather than null elements, decimals as JSON numbers.</summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict, // "10" is not a FHIR decimal
        MaxDepth = 32,
    };

    /// <summary>
    /// Reads an InventoryReport. Malformed JSON or a value of the wrong type is an issue naming the element
    /// (<c>InventoryReport.inventoryListing[0].item[2].quantity.value</c>), never an exception.
    /// </summary>
    public static (InventoryReport? Report, OperationOutcome? Outcome) ReadInventoryReport(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var report = JsonSerializer.Deserialize<InventoryReport>(utf8, Options);
            if (report is null) return (null, OperationOutcome.Error("structure", "the body must be an InventoryReport resource (a JSON object)"));
            if (report.ResourceType != InventoryReport.TypeName)
                return (null, OperationOutcome.Error("structure", $"resourceType must be InventoryReport (got '{report.ResourceType}')", "InventoryReport.resourceType"));
            return (report, null);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p ? InventoryReport.TypeName + p[1..] : InventoryReport.TypeName;
            return (null, OperationOutcome.Error("structure", $"not valid FHIR JSON here: {FirstSentence(e.Message)}", path));
        }
    }

    public static byte[] Write<T>(T resource) => JsonSerializer.SerializeToUtf8Bytes(resource, Options);

    private static string FirstSentence(string message)
    {
        var path = message.IndexOf(" Path:", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
