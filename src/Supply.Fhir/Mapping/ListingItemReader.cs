using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Fhir.Model;

namespace Supply.Fhir.Mapping;

/// <summary>One listing entry as Supply reads it: which catalog item, which lot, the first day it may not be used, how many.</summary>
internal sealed record ListingEntry(string ItemId, string? Lot, string ExpiresOn, long Quantity, string Path);

/// <summary>
/// Reads <c>inventoryListing[i].item[j]</c>: the item from its codings (in <c>item.concept</c> and in the contained
/// InventoryItem it references), lot and expiry from that InventoryItem's <c>instance</c> or from a GS1 scan, and the quantity.
/// </summary>
internal sealed class ListingItemReader(InventoryReport report, ItemCodes codes, ICatalogView catalog, FhirOptions options, List<OperationOutcomeIssue> issues)
{
    public ListingEntry? Read(InventoryListingItem entry, string path, bool positive)
    {
        var before = issues.Count;
        if (entry.ModifierExtension is { Count: > 0 }) Add("not-supported", path + ".modifierExtension", "modifier extensions are not understood by Supply");
        var quantity = Quantity(entry.Quantity, path + ".quantity", positive);
        if (entry.Item is not { } item) { Add("required", path + ".item", "is required: the item's code or a reference to a contained InventoryItem"); return null; }

        var found = new List<(CodedItem Coded, string Path)>();
        Codings(item.Concept, path + ".item.concept", found);
        InventoryItem? contained = null;
        var containedPath = "";
        if (item.Reference is { } reference)
        {
            var literal = reference.Literal ?? "";
            var index = literal.StartsWith('#') ? report.Contained?.FindIndex(c => c.ResourceType == InventoryItem.TypeName && c.Id == literal[1..]) ?? -1 : -1;
            if (index < 0)
                Add("not-found", path + ".item.reference", $"'{literal}' is not a contained InventoryItem ('#id'); Supply reads the item from the report itself");
            else
            {
                contained = report.Contained![index];
                containedPath = $"InventoryReport.contained[{index}]";
                if (contained.ModifierExtension is { Count: > 0 }) Add("not-supported", containedPath + ".modifierExtension", "modifier extensions are not understood by Supply");
                for (var k = 0; k < (contained.Code?.Count ?? 0); k++) Codings(contained.Code![k], $"{containedPath}.code[{k}]", found);
            }
        }
        if (issues.Count > before) return null;

        var itemId = ItemId(found, path + ".item");
        var (lot, lastUse) = LotAndExpiry(found, contained?.Instance, containedPath + ".instance");
        if (issues.Count > before || itemId is null) return null;
        // Supply keeps the first day a lot may not be used; FHIR and GS1 give the last day it may.
        var expiresOn = lastUse is { } day ? FhirDates.Date(day.AddDays(1)) : "";
        return new ListingEntry(itemId, lot, expiresOn, quantity, path);
    }

    private void Codings(CodeableConcept? concept, string path, List<(CodedItem, string)> found)
    {
        for (var k = 0; k < (concept?.Coding?.Count ?? 0); k++)
        {
            var codingPath = $"{path}.coding[{k}]";
            if (codes.Read(concept!.Coding![k], out var error) is not { } coded) continue; // a system Supply does not map (ATC, SNOMED CT, …)
            if (error is not null) Add("value", codingPath + ".code", error);
            else found.Add((coded, codingPath));
        }
    }

    /// <summary>The one catalog item the codings name: each coding that Supply reads must name the same item.</summary>
    private string? ItemId(List<(CodedItem Coded, string Path)> found, string path)
    {
        if (found.All(f => f.Coded.ItemIds.Count == 0))
        {
            Add("required", path, $"no coding Supply reads: give a code with system {options.GtinSystem}, {options.NplPackIdSystem}, " +
                $"{options.VarunummerSystem}, {options.ItemIdSystem} or a GS1 scan with {options.Gs1BarcodeSystem}");
            return null;
        }
        string? chosen = null;
        foreach (var (coded, codingPath) in found.Where(f => f.Coded.ItemIds.Count > 0))
        {
            var known = coded.ItemIds.FirstOrDefault(id => catalog.TryGetItem(id, out _));
            if (known is null) { Add("not-found", codingPath, $"unknown item '{coded.ItemIds[0]}'; register it in the catalog first"); return null; }
            if (chosen is not null && chosen != known) { Add("invariant", codingPath, $"names item '{known}', another coding names '{chosen}'"); return null; }
            chosen = known;
        }
        return chosen;
    }

    private (string? Lot, DateOnly? LastUse) LotAndExpiry(List<(CodedItem Coded, string Path)> found, InventoryItemInstance? instance, string instancePath)
    {
        string? lot = string.IsNullOrEmpty(instance?.LotNumber) ? null : instance.LotNumber;
        DateOnly? lastUse = null;
        if (!string.IsNullOrEmpty(instance?.Expiry))
        {
            if (FhirDates.TryLastUseDay(instance.Expiry, out var day)) lastUse = day;
            else Add("value", instancePath + ".expiry", $"'{instance.Expiry}' is not a FHIR date (YYYY-MM-DD, YYYY-MM or a dateTime)");
        }
        foreach (var (coded, codingPath) in found)
        {
            if (coded.Lot is { } scannedLot)
            {
                if (lot is not null && lot != scannedLot) Add("invariant", codingPath, $"the scan's batch '{scannedLot}' differs from lot '{lot}'");
                lot = scannedLot;
            }
            if (coded.LastUseDay is { } scannedDay)
            {
                if (lastUse is { } given && given != scannedDay) Add("invariant", codingPath, $"the scan's expiry {FhirDates.Date(scannedDay)} differs from {FhirDates.Date(given)}");
                lastUse = scannedDay;
            }
        }
        return (lot, lastUse);
    }

    private long Quantity(Quantity? q, string path, bool positive)
    {
        if (q?.Value is not { } value) { Add("required", path, "is required: a value in the item's base unit"); return 0; }
        if (value != decimal.Truncate(value)) { Add("value", path, $"{value} is not a whole number of the item's base unit"); return 0; }
        if (value < 0) { Add("value", path, $"must not be negative (got {value})"); return 0; }
        if (positive && value == 0) { Add("value", path, "an addition or subtraction must be greater than zero"); return 0; }
        if (value > Limits.MaxQuantity) { Add("value", path, $"must not exceed {Limits.MaxQuantity}"); return 0; }
        return (long)value;
    }

    private void Add(string code, string path, string text) => issues.Add(OperationOutcomeIssue.Error(code, text, path));
}
