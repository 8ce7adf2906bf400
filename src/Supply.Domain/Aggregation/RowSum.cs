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
    private WeekQuantities _weeks;            // walkable stock per expiry week, compact: region rows live as long as the region
    private string _group = "";               // the group the parts name, and how many parts name it
    private int _groupParts;
    private Dictionary<string, int>? _otherGroups; // only while parts disagree (the catalogue moved the item meanwhile)
    private ulong[] _members = [];            // which location slots contribute (RegionRows' slots)
    // The oldest and newest as-of as StoredTime parts (0 ticks: none): 10 bytes each, not a DateTimeOffset?'s 24.
    private long _oldestTicks, _newestTicks;
    private short _oldestOffset, _newestOffset;
    private DateTimeOffset? Oldest => StoredTime.JoinOrNone(_oldestTicks, _oldestOffset);
    private DateTimeOffset? Newest => StoredTime.JoinOrNone(_newestTicks, _newestOffset);
    private bool _extremesStale;              // a part that held the oldest or newest as-of was taken away
    private AggregateRow? _row;               // the row as last read; null once anything changed

    public int Locations { get; private set; }

    /// <summary>Whether <see cref="Row"/> would answer the row it built last (nothing changed since).</summary>
    public bool IsBuilt => _row is not null;

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
            foreach (var (week, quantity) in part.Weeks) _weeks.Add(week, sign * quantity);
        CountGroup(part.Group, sign);
        Locations += sign;
        SetMember(slot, sign > 0);
        if (lastAsOf is not { } asOf) return;
        if (sign < 0)
        {
            if (asOf.UtcTicks == _oldestTicks || asOf.UtcTicks == _newestTicks) _extremesStale = true;
        }
        else if (!_extremesStale) Widen(asOf);
    }

    /// <summary>The row as it stands; <paramref name="lastAsOfBySlot"/> gives each slot's location's newest as-of.</summary>
    public AggregateRow Row(string hcr, CoverageSubject subject, string key, IReadOnlyList<DateTimeOffset?> lastAsOfBySlot)
    {
        if (_row is not null) return _row;
        if (_extremesStale) RecomputeExtremes(lastAsOfBySlot);
        var trend = new TrendState(_burn7.Value, _observations7, _burn28.Value, _observations28, _level.Value, _slope.Value, _observations);
        return _row = new AggregateRow(hcr, subject, key, Group, _onHand, _reserved, _quarantined, _available, _usable, _daily.Value,
            Locations, _locationsWithDiscrepancy, Oldest, Newest, trend,
            _weeks.ToExpiries(), _unlotted);
    }

    /// <summary>The group the parts name: if they disagree (the catalogue moved the item meanwhile), the first in ordinal order.</summary>
    private string Group => _otherGroups is null ? _group : _otherGroups.Keys.Append(_group).Min(StringComparer.Ordinal)!;

    private void CountGroup(string group, int sign)
    {
        if (_groupParts == 0 || string.Equals(group, _group, StringComparison.Ordinal))
        {
            _group = group;
            _groupParts += sign;
        }
        else
        {
            var count = (_otherGroups ??= new Dictionary<string, int>(StringComparer.Ordinal)).GetValueOrDefault(group) + sign;
            if (count == 0) _otherGroups.Remove(group);
            else _otherGroups[group] = count;
        }
        if (_groupParts == 0 && _otherGroups is { Count: > 0 })
        {
            // The main group's last part left: one of the others takes its place.
            var (next, parts) = _otherGroups.MinBy(kv => kv.Key, StringComparer.Ordinal);
            _otherGroups.Remove(next);
            (_group, _groupParts) = (next, parts);
        }
        if (_otherGroups is { Count: 0 }) _otherGroups = null;
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
        _oldestTicks = _newestTicks = 0;
        for (var word = 0; word < _members.Length; word++)
            for (var bits = _members[word]; bits != 0; bits &= bits - 1)
            {
                var slot = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                if (lastAsOfBySlot[slot] is { } asOf) Widen(asOf);
            }
        _extremesStale = false;
    }

    private void Widen(DateTimeOffset asOf)
    {
        if (_oldestTicks == 0 || asOf.UtcTicks < _oldestTicks) (_oldestTicks, _oldestOffset) = StoredTime.Split(asOf);
        if (_newestTicks == 0 || asOf.UtcTicks > _newestTicks) (_newestTicks, _newestOffset) = StoredTime.Split(asOf);
    }
}

/// <summary>Quantities per expiry week (WalkableStock's day numbers), as a sorted array: a few weeks per row, no dictionary.</summary>
internal struct WeekQuantities
{
    private (int Week, long Quantity)[]? _weeks;
    private int _count;

    /// <summary>Adds <paramref name="quantity"/> (negative: takes it away) to <paramref name="week"/>; a week that reaches zero goes.</summary>
    public void Add(int week, long quantity)
    {
        var at = Find(week);
        if (at >= 0)
        {
            var left = _weeks![at].Quantity + quantity;
            if (left != 0) { _weeks[at].Quantity = left; return; }
            Array.Copy(_weeks, at + 1, _weeks, at, _count - at - 1);
            _count--;
            return;
        }
        if (quantity == 0) return;
        at = ~at;
        if (_weeks is null || _count == _weeks.Length) Array.Resize(ref _weeks, Math.Max(2, _count * 2));
        Array.Copy(_weeks, at, _weeks, at + 1, _count - at);
        _weeks[at] = (week, quantity);
        _count++;
    }

    public readonly ExpiringQuantity[] ToExpiries()
    {
        if (_count == 0) return [];
        var list = new ExpiringQuantity[_count];
        for (var i = 0; i < _count; i++) list[i] = new ExpiringQuantity(DateOnly.FromDayNumber(_weeks![i].Week), _weeks[i].Quantity);
        return list;
    }

    private readonly int Find(int week)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var w = _weeks![mid].Week;
            if (w == week) return mid;
            if (w < week) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}
