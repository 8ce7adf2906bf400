using Microsoft.Extensions.Localization;
using Supply.Application;
using Supply.Dashboard.Resources;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>
/// Coverage and shortfall tables from <see cref="CoverageQueries"/>: nation and healthcare-region rows come from the
/// national aggregate, region rows name only the regions asked for, location rows roll up one region's cells.
/// </summary>
public sealed class CoverageTables(CoverageQueries coverage, CatalogCache catalog, AccessPolicy policy, IStringLocalizer<PageStrings> T)
{
    /// <summary>Parameters: level (nation, healthcare-region, region, location), area, region, hcr, by (group|item).</summary>
    public async Task<TableData> CoverageAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var level = Level(request.Get("level"));
        var byGroup = request.Get("by") != "item";
        var area = request.Get("area");
        var book = await catalog.GetAsync();
        IReadOnlyCollection<string> regions;
        switch (level)
        {
            case CoverageLevel.Nation or CoverageLevel.HealthcareRegion:
                await CallerScope.RequireNationalAsync(policy, caller);
                regions = [];
                break;
            case CoverageLevel.Location when area.Length > 0:
                var location = StockQueries.KnownLocation(book, area);
                if (await policy.CheckReadLocationAsync(caller, location.Id) is { } refused) throw new AccessDeniedException(refused);
                regions = [location.RegionCode];
                break;
            default:
                regions = await CallerScope.RegionsAsync(policy, caller, Requested(request));
                break;
        }
        var (_, rows) = await coverage.RowsAsync(new CoverageQuery(level, byGroup, RegionCodes: regions), cancellationToken);
        var kept = area.Length > 0 ? rows.Where(r => r.Area == area) : rows;
        return new TableData($"coverage-{request.Get("level")}", CoverageColumns(level),
            kept.Select(r => Row(r, book)).ToList());
    }

    /// <summary>Parameters: days, level, by, region, q (item or group contains), category.</summary>
    public async Task<TableData> ShortfallsAsync(TableRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var level = Level(request.Get("level") is { Length: > 0 } l ? l : "region");
        var days = request.Number("days", 7);
        var category = Enum.TryParse<ItemCategory>(request.Get("category"), out var c) ? c : ItemCategory.Unspecified;
        IReadOnlyCollection<string> regions;
        if (level is CoverageLevel.Nation or CoverageLevel.HealthcareRegion)
        {
            await CallerScope.RequireNationalAsync(policy, caller);
            regions = [];
        }
        else regions = await CallerScope.RegionsAsync(policy, caller, Requested(request));
        var book = await catalog.GetAsync();
        var shortfalls = await coverage.ShortfallsAsync(level, request.Get("by") != "item", category, days, 10_000, regions, cancellationToken);
        var key = request.Get("q").Trim();
        var columns = new List<TableColumn> { new("level", T["Level"]) };
        columns.AddRange(CoverageColumns(level));
        columns.Add(new TableColumn("missing", T["UnitsToThreshold"], CellKind.Integer));
        var rows = shortfalls
            .Where(s => key.Length == 0 || s.Row.Key.Contains(key, StringComparison.OrdinalIgnoreCase)
                || Name(s.Row, book).Contains(key, StringComparison.CurrentCultureIgnoreCase))
            .Select(s => (object?[])[T[$"Level{s.Row.Level}"].Value, .. Row(s.Row, book), s.UnitsToThreshold]).ToList();
        return new TableData("shortfalls", columns, rows);
    }

    private static IReadOnlyCollection<string> Requested(TableRequest request)
    {
        if (request.Get("region") is { Length: > 0 } region) return [region];
        if (request.Get("hcr") is { Length: > 0 } hcr)
            return Regions.All.Where(r => r.HealthcareRegions.Contains(hcr)).Select(r => r.Code).ToList();
        return [];
    }

    public static CoverageLevel Level(string level) => level switch
    {
        "nation" => CoverageLevel.Nation,
        "healthcare-region" => CoverageLevel.HealthcareRegion,
        "location" => CoverageLevel.Location,
        _ => CoverageLevel.Region,
    };

    private IReadOnlyList<TableColumn> CoverageColumns(CoverageLevel level) =>
    [
        new("area", T[$"Level{level}"], LinkPrefix: level switch
        {
            CoverageLevel.HealthcareRegion => "healthcare-region/",
            CoverageLevel.Region => "region/",
            CoverageLevel.Location => "location/",
            _ => null,
        }),
        new("area-name", T["Name"]),
        new("key", T["Supply"]),
        new("supply-name", T["SupplyName"]),
        new("usable", T["Usable"], CellKind.Integer),
        new("consumption", T["DailyConsumption"], CellKind.Number),
        new("days", T["DaysOfSupply"], CellKind.Number),
        new("stale-share", T["StaleShare"], CellKind.Percent),
        new("locations", T["Locations"], CellKind.Integer),
    ];

    private static object?[] Row(CoverageRow r, ICatalogView book) =>
    [
        r.Area, AreaName(r, book), r.Key, Name(r, book), r.Figures.Usable, r.Figures.DailyConsumption, r.Figures.DaysOfSupply,
        r.Figures.StaleShare, (long)r.Locations,
    ];

    private static string AreaName(CoverageRow r, ICatalogView book) => r.Level switch
    {
        CoverageLevel.Region when Regions.IsRegionCode(r.Area) => Regions.Get(r.Area).Name,
        CoverageLevel.Location when book.TryGetLocation(r.Area, out var l) => l.Name,
        CoverageLevel.Nation => "Sverige",
        _ => r.Area,
    };

    private static string Name(CoverageRow r, ICatalogView book) =>
        r.Subject == CoverageSubject.Item && book.TryGetItem(r.Key, out var item) ? item.Name : r.Key;
}
