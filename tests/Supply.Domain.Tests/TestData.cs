using System.Globalization;
using System.Text.Json;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Domain.Tests;

/// <summary>Shared fixtures: a fixed clock, a small catalog, report builders and ledger projections.</summary>
internal static class TestData
{
    /// <summary>Fixed server time, so as-of validation is deterministic.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset T0 = Now.AddDays(-2);
    public static DateTimeOffset At(int hours) => T0.AddHours(hours);

    public const string Loc = "se-13.hallands-sjukhus_halmstad:lager-1";
    public const string OtherLoc = "se-01.karolinska";
    public const string UnregisteredLoc = "se-25.not-registered";

    public const string Vnr = "vnr:123456";
    public const string Npl = "npl:20100101000012";
    public const string Ppe = "ppe:ffp2";
    public static readonly string Gtin = "gtin:" + ItemId.WithCheckDigit("735000123456");
    public const string UnregisteredItem = "vnr:999999";

    public static Item Item(string id, string name = "Test item", ItemCategory category = ItemCategory.Medicine,
        string baseUnit = "piece", int packSize = 10, string group = "", Criticality criticality = Criticality.Essential) =>
        new(id, name, category, baseUnit, packSize, group, criticality);

    public static Location Location(string id, string name = "Test location", LocationKind kind = LocationKind.Hospital,
        string region = "13", string municipality = "") =>
        new(id, name, kind, region, municipality);

    public static CatalogBook NewCatalog()
    {
        var book = new CatalogBook();
        book.RegisterItems([Item(Vnr, "Paracetamol 500 mg"), Item(Npl, "Insulin"), Item(Ppe, "FFP2 mask", ItemCategory.Ppe),
            Item(Gtin, "Infusion set", ItemCategory.Equipment)]);
        book.RegisterLocations([Location(Loc, "Hallands sjukhus Halmstad", municipality: "1380"),
            Location(OtherLoc, "Karolinska", region: "01")]);
        return book;
    }

    public static LocationLedger Ledger(string location = Loc) => new() { LocationId = location };

    public static SnapshotLine Line(string item, long onHand, long reserved = 0, long quarantined = 0, double adc = 0,
        params LotInput[] lots) => new(item, onHand, reserved, quarantined, lots, adc);

    public static LotInput LotIn(string number, string expires, long quantity) => new(number, expires, quantity);

    public static MovementLine Move(string item, MovementType type, long quantity, string lot = "", string expires = "",
        string reason = "", string counterparty = "") => new(item, type, quantity, lot, expires, reason, counterparty);

    public static StockReport Snapshot(string id, DateTimeOffset? asOf, params SnapshotLine[] lines) =>
        new(id, Loc, asOf, ReportKind.Snapshot, lines, []);

    public static StockReport Count(string id, DateTimeOffset? asOf, params SnapshotLine[] lines) =>
        new(id, Loc, asOf, ReportKind.PhysicalCount, lines, []);

    public static StockReport Movements(string id, DateTimeOffset? asOf, params MovementLine[] lines) =>
        new(id, Loc, asOf, ReportKind.Movements, [], lines);

    public static DateOnly Date(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The persisted shape of the ledger: equal dumps mean nothing changed.</summary>
    public static string Dump(LocationLedger ledger) => JsonSerializer.Serialize(ledger);

    /// <summary>A value-comparable view of the current stock (ItemStock holds a list, so record equality is by reference).</summary>
    public static List<StockView> View(IEnumerable<ItemStock> stock) => stock.Select(StockView.Of).ToList();

    public static List<StockView> View(LocationLedger ledger) => View(ledger.CurrentStock());

    public static string Lots(ItemStock? s) =>
        s is null ? "<none>" : string.Join(" ", s.Lots.Select(l => $"{l.LotNumber}@{l.ExpiresOn:yyyy-MM-dd}={l.Quantity}"));
}

public sealed record StockView(
    string ItemId, long OnHand, long Reserved, long Quarantined, long Available, string Lots, double AverageDailyConsumption,
    double? DaysOfSupply, DateTimeOffset? SnapshotAsOf, DateTimeOffset? AsOf, long Discrepancy)
{
    public static StockView Of(ItemStock s) => new(s.ItemId, s.OnHand, s.Reserved, s.Quarantined, s.Available, TestData.Lots(s),
        s.AverageDailyConsumption, s.DaysOfSupply, s.SnapshotAsOf, s.AsOf, s.Discrepancy);
}
