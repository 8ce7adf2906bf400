namespace Supply.Domain.Coverage;

/// <summary>One change the tracker saw: a row crossing below the threshold or back above it, a location going stale or fresh.</summary>
public sealed record AlertChange(string Kind, CoverageRow? Row, string LocationId)
{
    public const string Below = "below", Recovered = "recovered", Stale = "stale", Fresh = "fresh";
}

/// <summary>
/// The one alert detector: what is below a threshold and which locations are stale, remembered between looks, so each
/// look reports only the changes (the first reports everything already below, and stale). gRPC WatchAlerts, the
/// dashboard's feed and the webhook outbox all run it; the outbox keeps its <see cref="Below"/> and <see cref="StaleIds"/>
/// in grain state so a restart does not report the same crossing twice.
/// </summary>
public sealed class AlertTracker(double thresholdDays, IEnumerable<(string Area, string Key)>? below = null, IEnumerable<string>? stale = null)
{
    private readonly HashSet<(string Area, string Key)> _below = [.. below ?? []];
    private readonly HashSet<string> _stale = new(stale ?? [], StringComparer.Ordinal);

    public double ThresholdDays { get; } = thresholdDays;
    public IReadOnlyCollection<(string Area, string Key)> Below => _below;
    public IReadOnlyCollection<string> StaleIds => _stale;

    /// <summary>The changes since the last look, rows in (area, key) order, then locations by id.</summary>
    public List<AlertChange> Look(IEnumerable<CoverageRow> rows, IEnumerable<string> staleNow)
    {
        var changes = new List<AlertChange>();
        var byKey = rows.ToDictionary(r => (r.Area, r.Key));
        foreach (var (key, row) in byKey.OrderBy(kv => kv.Key))
        {
            var isBelow = row.Figures.DaysOfSupply < ThresholdDays;
            if (isBelow && _below.Add(key)) changes.Add(new AlertChange(AlertChange.Below, row, ""));
            else if (!isBelow && _below.Remove(key)) changes.Add(new AlertChange(AlertChange.Recovered, row, ""));
        }
        _below.RemoveWhere(k => !byKey.ContainsKey(k)); // a row gone (item deregistered, filter changed) is forgotten quietly
        var staleSet = staleNow.ToHashSet(StringComparer.Ordinal);
        foreach (var id in staleSet.Order(StringComparer.Ordinal).Where(_stale.Add).ToList()) changes.Add(new AlertChange(AlertChange.Stale, null, id));
        foreach (var id in _stale.Where(id => !staleSet.Contains(id)).Order(StringComparer.Ordinal).ToList())
        {
            _stale.Remove(id);
            changes.Add(new AlertChange(AlertChange.Fresh, null, id));
        }
        return changes;
    }
}
