using Supply.Domain.Coverage;
using Supply.Domain.Forecast;

namespace Supply.Domain.Aggregation;

/// <summary>
/// What one location adds to one region row: one item (item rows), or the location's items of one group (group rows,
/// so a group counts the location once however many of its items it holds). Every figure can be taken away again
/// exactly (<see cref="ExactSum"/>).
/// </summary>
internal sealed class RowPart
{
    public string Group = "";
    public long OnHand, Reserved, Quarantined, Available, Usable, Unlotted;
    public ExactSum Daily, Burn7, Burn28, Level, Slope;
    public int Observations7, Observations28, Observations;
    public bool Discrepant;
    public Dictionary<int, long>? Weeks; // walkable stock per expiry week (WalkableStock), only once some has an expiry

    public void Clear()
    {
        Group = "";
        OnHand = Reserved = Quarantined = Available = Usable = Unlotted = 0;
        Daily = Burn7 = Burn28 = Level = Slope = default;
        Observations7 = Observations28 = Observations = 0;
        Discrepant = false;
        Weeks?.Clear();
    }

    public void Add(in LocationItemTotals i, DateOnly usableOn)
    {
        OnHand += i.OnHand; Reserved += i.Reserved; Quarantined += i.Quarantined; Available += i.Available;
        Usable += i.Usable; Daily += i.DailyConsumption;
        if (i.Discrepancy > 0) Discrepant = true;
        var t = i.Trend;
        Burn7 += t.Burn7; Burn28 += t.Burn28; Level += t.Level; Slope += t.Slope;
        Observations7 += t.Observations7; Observations28 += t.Observations28; Observations += t.Observations;
        // Discrepant stock counts as zero, as in usable (the ledger floors on hand at zero already).
        Unlotted += i.Expiries.Count == 0
            ? Math.Max(0, i.OnHand - Math.Max(0, i.Reserved) - Math.Max(0, i.Quarantined))
            : WalkableStock.AddTo(Weeks ??= [], i.OnHand, i.Reserved, i.Quarantined, i.Expiries, usableOn);
    }
}

/// <summary>
/// One region row (healthcare region × item or group) as the sum of its locations' parts, kept up to date part by part.
/// </summary>
internal sealed class RowSum
{
    private long _onHand, _reserved, _quarantined, _available, _usable, _unlotted;
    private ExactSum _daily, _burn7, _burn28, _level, _slope;
    private int _observations7, _observations28, _observations;
    private int _locationsWithDiscrepancy;
    private Dictionary<int, long>? _weeks;
    private Dictionary<string, int>? _groups; // the groups the parts name, with how many parts name each
    private ulong[] _members = [];            // which location slots contribute (RegionRows' slots)
    private DateTimeOffset? _oldest, _newest;
    private bool _extremesStale;              // a part that held the oldest or newest as-of was taken away
    private AggregateRow? _row;               // the row as last read; null once anything changed

    public int Locations { get; private set; }

    /// <summary>Adds (<paramref name="sign"/> 1) or takes away (−1) the part of the location in <paramref name="slot"/>.</summary>
    public void Apply(RowPart part, int sign, int slot, DateTimeOffset? lastAsOf)
    {
        _row = null;
        _onHand += sign * part.OnHand; _reserved += sign * part.Reserved; _quarantined += sign * part.Quarantined;
        _available += sign * part.Available; _usable += sign * part.Usable; _unlotted += sign * part.Unlotted;
        if (sign > 0)
        {
            _daily += part.Daily; _burn7 += part.Burn7; _burn28 += part.Burn28; _level += part.Level; _slope += part.Slope;
        }
        else
        {
            _daily -= part.Daily; _burn7 -= part.Burn7; _burn28 -= part.Burn28; _level -= part.Level; _slope -= part.Slope;
        }
        _observations7 += sign * part.Observations7; _observations28 += sign * part.Observations28; _observations += sign * part.Observations;
        if (part.Discrepant) _locationsWithDiscrepancy += sign;
        if (part.Weeks is { Count: > 0 })
            foreach (var (week, quantity) in part.Weeks)
            {
                var left = (_weeks ??= []).GetValueOrDefault(week) + sign * quantity;
                if (left == 0) _weeks.Remove(week);
                else _weeks[week] = left;
            }
        CountGroup(part.Group, sign);
        Locations += sign;
        SetMember(slot, sign > 0);
        if (lastAsOf is not { } asOf) return;
        if (sign < 0)
        {
            if (asOf == _oldest || asOf == _newest) _extremesStale = true;
        }
        else if (!_extremesStale)
        {
            if (_oldest is null || asOf < _oldest) _oldest = asOf;
            if (_newest is null || asOf > _newest) _newest = asOf;
        }
    }

    /// <summary>The row as it stands; <paramref name="lastAsOfBySlot"/> gives each slot's location's newest as-of.</summary>
    public AggregateRow Row(string hcr, CoverageSubject subject, string key, IReadOnlyList<DateTimeOffset?> lastAsOfBySlot)
    {
        if (_row is not null) return _row;
        if (_extremesStale) RecomputeExtremes(lastAsOfBySlot);
        var trend = new TrendState(_burn7.Value, _observations7, _burn28.Value, _observations28, _level.Value, _slope.Value, _observations);
        return _row = new AggregateRow(hcr, subject, key, Group, _onHand, _reserved, _quarantined, _available, _usable, _daily.Value,
            Locations, _locationsWithDiscrepancy, _oldest, _newest, trend,
            _weeks is null ? Array.Empty<ExpiringQuantity>() : WalkableStock.ToExpiries(_weeks), _unlotted);
    }

    /// <summary>The group the parts name: if they disagree (the catalogue moved the item meanwhile), the first in ordinal order.</summary>
    private string Group => _groups is null ? "" : _groups.Keys.Min(StringComparer.Ordinal) ?? "";

    private void CountGroup(string group, int sign)
    {
        var count = (_groups ??= new Dictionary<string, int>(1, StringComparer.Ordinal)).GetValueOrDefault(group) + sign;
        if (count == 0) _groups.Remove(group);
        else _groups[group] = count;
    }

    private void SetMember(int slot, bool member)
    {
        var word = slot >> 6;
        if (word >= _members.Length) Array.Resize(ref _members, Math.Max(word + 1, _members.Length * 2));
        if (member) _members[word] |= 1UL << slot;
        else _members[word] &= ~(1UL << slot);
    }

    private void RecomputeExtremes(IReadOnlyList<DateTimeOffset?> lastAsOfBySlot)
    {
        _oldest = _newest = null;
        for (var word = 0; word < _members.Length; word++)
            for (var bits = _members[word]; bits != 0; bits &= bits - 1)
            {
                var slot = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                if (lastAsOfBySlot[slot] is not { } asOf) continue;
                if (_oldest is null || asOf < _oldest) _oldest = asOf;
                if (_newest is null || asOf > _newest) _newest = asOf;
            }
        _extremesStale = false;
    }
}
