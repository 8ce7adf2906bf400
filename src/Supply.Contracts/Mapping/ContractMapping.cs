using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Supply.Contracts.V1;
using D = Supply.Domain;

namespace Supply.Contracts.Mapping;

/// <summary>
/// Translation between the public contract (supply.v1) and the domain model, both ways, so the
/// server and the CLI speak the same language without repeating it. Enum values are aligned by
/// number, so enum translation is a cast; out-of-range numbers survive and are refused by validation.
/// </summary>
public static class ContractMapping
{
    // ---- catalog ----
    public static D.Catalog.Item ToDomain(this Item i) =>
        new(i.Id, i.Name, (D.Catalog.ItemCategory)i.Category, i.BaseUnit, i.PackSize, i.SubstitutionGroup, (D.Catalog.Criticality)i.Criticality);

    public static Item ToContract(this D.Catalog.Item i) => new()
    {
        Id = i.Id, Name = i.Name, Category = (ItemCategory)i.Category, BaseUnit = i.BaseUnit, PackSize = i.PackSize,
        SubstitutionGroup = i.SubstitutionGroup, Criticality = (Criticality)i.Criticality,
    };

    public static D.Catalog.Location ToDomain(this Location l) =>
        new(l.Id, l.Name, (D.Catalog.LocationKind)l.Kind, l.RegionCode, l.MunicipalityCode) { Owner = l.Owner };

    public static Location ToContract(this D.Catalog.Location l) => new()
    {
        Id = l.Id, Name = l.Name, Kind = (LocationKind)l.Kind, RegionCode = l.RegionCode, MunicipalityCode = l.MunicipalityCode,
        Owner = l.Owner,
    };

    // ---- reports ----
    public static D.Stock.StockReport ToDomain(this StockReport r)
    {
        var asOf = r.AsOf is null ? (DateTimeOffset?)null : ToDateTimeOffset(r.AsOf);
        return r.BodyCase switch
        {
            StockReport.BodyOneofCase.Snapshot => new D.Stock.StockReport(r.ReportId, r.LocationId, asOf,
                r.Snapshot.PhysicalCount ? D.Stock.ReportKind.PhysicalCount : D.Stock.ReportKind.Snapshot,
                Map(r.Snapshot.Lines, ToDomain), []),
            StockReport.BodyOneofCase.Movements => new D.Stock.StockReport(r.ReportId, r.LocationId, asOf,
                D.Stock.ReportKind.Movements, [], Map(r.Movements.Lines, ToDomain)),
            _ => new D.Stock.StockReport(r.ReportId, r.LocationId, asOf, D.Stock.ReportKind.Unspecified, [], []),
        };
    }

    private static D.Stock.SnapshotLine ToDomain(SnapshotLine l) =>
        new(l.ItemId, l.OnHand, l.Reserved, l.Quarantined, ToDomain(l.Lots), l.AverageDailyConsumption, l.ConsumptionPeriodDays, l.StockoutDays);

    private static IReadOnlyList<D.Stock.LotInput> ToDomain(RepeatedField<Lot> lots) =>
        lots.Count == 0 ? [] : Map(lots, static x => new D.Stock.LotInput(x.LotNumber, x.ExpiresOn, x.Quantity));

    // Exact-size arrays, no LINQ: this runs for every line of every report received.
    private static TOut[] Map<TIn, TOut>(RepeatedField<TIn> from, Func<TIn, TOut> map)
    {
        var result = new TOut[from.Count];
        for (var i = 0; i < result.Length; i++) result[i] = map(from[i]);
        return result;
    }

    private static D.Stock.MovementLine ToDomain(Movement m) =>
        new(m.ItemId, (D.Stock.MovementType)m.Type, m.Quantity, m.LotNumber, m.ExpiresOn, m.ReasonCode, m.CounterpartyLocationId);

    public static StockReport ToContract(this D.Stock.StockReport r)
    {
        var report = new StockReport { ReportId = r.ReportId, LocationId = r.LocationId, AsOf = r.AsOf is { } t ? Timestamp.FromDateTimeOffset(t) : null };
        switch (r.Kind)
        {
            case D.Stock.ReportKind.Snapshot or D.Stock.ReportKind.PhysicalCount:
                report.Snapshot = new Snapshot { PhysicalCount = r.Kind == D.Stock.ReportKind.PhysicalCount };
                report.Snapshot.Lines.AddRange(r.SnapshotLines.Select(l =>
                {
                    var line = new SnapshotLine
                    {
                        ItemId = l.ItemId, OnHand = l.OnHand, Reserved = l.Reserved, Quarantined = l.Quarantined,
                        AverageDailyConsumption = l.AverageDailyConsumption,
                        ConsumptionPeriodDays = l.ConsumptionPeriodDays, StockoutDays = l.StockoutDays,
                    };
                    line.Lots.AddRange(l.Lots.Select(x => new Lot { LotNumber = x.LotNumber, ExpiresOn = x.ExpiresOn, Quantity = x.Quantity }));
                    return line;
                }));
                break;
            case D.Stock.ReportKind.Movements:
                report.Movements = new Movements();
                report.Movements.Lines.AddRange(r.Movements.Select(m => new Movement
                {
                    ItemId = m.ItemId, Type = (MovementType)m.Type, Quantity = m.Quantity, LotNumber = m.LotNumber,
                    ExpiresOn = m.ExpiresOn, ReasonCode = m.ReasonCode, CounterpartyLocationId = m.CounterpartyLocationId,
                }));
                break;
        }
        return report;
    }

    public static ReportAck ToContract(this D.Stock.ReportAck a)
    {
        var ack = new ReportAck
        {
            ReportId = a.ReportId, LocationId = a.LocationId, Outcome = (ReportOutcome)a.Outcome, LinesApplied = a.LinesApplied,
            LinesHistorical = a.LinesHistorical, Duplicate = a.Duplicate, LocationVersion = a.LocationVersion,
            AcceptedAt = a.AcceptedAt == default ? null : Timestamp.FromDateTimeOffset(a.AcceptedAt),
        };
        ack.Violations.AddRange(a.Violations.Select(ToContract));
        return ack;
    }

    public static FieldViolation ToContract(this D.Violation v) => new() { Field = v.Field, Description = v.Description };

    // ---- stock ----
    public static StockLine ToContract(this D.Stock.ItemStock s)
    {
        var line = new StockLine
        {
            ItemId = s.ItemId, OnHand = s.OnHand, Reserved = s.Reserved, Quarantined = s.Quarantined, Available = s.Available,
            AverageDailyConsumption = s.AverageDailyConsumption, DaysOfSupply = s.DaysOfSupply ?? 0, HasDaysOfSupply = s.DaysOfSupply.HasValue,
            SnapshotAsOf = ToTimestamp(s.SnapshotAsOf), AsOf = ToTimestamp(s.AsOf), Discrepancy = s.Discrepancy,
        };
        if (s.Measure is { } m)
        {
            line.ConsumptionBasis = m.Basis switch
            {
                D.Coverage.ConsumptionBasis.AdjustedForStockout => ConsumptionBasis.AdjustedForStockout,
                D.Coverage.ConsumptionBasis.Unadjusted => ConsumptionBasis.Unadjusted,
                _ => ConsumptionBasis.Reported,
            };
            line.ReportedDailyConsumption = m.ReportedPerDay;
            line.ConsumptionPeriodDays = m.PeriodDays;
            line.StockoutDays = m.StockoutDays;
        }
        line.Lots.AddRange(s.Lots.Select(l => new Lot { LotNumber = l.LotNumber, ExpiresOn = l.ExpiresOn.ToString("yyyy-MM-dd"), Quantity = l.Quantity }));
        return line;
    }

    public static ReportReceipt ToContract(this D.Stock.ReportReceipt r) => new()
    {
        ReportId = r.ReportId, AsOf = Timestamp.FromDateTimeOffset(r.AsOf), ReceivedAt = Timestamp.FromDateTimeOffset(r.ReceivedAt),
        Kind = r.Kind switch
        {
            D.Stock.ReportKind.PhysicalCount => "physical-count",
            D.Stock.ReportKind.Movements => "movements",
            _ => "snapshot",
        },
        Lines = r.Lines, Outcome = (ReportOutcome)r.Outcome, LinesApplied = r.LinesApplied,
    };

    public static Timestamp? ToTimestamp(DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    /// <summary>Timestamp.ToDateTimeOffset throws on out-of-range values; callers get null-free, clamped input checked later.</summary>
    public static DateTimeOffset ToDateTimeOffset(Timestamp t)
    {
        // Protobuf allows seconds from year 1 to 9999; anything else is clamped so validation can name it.
        var seconds = Math.Clamp(t.Seconds, -62135596800L, 253402300799L);
        var nanos = Math.Clamp(t.Nanos, 0, 999_999_999);
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
    }
}
