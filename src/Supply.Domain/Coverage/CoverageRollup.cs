using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Domain.Coverage;

public enum CoverageLevel { Location = 0, Region = 1, HealthcareRegion = 2, Nation = 3 }

/// <summary>What a row counts: one item, or a substitution group (stock of equivalent items counts toward it).</summary>
public enum CoverageSubject { Item = 0, SubstitutionGroup = 1 }

/// <summary>One item at one location: the atom every other figure is a sum of.</summary>
public sealed record CoverageCell(
    string LocationId, string RegionCode, string HealthcareRegion, string ItemId, string SubstitutionGroup, CoverageFigures Figures)
{
    /// <summary>
    /// Usable stock on <paramref name="date"/> and the daily consumption (the location's reported average
    /// unless <paramref name="dailyConsumption"/> is given, e.g. one adjusted for stock-outs).
    /// </summary>
    public static CoverageCell Of(Location location, Item item, ItemStock stock, DateOnly date, bool stale, double? dailyConsumption = null)
    {
        var rate = dailyConsumption ?? stock.AverageDailyConsumption;
        var usable = UsableStock.Of(stock, date, rate);
        return new CoverageCell(location.Id, location.RegionCode, HealthcareRegions.Of(location), item.Id, item.SubstitutionGroup,
            CoverageFigures.Of(usable, rate, stale));
    }

    /// <summary>The group key: the substitution group, or the item itself when it has none (a group of one).</summary>
    public string GroupKey => SubstitutionGroup.Length > 0 ? SubstitutionGroup : ItemId;
}

/// <summary>A coverage figure at one level: <see cref="Area"/> is a location id, region code, healthcare region name or "SE".</summary>
public sealed record CoverageRow(CoverageLevel Level, string Area, CoverageSubject Subject, string Key, CoverageFigures Figures, int Locations);

public static class CoverageRollup
{
    public const string Nation = "SE";

    /// <summary>
    /// Sums cells into rows per area of <paramref name="level"/> and per item or substitution group.
    /// Rows are ordered by area, then key (ordinal); <see cref="CoverageRow.Locations"/> counts distinct locations.
    /// </summary>
    public static IReadOnlyList<CoverageRow> Rows(IEnumerable<CoverageCell> cells, CoverageLevel level, CoverageSubject subject) =>
        cells
            .GroupBy(c => (Area: AreaOf(c, level), Key: subject == CoverageSubject.Item ? c.ItemId : c.GroupKey))
            .OrderBy(g => g.Key.Area, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new CoverageRow(level, g.Key.Area, subject, g.Key.Key,
                // Summed in a fixed order, so the same cells always give the same (floating-point) figures.
                CoverageFigures.Sum(g.OrderBy(c => c.LocationId, StringComparer.Ordinal).ThenBy(c => c.ItemId, StringComparer.Ordinal)
                    .Select(c => c.Figures)),
                g.Select(c => c.LocationId).Distinct().Count()))
            .ToList();

    public static string AreaOf(CoverageCell cell, CoverageLevel level) => level switch
    {
        CoverageLevel.Location => cell.LocationId,
        CoverageLevel.Region => cell.RegionCode,
        CoverageLevel.HealthcareRegion => cell.HealthcareRegion,
        CoverageLevel.Nation => Nation,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a coverage level"),
    };
}
