using System.Globalization;
using System.Text.RegularExpressions;
using Supply.Domain;

namespace Supply.Fhir.Mapping;

/// <summary>
/// Where each line of a mapped report came from in the InventoryReport, so that a refusal by Supply's own
/// validation ("snapshot.lines[3].lots[0].expires_on") names the FHIR element at fault
/// ("InventoryReport.inventoryListing[1].item[4].item").
/// </summary>
public sealed partial class FhirPaths(string reportIdPath, string locationPath, string asOfPath,
    IReadOnlyList<string> linePaths, IReadOnlyList<IReadOnlyList<string>> lotPaths)
{
    public string ToFhir(Violation v)
    {
        switch (v.Field)
        {
            case "report_id": return reportIdPath;
            case "location_id": return locationPath;
            case "as_of": return asOfPath;
        }
        var m = LinePath().Match(v.Field);
        if (!m.Success) return "InventoryReport.inventoryListing";
        var line = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (line >= linePaths.Count) return "InventoryReport.inventoryListing";
        var path = linePaths[line];
        if (m.Groups[2].Success)
        {
            var lot = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (lot < lotPaths[line].Count) path = lotPaths[line][lot];
        }
        return m.Groups[3].Value switch
        {
            "on_hand" or "reserved" or "quarantined" or "quantity" or "lots" when !m.Groups[2].Success || m.Groups[3].Value == "quantity" => path + ".quantity",
            "" => path,
            _ => path + ".item", // item id, lot number, expiry: all come from the item's codes and its instance
        };
    }

    [GeneratedRegex(@"^(?:snapshot|movements)\.lines\[(\d+)\](?:\.lots\[(\d+)\])?(?:\.(\w+))?$")]
    private static partial Regex LinePath();
}
