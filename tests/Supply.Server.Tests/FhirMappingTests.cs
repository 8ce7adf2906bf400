using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Fhir;
using Supply.Fhir.Mapping;
using Supply.Fhir.Model;

namespace Supply.Server.Tests;

/// <summary>The InventoryReport mapping without a server: which element each refusal names, and the query's laying out of lots.</summary>
public class FhirMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private const string Location = "se-01-hosp-test";

    private static readonly CatalogBook Catalog = CatalogWith();

    private static CatalogBook CatalogWith()
    {
        var book = new CatalogBook();
        book.Items[TestData.Paracetamol] = new Item(TestData.Paracetamol, "Paracetamol", ItemCategory.Medicine, "tablet", 100, "", Criticality.Essential);
        book.Items[TestData.Syringe] = new Item(TestData.Syringe, "Spruta", ItemCategory.Equipment, "piece", 100, "", Criticality.Standard);
        book.Locations[Location] = new Location(Location, "Test", LocationKind.Hospital, "01", "");
        return book;
    }

    private static InventoryReport Report(Action<InventoryReport>? change = null)
    {
        var report = new InventoryReport
        {
            Identifier = [new Identifier { Value = "r-1" }],
            Status = "active",
            CountType = "snapshot",
            ReportedDateTime = "2026-12-07T10:00:00Z",
            InventoryListing =
            [
                new InventoryListing
                {
                    Location = new Reference { Literal = "Location/" + Location },
                    Item =
                    [
                        new InventoryListingItem
                        {
                            Quantity = new Quantity { Value = 10 },
                            Item = new CodeableReference { Concept = CodeableConcept.Of("urn:supply:npl-pack-id", "20090901100113") },
                        },
                    ],
                },
            ],
        };
        change?.Invoke(report);
        return report;
    }

    private static IReadOnlyList<string> Paths(InventoryReport report) =>
        InventoryReportReader.Read(report, new FhirOptions(), Catalog, Now).Issues.Select(i => i.Expression![0]).ToList();

    public static TheoryData<string, string> Refusals => new()
    {
        { "draft", "InventoryReport.status" },
        { "no-identifier", "InventoryReport.identifier" },
        { "difference-without-operation", "InventoryReport.operationType" },
        { "unknown-status", "InventoryReport.inventoryListing[0].itemStatus" },
        { "missing-contained", "InventoryReport.inventoryListing[0].item[0].item.reference" },
        { "two-items", "InventoryReport.inventoryListing[0].item[0].item.concept.coding[1]" },
        { "unknown-location", "InventoryReport.inventoryListing[0].location" },
        { "future", "InventoryReport.reportedDateTime" },
        { "fraction", "InventoryReport.inventoryListing[0].item[0].quantity" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_refusal_names_the_element_at_fault(string change, string path)
    {
        var report = Report(r =>
        {
            var item = r.InventoryListing![0].Item![0];
            switch (change)
            {
                case "draft": r.Status = "draft"; break;
                case "no-identifier": r.Identifier = null; break;
                case "difference-without-operation": r.CountType = "difference"; break;
                case "unknown-status": r.InventoryListing[0].ItemStatus = CodeableConcept.Of("urn:x", "lost"); break;
                case "missing-contained": item.Item!.Reference = new Reference { Literal = "#nowhere" }; break;
                case "two-items": item.Item!.Concept!.Coding!.Add(new Coding { System = "urn:supply:varunummer", Code = "123456" }); break;
                case "unknown-location": r.InventoryListing[0].Location = new Reference { Literal = "Location/se-01-nowhere" }; break;
                case "future": r.ReportedDateTime = "2026-12-08T10:00:00Z"; break;
                case "fraction": item.Quantity = new Quantity { Value = 2.5m }; break;
            }
        });

        Assert.Equal([path], Paths(report));
    }

    [Fact]
    public void A_valid_report_maps_to_one_snapshot_of_its_location()
    {
        var intake = InventoryReportReader.Read(Report(), new FhirOptions(), Catalog, Now);

        Assert.True(intake.Ok);
        var report = intake.Reports.Single().Report;
        Assert.Equal(("r-1", Location, ReportKind.Snapshot), (report.ReportId, report.LocationId, report.Kind));
        Assert.Equal((TestData.Paracetamol, 10L), (report.SnapshotLines.Single().ItemId, report.SnapshotLines.Single().OnHand));
    }

    public static TheoryData<long, long, long, long[]> Stock => new()
    {
        // on hand, reserved, quarantined, lot quantities
        { 100, 0, 0, [] },
        { 100, 20, 10, [50, 30] },
        { 100, 90, 10, [60, 40] },
        { 10, 0, 10, [4] },
        { 0, 0, 0, [] },
    };

    [Theory]
    [MemberData(nameof(Stock))]
    public void The_query_lays_lots_into_the_status_listings_without_losing_or_adding_any(long onHand, long reserved, long quarantined, long[] lotQuantities)
    {
        var lots = lotQuantities.Select((q, i) => new Lot($"L{i}", new DateOnly(2027, 1, 1).AddMonths(i), q)).ToList();
        var line = new ItemStock(TestData.Paracetamol, onHand, reserved, quarantined, Math.Max(0, onHand - reserved - quarantined), lots, 0, null, Now, Now, 0);

        var pieces = InventoryReportWriter.Lay(line).ToList();

        Assert.Equal(onHand, pieces.Sum(p => p.Quantity));
        Assert.Equal([onHand - reserved - quarantined, reserved, quarantined], Enumerable.Range(0, 3).Select(k => pieces.Where(p => p.Partition == k).Sum(p => p.Quantity)).ToArray());
        Assert.Equal(lotQuantities, lots.Select(l => pieces.Where(p => p.Lot == l).Sum(p => p.Quantity)).ToArray());
    }
}
