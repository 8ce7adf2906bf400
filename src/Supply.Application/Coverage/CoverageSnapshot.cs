using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;

namespace Supply.Server.Coverage;

/// <summary>
/// Everything coverage queries need at one moment: who reported when, who is stale, and the cells (item × location
/// figures). Cells are made only when a query asks for them, and only those it keeps: a nation has millions, and
/// staleness alone does not need any.
/// </summary>
/// <param name="reported">Each location's last published totals, and whether they are stale.</param>
public sealed class CoverageSnapshot(
    DateTimeOffset at, IReadOnlyList<LocationReporting> reporting, IReadOnlySet<string> stale, IReadOnlyList<(LocationTotals Totals, bool Stale)> reported)
{
    public DateTimeOffset At { get; } = at;
    public IReadOnlyList<LocationReporting> Reporting { get; } = reporting;
    public IReadOnlySet<string> Stale { get; } = stale;

    /// <summary>Every reported location's last published totals (its current region's copy), and whether they are stale.</summary>
    public IReadOnlyList<(LocationTotals Totals, bool Stale)> Locations { get; } = reported;

    /// <summary>The cells of the regions <paramref name="keepRegion"/> keeps and the items <paramref name="keepItem"/> (item id, group key) keeps.</summary>
    public IEnumerable<CoverageCell> CellsWhere(Func<string, bool> keepRegion, Func<string, string, bool> keepItem) =>
        Locations.Where(l => keepRegion(l.Totals.RegionCode))
            .SelectMany(l => l.Totals.Items.Where(i => keepItem(i.ItemId, i.GroupKey)).Select(i => AggregateCoverage.Cell(l.Totals, i, l.Stale)));
}

/// <summary>The "Supply:Coverage" section.</summary>
public sealed class CoverageOptions
{
    /// <summary>A location whose newest data is older than this is stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How often alert watchers get a fresh look.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromSeconds(5);
}
