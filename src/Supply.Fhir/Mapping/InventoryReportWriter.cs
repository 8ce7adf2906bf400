using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Fhir.Model;

namespace Supply.Fhir.Mapping;

/// <summary>One location's current stock lines, as the query reads them.</summary>
public sealed record LocationLines(Location Location, DateTimeOffset? AsOf, IReadOnlyList<ItemStock> Lines);

/// <summary>
/// Current stock → an InventoryReport snapshot (the Inventory Query, PHARM-S7). Per location, up to three listings by
/// item status (available, reserved, quarantined); each item's lots are laid into them in expiry order, then stock
/// without a lot, so that reading the answer back as a snapshot gives the same on-hand, reserved, quarantined and lots.
/// </summary>
public static class InventoryReportWriter
{
    public static InventoryReport Write(IReadOnlyList<LocationLines> locations, ICatalogView catalog, FhirOptions options, DateTimeOffset now)
    {
        var codes = new ItemCodes(options, DateOnly.FromDateTime(now.UtcDateTime));
        var report = new InventoryReport
        {
            Contained = [],
            Identifier = [new Identifier { System = "urn:ietf:rfc:3986", Value = "urn:uuid:" + Guid.NewGuid() }],
            Status = "active",
            CountType = "snapshot",
            ReportedDateTime = FhirDates.Instant(now),
            InventoryListing = [],
        };
        foreach (var location in locations)
        {
            var listings = new[] { "available", "reserved", "quarantined" }.Select(status => new InventoryListing
            {
                Location = new Reference { Identifier = new Identifier { System = options.LocationSystem, Value = location.Location.Id }, Display = location.Location.Name },
                ItemStatus = CodeableConcept.Of(options.ItemStatusSystem, status),
                CountingDateTime = location.AsOf is { } asOf ? FhirDates.Instant(asOf) : null,
                Item = [],
            }).ToArray();
            foreach (var line in location.Lines)
            {
                catalog.TryGetItem(line.ItemId, out var item);
                foreach (var (partition, lot, quantity) in Lay(line))
                {
                    var id = $"item-{report.Contained.Count + 1}";
                    report.Contained.Add(new InventoryItem
                    {
                        Id = id,
                        Status = "active",
                        Code = [new CodeableConcept { Coding = [codes.Write(line.ItemId, item?.Name)] }],
                        // Supply keeps the first day a lot may not be used; FHIR's expiry is the last day it may.
                        Instance = lot is { } one ? new InventoryItemInstance { LotNumber = one.LotNumber, Expiry = FhirDates.Date(one.ExpiresOn.AddDays(-1)) } : null,
                    });
                    listings[partition].Item!.Add(new InventoryListingItem
                    {
                        Quantity = new Quantity { Value = quantity, Unit = item?.BaseUnit },
                        Item = new CodeableReference { Reference = new Reference { Literal = "#" + id } },
                    });
                }
            }
            report.InventoryListing.AddRange(listings.Where(l => l.Item!.Count > 0));
        }
        return report;
    }

    /// <summary>
    /// Splits a line into (partition 0 available / 1 reserved / 2 quarantined, lot or none, quantity) pieces: the chunks
    /// (lots by expiry, then the rest without a lot) fill available first, then reserved, then quarantined.
    /// </summary>
    internal static IEnumerable<(int Partition, Lot? Lot, long Quantity)> Lay(ItemStock line)
    {
        var onHand = Math.Max(0, line.OnHand);
        if (onHand == 0) { yield return (0, null, 0); yield break; } // "none here" is news in a snapshot too
        var sizes = new[] { Math.Max(0, onHand - line.Reserved - line.Quarantined), line.Reserved, line.Quarantined };
        var chunks = new List<(Lot? Lot, long Quantity)>();
        long lotted = 0;
        foreach (var lot in line.Lots.OrderBy(l => l.ExpiresOn).ThenBy(l => l.LotNumber, StringComparer.Ordinal))
        {
            var q = Math.Min(lot.Quantity, onHand - lotted); // the ledger never keeps more in lots than on hand; be safe anyway
            if (q <= 0) continue;
            chunks.Add((lot, q));
            lotted += q;
        }
        if (onHand > lotted) chunks.Add((null, onHand - lotted));
        var partition = 0;
        foreach (var (lot, quantity) in chunks)
        {
            var left = quantity;
            while (left > 0 && partition < 3)
            {
                var take = Math.Min(left, sizes[partition]);
                if (take > 0) yield return (partition, lot, take);
                sizes[partition] -= take;
                left -= take;
                if (sizes[partition] == 0) partition++;
            }
        }
    }
}
