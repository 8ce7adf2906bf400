using System.Collections.Concurrent;
using Supply.Domain.Scenarios;

namespace Supply.Dashboard.Tables;

/// <summary>A scenario run kept for its exports: only its owner may download it.</summary>
public sealed record StoredScenario(string Id, string Owner, DateTimeOffset At, ScenarioResult Result, bool LiveStock);

/// <summary>
/// The last scenario runs (at most <see cref="Kept"/>), so the export endpoint can write a result the page shows
/// without running the scenario again. In memory: a restart forgets them, as it ends the page's circuit too.
/// </summary>
public sealed class ScenarioResultStore(TimeProvider time)
{
    private const int Kept = 32;
    private readonly ConcurrentDictionary<string, StoredScenario> _runs = new(StringComparer.Ordinal);

    public StoredScenario Add(string owner, ScenarioResult result, bool liveStock)
    {
        var run = new StoredScenario(Guid.NewGuid().ToString("N"), owner, time.GetUtcNow(), result, liveStock);
        _runs[run.Id] = run;
        foreach (var old in _runs.Values.OrderByDescending(r => r.At).Skip(Kept)) _runs.TryRemove(old.Id, out _);
        return run;
    }

    public StoredScenario? Find(string id, string owner) => _runs.TryGetValue(id, out var run) && run.Owner == owner ? run : null;
}
