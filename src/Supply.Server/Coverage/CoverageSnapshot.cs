using Supply.Domain.Coverage;

namespace Supply.Server.Coverage;

/// <summary>
/// Everything coverage queries need at one moment: who reported when, who is stale, and the cells (item × location
/// figures). The cells are made on first use: millions of them for a nation, and staleness alone does not need them.
/// </summary>
public sealed class CoverageSnapshot(
    DateTimeOffset at, IReadOnlyList<LocationReporting> reporting, IReadOnlySet<string> stale, Func<IReadOnlyList<CoverageCell>> cells)
{
    private readonly Lazy<IReadOnlyList<CoverageCell>> _cells = new(cells);

    public DateTimeOffset At { get; } = at;
    public IReadOnlyList<LocationReporting> Reporting { get; } = reporting;
    public IReadOnlySet<string> Stale { get; } = stale;
    public IReadOnlyList<CoverageCell> Cells => _cells.Value;
}

/// <summary>Where the cells come from (the aggregation path).</summary>
public interface ICoverageCellSource
{
    Task<CoverageSnapshot> SnapshotAsync(CancellationToken cancellationToken);
}

/// <summary>The "Supply:Coverage" section.</summary>
public sealed class CoverageOptions
{
    /// <summary>A location whose newest data is older than this is stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How often alert watchers get a fresh look.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromSeconds(5);
}
