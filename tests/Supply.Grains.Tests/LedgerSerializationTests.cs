using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;
using Supply.Grains.Stock;

namespace Supply.Grains.Tests;

/// <summary>The location ledger is stored through binary surrogates: what is read back must be what was written.</summary>
public sealed class LedgerSerializationTests
{
    private const string Loc = "se-12-serial";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static LocationLedger LedgerWithEverything()
    {
        var book = new CatalogBook();
        book.Items["npl:20050101000017"] = new Item("npl:20050101000017", "Insulin", ItemCategory.Medicine, "ml", 10, "A10", Criticality.LifeSaving);
        book.Items["ppe:gloves"] = new Item("ppe:gloves", "Gloves", ItemCategory.Ppe, "piece", 100, "", Criticality.Standard);
        book.Locations[Loc] = new Location(Loc, "Sjukhus", LocationKind.Hospital, "12", "");
        var ledger = new LocationLedger { LocationId = Loc };
        ledger.Apply(new StockReport("count-1", Loc, Now.AddDays(-2), ReportKind.PhysicalCount,
        [
            new SnapshotLine("npl:20050101000017", 500, 20, 5, [new LotInput("L1", "2027-01-31", 200), new LotInput("L2", "2027-06-30", 300)], 12.5),
            new SnapshotLine("ppe:gloves", 1000, 0, 0, [], 40),
        ], []), book, Now);
        ledger.Apply(new StockReport("mov-1", Loc, Now.AddDays(-1).ToOffset(TimeSpan.FromHours(1)), ReportKind.Movements, [],
        [
            new MovementLine("npl:20050101000017", MovementType.Consumed, 30, "L1", "", "", ""),
            new MovementLine("npl:20050101000017", MovementType.Received, 100, "L3", "2028-03-31", "", ""),
            new MovementLine("ppe:gloves", MovementType.Adjusted, -5, "", "", "damaged", ""),
        ]), book, Now);
        ledger.Apply(new StockReport("old-1", Loc, Now.AddDays(-3), ReportKind.Snapshot,
            [new SnapshotLine("npl:20050101000017", 1, 0, 0, [], 1)], []), book, Now); // historical: kept in receipts only
        return ledger;
    }

    [Fact]
    public void A_ledger_with_snapshots_lots_movements_and_history_reads_back_the_same()
    {
        var ledger = LedgerWithEverything();

        var copy = DomainSerializer.RoundTrip<StockLocationState>(new StockLocationState { Ledger = ledger }).Ledger;

        Assert.Equal(ledger.LocationId, copy.LocationId);
        Assert.Equal(ledger.Version, copy.Version);
        Assert.Equal(ledger.LastReceivedAt, copy.LastReceivedAt);
        Assert.Equal(ledger.LastAsOf, copy.LastAsOf);
        Assert.Equal(ledger.History(), copy.History());
        // Records with lists compare by reference: compare the stock views field by field through JSON-free equality.
        var before = ledger.CurrentStock().ToList();
        var after = copy.CurrentStock().ToList();
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i] with { Lots = [] }, after[i] with { Lots = [] });
            Assert.Equal(before[i].Lots, after[i].Lots);
        }
        Assert.Equal(ledger.Items["npl:20050101000017"].Movements, copy.Items["npl:20050101000017"].Movements);
        Assert.Equal(ledger.Items["npl:20050101000017"].Snapshot!.Lots, copy.Items["npl:20050101000017"].Snapshot!.Lots);
        Assert.Equal(3, copy.Receipts.Count);
        Assert.Equal(ReportOutcome.Historical, copy.Receipts["old-1"].Outcome);
        Assert.Equal(TimeSpan.FromHours(1), copy.Receipts["mov-1"].AsOf.Offset); // times read back exactly, offset included
        Assert.Equal(TimeSpan.FromHours(1), copy.Items["npl:20050101000017"].Movements[0].AsOf.Offset);
    }

    [Fact]
    public void A_copy_keeps_taking_reports_by_the_same_rules()
    {
        var copy = DomainSerializer.RoundTrip<StockLocationState>(new StockLocationState { Ledger = LedgerWithEverything() }).Ledger;
        var book = new CatalogBook();
        book.Items["npl:20050101000017"] = new Item("npl:20050101000017", "Insulin", ItemCategory.Medicine, "ml", 10, "A10", Criticality.LifeSaving);
        book.Locations[Loc] = new Location(Loc, "Sjukhus", LocationKind.Hospital, "12", "");

        var resend = copy.Apply(new StockReport("mov-1", Loc, Now.AddDays(-1), ReportKind.Movements, [],
            [new MovementLine("npl:20050101000017", MovementType.Consumed, 30, "L1", "", "", "")]), book, Now);
        var more = copy.Apply(new StockReport("mov-2", Loc, Now.AddHours(-1), ReportKind.Movements, [],
            [new MovementLine("npl:20050101000017", MovementType.Consumed, 70, "", "", "", "")]), book, Now);

        Assert.True(resend.Duplicate);
        Assert.Equal(ReportOutcome.Applied, more.Outcome);
        Assert.Equal(500 - 30 + 100 - 70, copy.CurrentStock("npl:20050101000017")!.OnHand);
    }

    [Fact]
    public void Consumption_periods_and_the_consumption_history_read_back_the_same()
    {
        var ledger = LedgerWithEverything();
        var book = new CatalogBook();
        book.Items["ppe:gloves"] = new Item("ppe:gloves", "Gloves", ItemCategory.Ppe, "piece", 100, "", Criticality.Standard);
        book.Locations[Loc] = new Location(Loc, "Sjukhus", LocationKind.Hospital, "12", "");
        ledger.Apply(new StockReport("period-1", Loc, Now.AddHours(-2), ReportKind.Snapshot,
            [new SnapshotLine("ppe:gloves", 900, 0, 0, [], 40, ConsumptionPeriodDays: 28, StockoutDays: 4)], []), book, Now);

        var copy = DomainSerializer.RoundTrip<StockLocationState>(new StockLocationState { Ledger = ledger }).Ledger;

        Assert.Equal(ledger.CurrentStock("ppe:gloves")!.Measure, copy.CurrentStock("ppe:gloves")!.Measure);
        Assert.Equal(40.0 * 28 / 24, copy.CurrentStock("ppe:gloves")!.AverageDailyConsumption, 9);
        foreach (var (id, item) in ledger.Items)
        {
            Assert.NotNull(item.History);
            Assert.True(item.History!.SameAs(copy.Items[id].History!), $"history of {id} differs");
        }
    }

    [Fact]
    public void A_ledger_stored_without_histories_reads_back_without_them()
    {
        // States stored before issue 15 carry no history fields; the converter leaves them out the same way when no item has one.
        var ledger = new LocationLedger { LocationId = Loc };
        var book = new CatalogBook();
        book.Items["ppe:gloves"] = new Item("ppe:gloves", "Gloves", ItemCategory.Ppe, "piece", 100, "", Criticality.Standard);
        book.Locations[Loc] = new Location(Loc, "Sjukhus", LocationKind.Hospital, "12", "");
        ledger.Apply(new StockReport("s", Loc, Now.AddHours(-2), ReportKind.Snapshot, [new SnapshotLine("ppe:gloves", 900, 0, 0, [], 0)], []), book, Now);
        Assert.Null(ledger.Items["ppe:gloves"].History);

        var surrogate = new LocationLedgerConverter().ConvertToSurrogate(ledger);
        Assert.Null(surrogate.HistoryEndDays);
        var copy = new LocationLedgerConverter().ConvertFromSurrogate(surrogate with { ConsumptionPeriodDays = null, StockoutDays = null });

        Assert.Null(copy.Items["ppe:gloves"].History);
        Assert.Equal(900, copy.CurrentStock("ppe:gloves")!.OnHand);
        Assert.Equal(new Supply.Domain.Coverage.ConsumptionMeasure(0, 0, 0, Supply.Domain.Coverage.ConsumptionBasis.Reported),
            copy.CurrentStock("ppe:gloves")!.Measure);
    }

    [Fact]
    public void A_ledger_stored_with_string_arrays_before_packing_reads_back_the_same()
    {
        var ledger = LedgerWithEverything();
        var packed = new LocationLedgerConverter().ConvertToSurrogate(ledger);
        Assert.Null(packed.ItemIds); // written packed: Orleans tracks no string of the columns one by one
        var old = packed with
        {
            ItemIds = Strings(packed.PackedItemIds), SnapshotReportIds = PackedStrings.Unpack(packed.PackedSnapshotReportIds),
            LotNumbers = Strings(packed.PackedLotNumbers), ReceiptIds = Strings(packed.PackedReceiptIds),
            PackedItemIds = null, PackedSnapshotReportIds = null, PackedLotNumbers = null, PackedReceiptIds = null,
        };

        var copy = new LocationLedgerConverter().ConvertFromSurrogate(old);

        Assert.Equal(ledger.CurrentStock().Select(s => s with { Lots = [] }), copy.CurrentStock().Select(s => s with { Lots = [] }));
        Assert.Equal(ledger.CurrentStock().SelectMany(s => s.Lots), copy.CurrentStock().SelectMany(s => s.Lots));
        Assert.Equal(ledger.History(), copy.History());
        static string[] Strings(byte[]? column) => PackedStrings.Unpack(column).Select(s => s!).ToArray();
    }

    [Fact]
    public void The_stored_ledger_is_binary_not_json()
    {
        var grainStorageSerializer = new OrleansGrainStorageSerializer(DomainSerializer.Instance);
        var bytes = grainStorageSerializer.Serialize(new StockLocationState { Ledger = LedgerWithEverything() }).ToArray();

        // Orleans' JSON codec would embed the property names; the surrogates write field ids.
        Assert.DoesNotContain("AverageDailyConsumption", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(500 - 30 + 100, grainStorageSerializer.Deserialize<StockLocationState>(bytes)!.Ledger.CurrentStock("npl:20050101000017")!.OnHand);
    }
}
