using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;

namespace Supply.Server.Tests;

/// <summary>A small catalog and report builders; every test uses its own locations, so tests share a server safely.</summary>
public static class TestData
{
    public const string Paracetamol = "npl:20090901100113";
    public const string Morphine = "npl:20100618100013";
    public const string Ffp2 = "ppe:ffp2";
    public const string Syringe = "vnr:123456";
    public static readonly string Cannula = "gtin:" + Domain.Catalog.ItemId.WithCheckDigit("0735000111222");

    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static RegisterItemsRequest Items()
    {
        var request = new RegisterItemsRequest();
        request.Items.Add(new Item { Id = Paracetamol, Name = "Paracetamol 500 mg tablett", Category = ItemCategory.Medicine, BaseUnit = "tablet", PackSize = 100, SubstitutionGroup = "N02BE01-500mg-tab" });
        request.Items.Add(new Item { Id = Morphine, Name = "Morfin 10 mg/ml injektion", Category = ItemCategory.Medicine, BaseUnit = "ampoule", PackSize = 10, Criticality = Criticality.LifeSaving });
        request.Items.Add(new Item { Id = Ffp2, Name = "Andningsskydd FFP2", Category = ItemCategory.Ppe, BaseUnit = "piece" });
        request.Items.Add(new Item { Id = Syringe, Name = "Spruta 10 ml", Category = ItemCategory.Equipment, BaseUnit = "piece", PackSize = 100 });
        request.Items.Add(new Item { Id = Cannula, Name = "PVK 18G", Category = ItemCategory.Equipment, BaseUnit = "piece" });
        return request;
    }

    /// <summary>Registers the catalog and fresh locations (unique to the caller) and returns their ids.</summary>
    public static async Task<string[]> RegisterAsync(SupplyServer server, params (string Region, LocationKind Kind)[] locations)
    {
        await server.Catalog.RegisterItemsAsync(Items());
        var request = new RegisterLocationsRequest();
        var ids = new List<string>();
        foreach (var (region, kind) in locations)
        {
            var id = $"se-{region}-{kind.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..40];
            ids.Add(id);
            request.Locations.Add(new Location { Id = id, Name = $"Test {kind} {region}", Kind = kind, RegionCode = region });
        }
        await server.Catalog.RegisterLocationsAsync(request);
        return [.. ids];
    }

    public static StockReport Snapshot(string location, string reportId, DateTimeOffset asOf, params SnapshotLine[] lines)
    {
        var report = new StockReport { ReportId = reportId, LocationId = location, AsOf = Timestamp.FromDateTimeOffset(asOf), Snapshot = new Snapshot() };
        report.Snapshot.Lines.AddRange(lines);
        return report;
    }

    public static SnapshotLine Line(string item, long onHand, double adc = 0, long reserved = 0, long quarantined = 0, params Lot[] lots)
    {
        var line = new SnapshotLine { ItemId = item, OnHand = onHand, AverageDailyConsumption = adc, Reserved = reserved, Quarantined = quarantined };
        line.Lots.AddRange(lots);
        return line;
    }

    public static StockReport Movements(string location, string reportId, DateTimeOffset asOf, params Movement[] lines)
    {
        var report = new StockReport { ReportId = reportId, LocationId = location, AsOf = Timestamp.FromDateTimeOffset(asOf), Movements = new Movements() };
        report.Movements.Lines.AddRange(lines);
        return report;
    }

    public static Movement Move(string item, MovementType type, long quantity, string reason = "", string lot = "", string expires = "") =>
        new() { ItemId = item, Type = type, Quantity = quantity, ReasonCode = reason, LotNumber = lot, ExpiresOn = expires };

    /// <summary>The field names in the google.rpc.BadRequest of an INVALID_ARGUMENT reply.</summary>
    public static IReadOnlyList<string> FieldsAtFault(RpcException e)
    {
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var badRequest = e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }
}
