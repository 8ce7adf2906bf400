using System.Globalization;
using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Demo;

/// <summary>A ready-made sample: catalog items, locations in every region, and their stock reports.</summary>
public sealed record DemoData(
    DateTimeOffset Now,
    IReadOnlyList<Item> Items,
    IReadOnlyList<Location> Locations,
    IReadOnlyList<StockReport> Reports);

/// <summary>
/// A deterministic, realistic demo data set so a newcomer sees data at once: about 75 items
/// (medicines, medical equipment, PPE), locations of every kind in all 21 regions, one snapshot
/// per location and movement reports for hospitals and warehouses.
/// </summary>
/// <remarks>
/// The same <c>now</c> always gives the same data (a fixed seed, no clock, no <see cref="Random"/>).
/// Report ids do not depend on <c>now</c> (<c>demo-&lt;location&gt;-snapshot-1</c>,
/// <c>demo-&lt;location&gt;-movements-1</c>), so loading the demo twice is idempotent: the second
/// time every report is a duplicate. Quantities scale with the region's population; the rates
/// are illustrations, not statistics. Everything passes <see cref="CatalogBook"/> registration and
/// <see cref="ReportValidator"/>.
/// </remarks>
public static class DemoDataset
{
    public const ulong Seed = 20_240_611;

    public static DemoData Create(DateTimeOffset now)
    {
        // Whole minutes in UTC: readable times, and the same data for any 'now' within a minute.
        var t0 = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var items = DemoItems.All;
        var nationalMillions = Regions.All.Sum(r => (double)r.Population) / 1e6;

        var sites = new List<(string Region, DemoSite Site, SupplierRange Range)>();
        foreach (var (region, regionSites) in DemoSites.ByRegion)
            sites.AddRange(regionSites.Select(s => (region, s, SupplierRange.None)));
        sites.AddRange(DemoSites.National);

        var locations = sites.Select(s => new Location(DemoSites.IdOf(s.Region, s.Site), s.Site.Name, s.Site.Kind, s.Region, s.Site.Municipality))
            .ToList();
        var suppliers = sites.Where(s => s.Site.Kind == LocationKind.Supplier)
            .ToLookup(s => s.Range, s => DemoSites.IdOf(s.Region, s.Site));

        var snapshots = new List<StockReport>();
        var movements = new List<StockReport>();
        foreach (var (region, site, range) in sites)
        {
            var id = DemoSites.IdOf(region, site);
            var regionSites = DemoSites.ByRegion.FirstOrDefault(r => r.Region == region).Sites ?? [];
            var ctx = new SiteContext(
                id, site.Kind, range, Regions.Get(region).Population / 1e6, nationalMillions,
                HospitalsInRegion: Math.Max(1, regionSites.Count(s => s.Kind == LocationKind.Hospital)),
                SuppliersInRange: Math.Max(1, suppliers[range].Count()),
                Warehouse: regionSites.Where(s => s.Kind == LocationKind.RegionalWarehouse).Select(s => DemoSites.IdOf(region, s)).FirstOrDefault(),
                Hospitals: regionSites.Where(s => s.Kind == LocationKind.Hospital).Select(s => DemoSites.IdOf(region, s)).ToList(),
                Suppliers: suppliers);
            var rnd = DemoRandom.For(Seed, id);
            var snapshot = Snapshot(ctx, items, t0, rnd, out var stale);
            snapshots.Add(snapshot);
            if (!stale && site.Kind is LocationKind.Hospital or LocationKind.RegionalWarehouse)
                movements.Add(Movements(ctx, items, snapshot, t0, rnd));
        }

        return new DemoData(t0, items.Select(i => i.Item).ToList(), locations, [.. snapshots, .. movements]);
    }

    private sealed record SiteContext(
        string Id, LocationKind Kind, SupplierRange Range, double Millions, double NationalMillions,
        int HospitalsInRegion, int SuppliersInRange, string? Warehouse, IReadOnlyList<string> Hospitals,
        ILookup<SupplierRange, string> Suppliers)
    {
        public bool Consumes => Kind is not (LocationKind.NationalStockpile or LocationKind.Supplier);
    }

    // ---- snapshots ----

    private static StockReport Snapshot(SiteContext ctx, IReadOnlyList<DemoItem> items, DateTimeOffset t0, DemoRandom rnd, out bool stale)
    {
        stale = ctx.Consumes && rnd.Chance(0.06);
        var asOf = ctx.Kind switch
        {
            LocationKind.NationalStockpile => t0 - TimeSpan.FromHours(rnd.Between(24, 72)),
            LocationKind.Supplier => t0 - TimeSpan.FromMinutes(rnd.Between(120, 360)),
            _ when stale => t0 - TimeSpan.FromHours(rnd.Between(48, 216)),
            _ => t0 - TimeSpan.FromMinutes(rnd.Between(180, 360)),
        };

        var lines = new List<SnapshotLine>();
        foreach (var item in items)
        {
            if (DailyUse(ctx, item, rnd) is not { } use) continue;
            lines.Add(Line(ctx, item, use, t0, rnd));
        }
        return new StockReport($"demo-{ctx.Id}-snapshot-1", ctx.Id, asOf, ReportKind.Snapshot, lines, []);
    }

    /// <summary>Base units a location goes through per day, or null when it does not stock the item.</summary>
    private static double? DailyUse(SiteContext ctx, DemoItem d, DemoRandom rnd)
    {
        var category = d.Item.Category;
        var jitter = rnd.Between(0.75, 1.25);
        var skip = rnd.NextDouble(); // drawn every time so one item's choice never shifts another's
        bool Stocks(double pSkip) => d.IsCritical || skip >= pSkip;
        var national = (d.Hospital + d.Care + d.Retail) * ctx.NationalMillions;
        return ctx.Kind switch
        {
            LocationKind.Hospital when d.Hospital > 0 && Stocks(0.12) =>
                d.Hospital * ctx.Millions / ctx.HospitalsInRegion * jitter,
            // Regional warehouses carry medtech, PPE and infusion fluids for hospitals and care.
            LocationKind.RegionalWarehouse when (category != ItemCategory.Medicine || d.Item.BaseUnit == "bag")
                                                && d.Hospital + d.Care > 0 && Stocks(0.05) =>
                (d.Hospital + d.Care) * ctx.Millions * 0.6 * jitter,
            LocationKind.MunicipalCare when d.Care > 0 && Stocks(0.15) =>
                d.Care * ctx.Millions * 0.03 * jitter,
            LocationKind.Pharmacy when d.Retail > 0 && Stocks(0.10) =>
                d.Retail * ctx.Millions * 0.02 * jitter,
            // Stockpiles: all PPE and the critical medicines and equipment that hospitals use.
            LocationKind.NationalStockpile when category == ItemCategory.Ppe || (d.IsCritical && d.Hospital > 0) =>
                national / 3 * jitter,
            LocationKind.Supplier when RangeOf(category) == ctx.Range =>
                national / ctx.SuppliersInRange * jitter,
            _ => null,
        };
    }

    private static SupplierRange RangeOf(ItemCategory category) => category switch
    {
        ItemCategory.Medicine => SupplierRange.Medicines,
        ItemCategory.Equipment => SupplierRange.Equipment,
        _ => SupplierRange.Ppe,
    };

    private static SnapshotLine Line(SiteContext ctx, DemoItem d, double use, DateTimeOffset t0, DemoRandom rnd)
    {
        var low = rnd.NextDouble();
        var days = ctx.Kind switch
        {
            LocationKind.Hospital => low < 0.015 ? 0 : low < 0.08 ? rnd.Between(0.3, 3.0) : rnd.Between(7.0, 40.0),
            LocationKind.RegionalWarehouse => low < 0.05 ? rnd.Between(1.0, 5.0) : rnd.Between(20.0, 75.0),
            LocationKind.MunicipalCare => low < 0.06 ? rnd.Between(1.0, 4.0) : rnd.Between(10.0, 60.0),
            LocationKind.Pharmacy => low < 0.015 ? 0 : low < 0.08 ? rnd.Between(0.5, 3.0) : rnd.Between(7.0, 30.0),
            LocationKind.NationalStockpile => d.Item.Category == ItemCategory.Ppe ? rnd.Between(150.0, 365.0) : rnd.Between(60.0, 150.0),
            _ => rnd.Between(7.0, 28.0),
        };
        var onHand = (long)Math.Round(use * days);
        if (onHand == 0 && days > 0) onHand = 1;

        var lots = Lots(ctx, d, onHand, t0, rnd, out var expiredLot);
        long quarantined = 0;
        if (expiredLot is { } expired && rnd.Chance(0.6)) quarantined = expired.Quantity;
        else if (onHand > 0 && rnd.Chance(0.02)) quarantined = lots.Count > 0 ? rnd.Pick(lots).Quantity : Math.Max(1, onHand / 20);

        long reserved = 0;
        if (ctx.Kind is LocationKind.Hospital or LocationKind.RegionalWarehouse or LocationKind.Supplier && rnd.Chance(0.12))
            reserved = (long)((onHand - quarantined) * rnd.Between(0.05, 0.25));

        var adc = ctx.Consumes ? Math.Max(0.1, Math.Round(use, 1)) : 0;
        return new SnapshotLine(d.Item.Id, onHand, reserved, quarantined, lots, adc);
    }

    /// <summary>Splits on-hand stock into 1-4 lots; some lines carry an expired lot or one that expires soon.</summary>
    private static List<LotInput> Lots(SiteContext ctx, DemoItem d, long onHand, DateTimeOffset t0, DemoRandom rnd, out LotInput? expiredLot)
    {
        expiredLot = null;
        var today = DateOnly.FromDateTime(t0.UtcDateTime);
        var untracked = d.Item.Category == ItemCategory.Equipment && rnd.Chance(0.25);
        if (onHand == 0 || untracked) return [];

        var count = onHand < 10 ? 1 : rnd.Between(1, ctx.Consumes ? 3 : 4);
        var shelfDays = d.Item.Category switch
        {
            ItemCategory.Medicine => (60, 900),
            ItemCategory.Equipment => (180, 1500),
            _ => (180, 1800),
        };
        var special = rnd.NextDouble();
        var expiredShare = ctx.Kind == LocationKind.NationalStockpile ? 0.15 : 0.05;
        if (special < expiredShare) count = Math.Max(count, 2); // a small expired lot beside the usable stock

        var lots = new List<LotInput>(count);
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        var left = onHand;
        for (var i = 0; i < count; i++)
        {
            var expiredFirst = i == 0 && special < expiredShare;
            var quantity = i == count - 1 && !expiredFirst ? left
                : Math.Max(1, (long)(left * (expiredFirst ? rnd.Between(0.03, 0.15) : rnd.Between(0.2, 0.6))));
            quantity = Math.Min(quantity, left);
            left -= quantity;
            var expires = i switch
            {
                0 when expiredFirst => today.AddDays(-rnd.Between(1, 120)),
                0 when special < expiredShare + 0.10 => today.AddDays(rnd.Between(1, 30)),
                _ => today.AddDays(rnd.Between(shelfDays.Item1, shelfDays.Item2)),
            };
            string number;
            do number = LotNumber(rnd); while (!numbers.Add(number));
            var lot = new LotInput(number, Date(expires), quantity);
            if (expires <= today) expiredLot = lot;
            if (quantity > 0) lots.Add(lot);
            if (left == 0) break;
        }
        return lots;
    }

    private static string LotNumber(DemoRandom rnd)
    {
        const string letters = "ABCDEFGHJKLMNPRSTUVWXZ";
        return $"{letters[rnd.Between(0, letters.Length - 1)]}{letters[rnd.Between(0, letters.Length - 1)]}{rnd.Between(1000, 9999)}";
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- movements ----

    /// <summary>What happened after the snapshot: deliveries with new lots, use, expired stock thrown away.</summary>
    private static StockReport Movements(SiteContext ctx, IReadOnlyList<DemoItem> items, StockReport snapshot, DateTimeOffset t0, DemoRandom rnd)
    {
        var asOf = snapshot.AsOf!.Value;
        var gap = (int)(t0 - asOf).TotalMinutes;
        var at = asOf + TimeSpan.FromMinutes(rnd.Between(30, Math.Max(31, gap - 10)));
        var hours = (at - asOf).TotalHours;
        var today = DateOnly.FromDateTime(t0.UtcDateTime);
        var byId = items.ToDictionary(i => i.Item.Id, StringComparer.Ordinal);

        var lines = new List<MovementLine>();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var candidates = snapshot.SnapshotLines.Where(l => l.OnHand > 0).ToList();

        // Expired stock sent for destruction.
        // (Quarantined expired lots wait for destruction; the others are thrown away now.)
        foreach (var line in candidates.Where(l => l.Quarantined == 0 && l.Lots.Any(x => IsExpired(x, today))).Take(2))
        {
            var lot = line.Lots.First(x => IsExpired(x, today));
            lines.Add(new MovementLine(line.ItemId, MovementType.Discarded, lot.Quantity, lot.LotNumber, lot.ExpiresOn, "expired", ""));
            touched.Add(line.ItemId);
        }

        // Use since the snapshot (a warehouse "uses" by sending stock on to hospitals).
        var free = candidates.Where(l => !touched.Contains(l.ItemId)).OrderByDescending(l => l.AverageDailyConsumption).ToList();
        var used = free.Take(Math.Max(4, free.Count / 2)).ToList(); // the items that move
        for (var n = 0; n < 4 && used.Count > 0; n++)
        {
            var line = used[rnd.Between(0, used.Count - 1)];
            used.Remove(line);
            var available = line.OnHand - line.Reserved - line.Quarantined;
            var quantity = Math.Min(available, Math.Max(1, (long)Math.Round(line.AverageDailyConsumption * hours / 24 * rnd.Between(0.8, 1.2))));
            if (quantity < 1) continue;
            var transfer = ctx.Kind == LocationKind.RegionalWarehouse && ctx.Hospitals.Count > 0;
            lines.Add(new MovementLine(line.ItemId, transfer ? MovementType.TransferredOut : MovementType.Consumed, quantity, "", "", "",
                transfer ? rnd.Pick(ctx.Hospitals) : ""));
            touched.Add(line.ItemId);
        }

        // Deliveries: whole packs, a fresh lot each.
        var received = snapshot.SnapshotLines.ToList();
        for (var n = 0; n < 3 && received.Count > 0; n++)
        {
            var line = received[rnd.Between(0, received.Count - 1)];
            received.Remove(line);
            var item = byId[line.ItemId].Item;
            var pack = Math.Max(1, item.PackSize);
            var packs = Math.Max(1, (long)Math.Round(line.AverageDailyConsumption * rnd.Between(3.0, 10.0) / pack));
            // The regional warehouse supplies what it carries (medtech, PPE, fluids); medicines come from a wholesaler.
            var viaWarehouse = ctx.Kind != LocationKind.RegionalWarehouse && ctx.Warehouse is not null
                               && (item.Category != ItemCategory.Medicine || item.BaseUnit == "bag");
            var suppliers = ctx.Suppliers[RangeOf(item.Category)].ToList();
            var from = viaWarehouse ? ctx.Warehouse! : suppliers.Count > 0 ? rnd.Pick(suppliers) : "";
            string lotNumber;
            do lotNumber = LotNumber(rnd); while (line.Lots.Any(x => x.LotNumber == lotNumber));
            lines.Add(new MovementLine(line.ItemId, MovementType.Received, packs * pack, lotNumber,
                Date(today.AddDays(rnd.Between(300, 900))), "", from));
        }

        return new StockReport($"demo-{ctx.Id}-movements-1", ctx.Id, at, ReportKind.Movements, [], lines);
    }

    private static bool IsExpired(LotInput lot, DateOnly today) =>
        ReportValidator.TryParseDate(lot.ExpiresOn, out var d) && d <= today;
}
