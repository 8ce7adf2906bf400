using Supply.Domain.Readiness;

namespace Supply.Grains.Readiness;

/// <summary>
/// The readiness targets and the daily compliance record (key: <see cref="ReadinessGrainKey.Sweden"/>), stored durably
/// like the catalog. Targets are validated against the catalog before they reach this grain (the application's
/// ReadinessQueries); the grain only keeps them.
/// </summary>
public interface IReadinessGrain : IGrainWithStringKey
{
    /// <summary>The targets in force: the shipped illustrative defaults until an administrator sets some.</summary>
    [ReadOnly] Task<Immutable<ReadinessTargetSet>> GetTargets();

    /// <summary>Replaces every target; returns the new version.</summary>
    Task<long> SetTargets(Immutable<IReadOnlyList<ReadinessTarget>> targets, string note, string setBy, DateTimeOffset at);

    /// <summary>Keeps <paramref name="summaries"/> as the record of their day (replacing an earlier record of that day).</summary>
    Task Record(DateOnly day, Immutable<IReadOnlyList<ComplianceSummary>> summaries);

    /// <summary>The records from <paramref name="from"/> on, oldest first.</summary>
    [ReadOnly] Task<Immutable<IReadOnlyList<ComplianceSummary>>> GetHistory(DateOnly from);
}

public static class ReadinessGrainKey
{
    public const string Sweden = "se";
}

[GenerateSerializer]
public sealed class ReadinessState
{
    /// <summary>Null until an administrator sets targets (then the defaults no longer apply).</summary>
    [Id(0)] public List<ReadinessTarget>? Targets { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public string Note { get; set; } = "";
    [Id(3)] public string SetBy { get; set; } = "";
    [Id(4)] public DateTimeOffset? SetAt { get; set; }
    /// <summary>Daily records, oldest first, at most <see cref="ReadinessGrain.DaysKept"/> days.</summary>
    [Id(5)] public List<ComplianceSummary> History { get; set; } = [];
}
