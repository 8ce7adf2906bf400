using Supply.Domain.Readiness;

namespace Supply.Grains.Readiness;

public sealed class ReadinessGrain(
    [PersistentState("readiness", StorageNames.Default)] IPersistentState<ReadinessState> state) : Grain, IReadinessGrain
{
    /// <summary>About 13 months of daily records: a year's trend and the same weeks of last year.</summary>
    public const int DaysKept = 400;

    public Task<Immutable<ReadinessTargetSet>> GetTargets()
    {
        var s = state.State;
        var set = s.Targets is null
            ? ReadinessTargets.Illustrative with { Version = s.Version }
            : new ReadinessTargetSet(s.Targets.ToList(), s.Version, Illustrative: false, s.Note, s.SetBy, s.SetAt);
        return Task.FromResult(set.AsImmutable());
    }

    public async Task<long> SetTargets(Immutable<IReadOnlyList<ReadinessTarget>> targets, string note, string setBy, DateTimeOffset at)
    {
        var s = state.State;
        var previous = (s.Targets, s.Version, s.Note, s.SetBy, s.SetAt);
        (s.Targets, s.Version, s.Note, s.SetBy, s.SetAt) = (targets.Value.ToList(), s.Version + 1, note, setBy, at);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (s.Targets, s.Version, s.Note, s.SetBy, s.SetAt) = previous; // memory stays what storage holds
            throw;
        }
        return s.Version;
    }

    public async Task Record(DateOnly day, Immutable<IReadOnlyList<ComplianceSummary>> summaries)
    {
        var s = state.State;
        var previous = s.History;
        var oldest = day.AddDays(-DaysKept + 1);
        s.History = s.History.Where(x => x.Day != day && x.Day >= oldest).Concat(summaries.Value).OrderBy(x => x.Day).ToList();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            s.History = previous;
            throw;
        }
    }

    public Task<Immutable<IReadOnlyList<ComplianceSummary>>> GetHistory(DateOnly from) =>
        Task.FromResult(((IReadOnlyList<ComplianceSummary>)state.State.History.Where(x => x.Day >= from).ToList()).AsImmutable());
}
