using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Feeds.Tests;

/// <summary>
/// The stock service in memory: applies every report to a real <see cref="LocationLedger"/> per location,
/// with a real <see cref="CatalogBook"/>, exactly as the location grain does (refusals come back as
/// rejected acks). Can be told to fail, like an unreachable silo.
/// </summary>
public sealed class LedgerSink(CatalogBook catalog, TimeProvider time) : IStockReportSink
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LocationLedger> _ledgers = new(StringComparer.Ordinal);
    private readonly List<(StockReport Report, ReportAck? Ack)> _log = [];
    private int _failNext;

    public CatalogBook Catalog => catalog;

    /// <summary>The next <paramref name="count"/> submissions throw (nothing applied).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    public Task<ReportAck> SubmitAsync(StockReport report, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_failNext > 0)
            {
                _failNext--;
                _log.Add((report, null));
                throw new InvalidOperationException("the silo is not reachable (injected)");
            }
            ReportAck ack;
            try
            {
                if (!_ledgers.TryGetValue(report.LocationId, out var ledger))
                {
                    var fresh = new LocationLedger { LocationId = report.LocationId };
                    ack = fresh.Apply(report, catalog, time.GetUtcNow());
                    _ledgers[report.LocationId] = fresh;
                }
                else ack = ledger.Apply(report, catalog, time.GetUtcNow());
            }
            catch (DomainValidationException e)
            {
                ack = ReportAck.Rejected(report.ReportId, report.LocationId, e.Violations);
            }
            _log.Add((report, ack));
            return Task.FromResult(ack);
        }
    }

    public IReadOnlyList<(StockReport Report, ReportAck? Ack)> Log
    {
        get { lock (_lock) return _log.ToList(); }
    }

    public IReadOnlyList<ReportAck> Acks => Log.Where(e => e.Ack is not null).Select(e => e.Ack!).ToList();

    /// <summary>Current stock of a location, item id → stock (empty if nothing was ever accepted there).</summary>
    public IReadOnlyDictionary<string, ItemStock> Stock(string locationId)
    {
        lock (_lock)
            return _ledgers.TryGetValue(locationId, out var l)
                ? l.CurrentStock().ToDictionary(s => s.ItemId, StringComparer.Ordinal)
                : new Dictionary<string, ItemStock>();
    }

    public long Version(string locationId)
    {
        lock (_lock) return _ledgers.TryGetValue(locationId, out var l) ? l.Version : 0;
    }

    /// <summary>A comparable picture of all stock: location → item → (on hand, reserved, available, lots).</summary>
    public string Picture()
    {
        lock (_lock)
            return string.Join("\n", _ledgers.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv =>
                kv.Value.CurrentStock().Select(s =>
                    $"{kv.Key} {s.ItemId} {s.OnHand}/{s.Reserved}/{s.Quarantined}/{s.Available} [{string.Join(",", s.Lots.Select(l => $"{l.LotNumber}:{l.ExpiresOn:yyyy-MM-dd}:{l.Quantity}"))}] as-of {s.SnapshotAsOf:O}")));
    }
}

/// <summary>The catalog the tests use: items by varunummer and GTIN, pharmacies and a supplier.</summary>
public static class TestCatalog
{
    public const string Store1 = "se-01-pharm-1001";
    public const string Store2 = "se-01-pharm-1002";
    public const string Supplier = "se-01-sup-medtech";

    /// <summary>vnr:100001 … vnr:100030.</summary>
    public static string Vnr(int i) => $"vnr:{100000 + i}";

    /// <summary>Valid GTIN-13s: 7310000000011 style, 1 … 30.</summary>
    public static string Gtin(int i) => ItemId.WithCheckDigit($"731000000{i:D3}");

    public static CatalogBook Create()
    {
        var book = new CatalogBook();
        var items = Enumerable.Range(1, 30).Select(i => new Item(Vnr(i), $"Medicine {i}", ItemCategory.Medicine, "pack", 1, "", Criticality.Essential))
            .Concat(Enumerable.Range(1, 30).Select(i => new Item($"gtin:{Gtin(i)}", $"Device {i}", ItemCategory.Equipment, "piece", 1, "", Criticality.Important)))
            .ToList();
        book.RegisterItems(items);
        book.RegisterLocations([
            new Location(Store1, "Apotek Storgatan", LocationKind.Pharmacy, "01", "0180"),
            new Location(Store2, "Apotek Torget", LocationKind.Pharmacy, "01", "0180"),
            new Location(Supplier, "Medtech AB central warehouse", LocationKind.Supplier, "01", ""),
        ]);
        return book;
    }
}

/// <summary>Real time, shifted on demand: lets staleness windows pass without waiting (timers stay real).</summary>
public sealed class ShiftedTime : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
