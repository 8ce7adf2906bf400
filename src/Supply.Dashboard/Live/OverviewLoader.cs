using System.Globalization;
using Supply.Application;
using Supply.Application.Readiness;
using Supply.Dashboard.Components.Map;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;
using Supply.Server.Security;

namespace Supply.Dashboard.Live;

/// <summary>Everything the overview shows, for one scope and one selection. Shared between circuits: treat it as read-only.</summary>
/// <param name="MatrixWorstFirst">The matrix groups by their fewest days in any region shown, fewest first (no data last).</param>
public sealed record OverviewModel(
    DateTimeOffset At,
    IReadOnlyDictionary<string, RegionFigure> Regions,
    int UnderThreshold,
    ReportingSummary Reporting,
    IReadOnlyList<string> MatrixGroups,
    IReadOnlyList<string> MatrixRegions,
    IReadOnlyDictionary<(string Group, string Region), CoverageRow> Matrix,
    IReadOnlyList<string> MatrixWorstFirst)
{
    /// <summary>What <see cref="Regions"/> colour by; on the compliance layer, whether the targets are the shipped illustrative ones.</summary>
    public MapLayer Layer { get; init; }
    public bool IllustrativeTargets { get; init; }
}

/// <summary>
/// The overview's reads: a few <see cref="CoverageQueries"/> calls at region and nation level, answered from the national
/// aggregate, never a fan-out to locations. Scoped by the access policy: a regional caller's queries name only its
/// regions. The model is built once per coverage version for each scope and selection and shared by every circuit
/// (<see cref="OverviewSnapshots"/>); the access check is made on every load.
/// </summary>
public sealed class OverviewLoader(CoverageQueries coverage, ReadinessQueries readiness, CatalogCache catalog, AccessPolicy policy, OverviewSnapshots snapshots)
{
    /// <summary>"all", "cat:Medicine", "grp:KEY" or "item:ID"; the map coloured by <paramref name="layer"/>.</summary>
    public async Task<OverviewModel?> LoadAsync(Caller caller, string selection, double thresholdDays, CancellationToken cancellationToken,
        MapLayer layer = MapLayer.Coverage)
    {
        var readable = AccessPolicy.ReadableRegions(caller);
        if (readable is { Count: 0 }) return null; // no region to read: ask for nothing (an empty list would mean all)
        IReadOnlyCollection<string> regions = readable is null ? [] : readable.Order(StringComparer.Ordinal).ToList();
        if (await policy.CheckReadRegionsAsync(caller, regions) is { } refused) throw new AccessDeniedException(refused);

        var key = string.Join('|', readable is null ? "*" : string.Join(',', regions), thresholdDays.ToString("R", CultureInfo.InvariantCulture), selection, layer);
        return await snapshots.GetAsync(key, () => BuildAsync(readable, regions, selection, thresholdDays, layer), cancellationToken);
    }

    private async Task<OverviewModel?> BuildAsync(IReadOnlySet<string>? readable, IReadOnlyCollection<string> regions, string selection, double thresholdDays,
        MapLayer layer)
    {
        var cancellationToken = CancellationToken.None; // shared by every circuit that asks: no one circuit's closing cancels it
        var byGroup = await coverage.RowsAsync(new CoverageQuery(CoverageLevel.Region, ByGroup: true, RegionCodes: regions), cancellationToken);
        var selected = selection == "all" ? byGroup.Rows : (await coverage.RowsAsync(Query(selection, regions), cancellationToken)).Rows;
        var figures = selected.GroupBy(r => r.Area).ToDictionary(g => g.Key, g => Worst(g.ToList()));

        var under = readable is null
            ? (await coverage.RowsAsync(new CoverageQuery(CoverageLevel.Nation, ByGroup: true), cancellationToken)).Rows.Count(r => r.Figures.DaysOfSupply < thresholdDays)
            : byGroup.Rows.Count(r => r.Figures.DaysOfSupply < thresholdDays);
        var reporting = await coverage.ReportingSummaryAsync(regions, cancellationToken);

        var book = await catalog.GetAsync();
        var critical = book.Items.Values.Where(i => i.Criticality == Criticality.LifeSaving)
            .Select(i => i.SubstitutionGroup.Length > 0 ? i.SubstitutionGroup : i.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        var isCritical = critical.ToHashSet(StringComparer.Ordinal);
        var matrix = byGroup.Rows.Where(r => isCritical.Contains(r.Key)).ToDictionary(r => (r.Key, r.Area));
        var matrixRegions = Regions.All.Select(r => r.Code).Where(c => readable is null || readable.Contains(c)).Order(StringComparer.Ordinal).ToList();
        var fewest = matrix.Values.Where(r => r.Figures.DaysOfSupply.HasValue).GroupBy(r => r.Key)
            .ToDictionary(g => g.Key, g => g.Min(r => r.Figures.DaysOfSupply!.Value), StringComparer.Ordinal);
        var worstFirst = critical.OrderBy(g => fewest.TryGetValue(g, out var days) ? days : double.PositiveInfinity).ThenBy(g => g, StringComparer.Ordinal).ToList();
        var illustrative = false;
        if (layer == MapLayer.Compliance)
        {
            var (_, isIllustrative, areas) = await readiness.SummariesAsync(CoverageLevel.Region, regions, ComplianceKeys(book, selection), cancellationToken);
            illustrative = isIllustrative;
            // The percent of the target held per region; stale marked as on the coverage layer (the same stock counts).
            figures = areas.ToDictionary(a => a.Area, a => new RegionFigure(figures.GetValueOrDefault(a.Area)?.Days,
                figures.GetValueOrDefault(a.Area)?.Stale ?? false, "", MapLayer.Compliance, a.PercentCompliant));
        }
        return new OverviewModel(byGroup.At, figures, under, reporting, critical, matrixRegions, matrix, worstFirst)
        {
            Layer = layer,
            IllustrativeTargets = illustrative,
        };
    }

    /// <summary>
    /// The target lines the compliance layer sums for a selection: all (null); a group; an item's own lines and its group's;
    /// a category's items and groups.
    /// </summary>
    private static IReadOnlySet<string>? ComplianceKeys(CatalogBook book, string selection) => selection.Split(':', 2) switch
    {
        ["grp", var group] => new HashSet<string>(StringComparer.Ordinal) { group },
        ["item", var id] => book.Items.TryGetValue(id, out var item) && item.SubstitutionGroup.Length > 0
            ? new HashSet<string>(StringComparer.Ordinal) { id, item.SubstitutionGroup } : new HashSet<string>(StringComparer.Ordinal) { id },
        ["cat", var category] when Enum.TryParse<ItemCategory>(category, out var c) => book.Items.Values.Where(i => i.Category == c)
            .SelectMany(i => i.SubstitutionGroup.Length > 0 ? new[] { i.Id, i.SubstitutionGroup } : [i.Id]).ToHashSet(StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>The choices of the selector: categories, substitution groups and items of the catalog.</summary>
    /// <remarks>Sorted once per catalog version and culture (thousands of items at national scale), not per page load.</remarks>
    public async Task<(IReadOnlyList<string> Groups, IReadOnlyList<Item> Items)> ChoicesAsync()
    {
        var book = await catalog.GetAsync();
        var culture = CultureInfo.CurrentCulture;
        if (_choices is { } last && last.Version == book.Version && last.Culture == culture.Name) return (last.Groups, last.Items);
        var groups = book.Items.Values.Where(i => i.SubstitutionGroup.Length > 0).Select(i => i.SubstitutionGroup).Distinct().Order(StringComparer.Ordinal).ToList();
        var items = book.Items.Values.OrderBy(i => i.Name, StringComparer.Create(culture, ignoreCase: false)).ToList();
        _choices = new Choices(book.Version, culture.Name, groups, items);
        return (groups, items);
    }

    private sealed record Choices(long Version, string Culture, IReadOnlyList<string> Groups, IReadOnlyList<Item> Items);
    private volatile Choices? _choices; // the last one asked for: readers mostly share one culture

    private static CoverageQuery Query(string selection, IReadOnlyCollection<string> regions) => selection.Split(':', 2) switch
    {
        ["cat", var category] when Enum.TryParse<ItemCategory>(category, out var c) =>
            new CoverageQuery(CoverageLevel.Region, ByGroup: true, Category: c, RegionCodes: regions),
        ["grp", var group] => new CoverageQuery(CoverageLevel.Region, ByGroup: true, Group: group, RegionCodes: regions),
        ["item", var item] => new CoverageQuery(CoverageLevel.Region, ByGroup: false, ItemId: item, RegionCodes: regions),
        _ => new CoverageQuery(CoverageLevel.Region, ByGroup: true, RegionCodes: regions),
    };

    /// <summary>A region's figure for several rows (a category, or all): the row with the fewest days; stale if any row is.</summary>
    private static RegionFigure Worst(IReadOnlyList<CoverageRow> rows)
    {
        var worst = rows.Where(r => r.Figures.DaysOfSupply.HasValue).MinBy(r => r.Figures.DaysOfSupply) ?? rows[0];
        return new RegionFigure(worst.Figures.DaysOfSupply, rows.Any(r => r.Figures.StaleShare > 0), worst.Key);
    }
}
