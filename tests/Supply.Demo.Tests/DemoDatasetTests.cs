using Supply.Contracts.Mapping;
using Supply.Domain.Catalog;
using Supply.Demo;
using Supply.Domain.Stock;

namespace Supply.Demo.Tests;

public class DemoDatasetTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 30, 15, TimeSpan.FromHours(1));
    private static readonly DemoData Data = DemoDataset.Create(Now);

    private static CatalogBook Book()
    {
        var book = new CatalogBook();
        book.RegisterItems(Data.Items);
        book.RegisterLocations(Data.Locations);
        return book;
    }

    [Fact]
    public void Catalog_passes_the_domain_registration_rules()
    {
        var book = new CatalogBook();
        var items = book.RegisterItems(Data.Items);
        var locations = book.RegisterLocations(Data.Locations);
        Assert.Equal(Data.Items.Count, items.Created);
        Assert.Equal(Data.Locations.Count, locations.Created);
    }

    [Fact]
    public void Every_report_passes_the_report_validator()
    {
        var book = Book();
        foreach (var report in Data.Reports)
            Assert.True(ReportValidator.Validate(report, book, Now).Count == 0,
                $"{report.ReportId}: {string.Join("; ", ReportValidator.Validate(report, book, Now))}");
    }

    [Fact]
    public void Reports_apply_cleanly_to_ledgers_without_discrepancies()
    {
        var book = Book();
        var ledgers = Data.Locations.ToDictionary(l => l.Id, l => new LocationLedger { LocationId = l.Id });
        foreach (var report in Data.Reports)
        {
            var ack = ledgers[report.LocationId].Apply(report, book, Now);
            Assert.Equal(ReportOutcome.Applied, ack.Outcome);
            Assert.Equal(report.LineCount, ack.LinesApplied);
        }
        var stock = ledgers.Values.SelectMany(l => l.CurrentStock()).ToList();
        Assert.All(stock, s => Assert.Equal(0, s.Discrepancy));
        Assert.Contains(stock, s => s.Available == 0);        // some stock-outs or fully held stock
        Assert.Contains(stock, s => s.DaysOfSupply is < 3);   // some shortages to look at
    }

    [Fact]
    public void Items_cover_all_categories_with_realistic_ids_and_groups()
    {
        Assert.True(Data.Items.Count >= 45, $"{Data.Items.Count} items");
        var byCategory = Data.Items.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.ToList());
        Assert.True(byCategory[ItemCategory.Medicine].Count >= 20);
        Assert.True(byCategory[ItemCategory.Equipment].Count >= 10);
        Assert.True(byCategory[ItemCategory.Ppe].Count >= 6);

        Assert.All(byCategory[ItemCategory.Medicine], i => Assert.Matches(@"^npl:\d{14}$", i.Id));
        Assert.All(byCategory[ItemCategory.Medicine], i => Assert.Contains(i.BaseUnit, new[] { "tablet", "capsule", "ampoule", "vial", "ml", "dose", "bag" }));
        Assert.All(byCategory[ItemCategory.Equipment], i => Assert.Matches(@"^(gtin:\d{13}|vnr:\d{6})$", i.Id));
        Assert.Contains(byCategory[ItemCategory.Equipment], i => i.Id.StartsWith("vnr:", StringComparison.Ordinal));
        Assert.All(Data.Items.Where(i => i.Id.StartsWith("gtin:", StringComparison.Ordinal)), i => Assert.True(ItemId.GtinCheckDigitOk(i.Id[5..])));
        Assert.All(byCategory[ItemCategory.Ppe], i => Assert.StartsWith("ppe:", i.Id));
        foreach (var ppe in new[] { "ppe:ffp2", "ppe:ffp3", "ppe:surgical-mask-iir", "ppe:nitrile-gloves", "ppe:isolation-gown", "ppe:face-shield" })
            Assert.Contains(Data.Items, i => i.Id == ppe);

        var groups = Data.Items.Where(i => i.SubstitutionGroup.Length > 0).GroupBy(i => i.SubstitutionGroup).ToList();
        Assert.True(groups.Count(g => g.Count() >= 2) >= 5);
        Assert.Contains(groups, g => g.Count() == 3);
        Assert.All(Enum.GetValues<Criticality>().Where(c => c != Criticality.Unspecified), c => Assert.Contains(Data.Items, i => i.Criticality == c));
        Assert.Contains(Data.Items, i => i.Name.Contains("Paracetamol", StringComparison.OrdinalIgnoreCase) || i.Name.StartsWith("Alvedon", StringComparison.Ordinal));
        Assert.Contains(Data.Items, i => i.Name.StartsWith("Morfin", StringComparison.Ordinal));
    }

    [Fact]
    public void Locations_cover_every_region_and_kind()
    {
        Assert.Equal(21, Regions.All.Count);
        foreach (var region in Regions.All)
        {
            var here = Data.Locations.Where(l => l.RegionCode == region.Code).ToList();
            Assert.True(here.Count(l => l.Kind == LocationKind.Hospital) >= 2, region.Name);
            Assert.True(here.Count(l => l.Kind == LocationKind.RegionalWarehouse) >= 1, region.Name);
            Assert.True(here.Count(l => l.Kind == LocationKind.MunicipalCare) >= 2, region.Name);
            Assert.True(here.Count(l => l.Kind == LocationKind.Pharmacy) >= 2, region.Name);
        }
        Assert.Equal(3, Data.Locations.Count(l => l.Kind == LocationKind.NationalStockpile));
        Assert.Equal(4, Data.Locations.Count(l => l.Kind == LocationKind.Supplier));
        Assert.All(Data.Locations, l => Assert.Matches(@"^se-\d\d-(hosp|wh|care|pharm|stockpile|supplier)-[a-z0-9-]+$", l.Id));
        Assert.All(Data.Locations, l => Assert.StartsWith(l.RegionCode, l.MunicipalityCode));
        Assert.Contains(Data.Locations, l => l.Id == "se-01-hosp-karolinska");
        Assert.Equal(Data.Locations.Count, Data.Locations.Select(l => l.Id).Distinct().Count());
    }

    [Fact]
    public void One_snapshot_per_location_and_movements_after_it()
    {
        var snapshots = Data.Reports.Where(r => r.Kind == ReportKind.Snapshot).ToList();
        Assert.Equal(Data.Locations.Select(l => l.Id).Order(), snapshots.Select(s => s.LocationId).Order());
        Assert.All(snapshots, s => Assert.Equal($"demo-{s.LocationId}-snapshot-1", s.ReportId));
        Assert.All(Data.Reports, r => Assert.True(r.AsOf <= Now, r.ReportId));

        var movements = Data.Reports.Where(r => r.Kind == ReportKind.Movements).ToList();
        Assert.True(movements.Count >= 20);
        foreach (var m in movements)
        {
            Assert.Equal($"demo-{m.LocationId}-movements-1", m.ReportId);
            Assert.True(m.AsOf > snapshots.Single(s => s.LocationId == m.LocationId).AsOf);
        }
        var types = movements.SelectMany(m => m.Movements).Select(m => m.Type).ToHashSet();
        Assert.Contains(MovementType.Received, types);
        Assert.Contains(MovementType.Consumed, types);
        Assert.All(movements.SelectMany(m => m.Movements).Where(m => m.Type == MovementType.Received), m =>
        {
            Assert.NotEmpty(m.LotNumber);
            Assert.NotEmpty(m.ExpiresOn);
        });
    }

    [Fact]
    public void Snapshots_are_realistic_for_their_kind()
    {
        var kindOf = Data.Locations.ToDictionary(l => l.Id, l => l.Kind);
        var snapshots = Data.Reports.Where(r => r.Kind == ReportKind.Snapshot).ToList();
        var lines = snapshots.SelectMany(s => s.SnapshotLines.Select(l => (Kind: kindOf[s.LocationId], Line: l))).ToList();

        foreach (var (kind, line) in lines)
        {
            if (kind is LocationKind.NationalStockpile or LocationKind.Supplier) Assert.Equal(0, line.AverageDailyConsumption);
            else Assert.True(line.AverageDailyConsumption > 0);
        }
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var expiries = lines.SelectMany(x => x.Line.Lots).Select(l => DateOnly.Parse(l.ExpiresOn, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(expiries, d => d <= today);                              // already expired
        Assert.Contains(expiries, d => d > today && d <= today.AddDays(30));     // expiring soon
        Assert.Contains(lines, x => x.Line.Reserved > 0);
        Assert.Contains(lines, x => x.Line.Quarantined > 0);

        double Average(LocationKind kind) => snapshots.Where(s => kindOf[s.LocationId] == kind).Average(s => s.SnapshotLines.Count);
        Assert.True(Average(LocationKind.Hospital) > Average(LocationKind.Pharmacy));
        Assert.True(Average(LocationKind.Hospital) > Average(LocationKind.MunicipalCare));
        var medicine = Data.Items.Where(i => i.Category == ItemCategory.Medicine).Select(i => i.Id).ToHashSet();
        Assert.True(lines.Where(x => x.Kind == LocationKind.Pharmacy).Average(x => medicine.Contains(x.Line.ItemId) ? 1.0 : 0.0) > 0.7);
        var stockpileItems = lines.Where(x => x.Kind == LocationKind.NationalStockpile).Select(x => x.Line.ItemId).ToHashSet();
        Assert.Contains("ppe:ffp3", stockpileItems);

        // Quantities follow population: Stockholm's largest hospital uses more than Gotland's.
        long Total(string location) => snapshots.Single(s => s.LocationId == location).SnapshotLines.Sum(l => l.OnHand);
        Assert.True(Total("se-01-hosp-karolinska") > 5 * Total("se-09-hosp-visby"));
    }

    [Fact]
    public void Same_now_gives_the_same_data_and_report_ids_do_not_depend_on_now()
    {
        var again = DemoDataset.Create(Now);
        Assert.Equal(Data.Items, again.Items);
        Assert.Equal(Data.Locations, again.Locations);
        Assert.Equal(Data.Reports.Select(r => r.ToContract()), again.Reports.Select(r => r.ToContract()));

        var later = DemoDataset.Create(Now.AddDays(3));
        Assert.Equal(Data.Reports.Select(r => r.ReportId), later.Reports.Select(r => r.ReportId));
    }
}
