using Supply.Domain.Coverage;

namespace Supply.Server.Coverage;

/// <summary>Everything coverage queries need at one moment: the cells (item × location figures) and who is stale.</summary>
public sealed record CoverageSnapshot(
    DateTimeOffset At, IReadOnlyList<CoverageCell> Cells, IReadOnlyList<LocationReporting> Reporting, IReadOnlySet<string> Stale);

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
