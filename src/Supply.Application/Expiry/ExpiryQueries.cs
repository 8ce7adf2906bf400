using Supply.Domain;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Expiry;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;

namespace Supply.Application.Expiry;

/// <summary>What an expiry wave asks for; empty strings, <see cref="ItemCategory.Unspecified"/> and no regions mean "all"; weeks 0 means 12.</summary>
public sealed record ExpiryWaveQuery(CoverageLevel Level, bool ByGroup, string ItemId = "", string Group = "",
    ItemCategory Category = ItemCategory.Unspecified, IReadOnlyCollection<string>? RegionCodes = null, int Weeks = 0);

/// <summary>An expiry wave and the day its week 0 starts.</summary>
public sealed record ExpiryWaveView(DateTimeOffset At, DateOnly Start, int Weeks, IReadOnlyList<ExpiryWaveRow> Rows);

/// <summary>A lot's holdings, with the catalog's locations.</summary>
public sealed record LotView(DateTimeOffset At, Item Item, string LotNumber, IReadOnlyList<(Location Location, LotHolding Holding)> Holdings)
{
    public long Total => Holdings.Sum(h => h.Holding.Quantity);
}

/// <summary>
/// The expiry wave and the lot look-up (a recall), from the lots the region aggregates keep, through
/// <see cref="AggregateReader"/>: never a fan-out to locations. Access is the caller's business; arguments are checked here.
/// </summary>
public sealed class ExpiryQueries(AggregateReader reader, CatalogCache cache, TimeProvider time)
{
    public async Task<ExpiryWaveView> WaveAsync(ExpiryWaveQuery query, CancellationToken cancellationToken)
    {
        var regions = query.RegionCodes ?? [];
        var v = new Violations();
        CheckRegions(regions, v);
        if (query.ItemId.Length > 0 && !ItemId.IsValid(query.ItemId, out var why)) v.Add("item_id", why);
        v.Check(query.Weeks is >= 0 and <= ExpiryWave.MaxWeeks, "weeks", $"must be between 0 and {ExpiryWave.MaxWeeks} (0 means {ExpiryWave.DefaultWeeks})");
        v.Check(Enum.IsDefined(query.Category), "category", "is not an item category");
        if (v.Any) throw new DomainValidationException(v.Items);

        var weeks = query.Weeks == 0 ? ExpiryWave.DefaultWeeks : query.Weeks;
        var (at, lines) = await reader.LinesAsync(new LineFilter(regions, query.ItemId, query.Group, query.Category), cancellationToken);
        var start = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var subject = query.ByGroup ? CoverageSubject.SubstitutionGroup : CoverageSubject.Item;
        return new ExpiryWaveView(at, start, weeks, ExpiryWave.Rows(lines, query.Level, subject, start, weeks));
    }

    public async Task<LotView> FindLotAsync(string itemId, string lotNumber, IReadOnlyCollection<string> regionCodes, CancellationToken cancellationToken)
    {
        var v = new Violations();
        CheckRegions(regionCodes, v);
        v.Check(lotNumber.Length is > 0 and <= 64, "lot_number", "is required (at most 64 characters)");
        if (!ItemId.IsValid(itemId, out var why)) v.Add("item_id", why);
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var item = StockQueries.KnownItem(book, itemId);

        var (at, lines) = await reader.LinesAsync(new LineFilter(regionCodes, item.Id), cancellationToken);
        var holdings = LotLookup.Find(lines.Select(l => l.Location), item.Id, lotNumber);
        return new LotView(at, item, lotNumber, holdings
            .Select(h => (Location: book.TryGetLocation(h.LocationId, out var l) ? l : null, Holding: h))
            .Where(x => x.Location is not null).Select(x => (x.Location!, x.Holding)).ToList());
    }

    private static void CheckRegions(IReadOnlyCollection<string> regions, Violations v)
    {
        var list = regions.ToList();
        for (var i = 0; i < list.Count; i++)
            v.Check(Regions.IsRegionCode(list[i]), list.Count == 1 ? "region_codes" : $"region_codes[{i}]", $"'{list[i]}' is not a Swedish region code");
    }
}
