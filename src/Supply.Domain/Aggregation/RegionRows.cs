using Supply.Domain.Coverage;

namespace Supply.Domain.Aggregation;

/// <summary>
/// A region's rows (<see cref="Aggregates.Rows"/>), kept up to date location by location: when a location publishes
/// new totals, its old ones are taken out and the new ones put in, so a publication costs the lines of that one
/// location, not of the whole region (a region holds ~100 locations × 2,000 items at national scale, and summing it
/// all again on every push was half of the server's work during a national load). The sums are exact
/// (<see cref="ExactSum"/>), so the rows are the same whatever order the publications came in, and the same as
/// summing all locations afresh.
/// </summary>
/// <remarks>Not thread-safe: one owner (a region aggregate's turns).</remarks>
public sealed class RegionRows
{
    private readonly Dictionary<(string Hcr, CoverageSubject Subject, string Key), RowSum> _rows = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal); // location id → slot
    private readonly List<DateTimeOffset?> _lastAsOf = [];                          // by slot
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<string, RowPart> _groupParts = new(StringComparer.Ordinal); // scratch: one location's groups
    private readonly Stack<RowPart> _spareParts = new();
    private readonly RowPart _itemPart = new();                                     // scratch: one item
    private List<KeyValuePair<(string Hcr, CoverageSubject Subject, string Key), RowSum>>? _ordered; // null once a row came or went

    /// <summary>Rows of these locations summed afresh.</summary>
    public static RegionRows Of(IEnumerable<LocationTotals> locations)
    {
        var rows = new RegionRows();
        foreach (var location in locations) rows.Replace(null, location);
        return rows;
    }

    /// <summary>The location's <paramref name="previous"/> totals (null: none held) give way to <paramref name="current"/> (null: forgotten).</summary>
    public void Replace(LocationTotals? previous, LocationTotals? current)
    {
        if (previous is not null && current is not null && !string.Equals(previous.LocationId, current.LocationId, StringComparison.Ordinal))
            throw new ArgumentException($"totals of {current.LocationId} cannot replace those of {previous.LocationId}", nameof(current));
        if (previous is not null) Apply(previous, -1, _slots[previous.LocationId]);
        if (current is null)
        {
            if (previous is not null && _slots.Remove(previous.LocationId, out var freed)) _freeSlots.Push(freed);
            return;
        }
        if (!_slots.TryGetValue(current.LocationId, out var slot))
        {
            slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _lastAsOf.Count;
            if (slot == _lastAsOf.Count) _lastAsOf.Add(null);
            _slots[current.LocationId] = slot;
        }
        _lastAsOf[slot] = current.LastAsOf;
        Apply(current, +1, slot);
    }

    /// <summary>How many rows the last <see cref="ToRows"/> built afresh (the others had not changed since the read before).</summary>
    public int RebuiltByLastRead { get; private set; }

    /// <summary>One row per (healthcare region, item) and per (healthcare region, group key), ordered by healthcare region, subject and key (ordinal).</summary>
    public IReadOnlyList<AggregateRow> ToRows()
    {
        _ordered ??= _rows
            .OrderBy(kv => kv.Key.Hcr, StringComparer.Ordinal).ThenBy(kv => kv.Key.Subject).ThenBy(kv => kv.Key.Key, StringComparer.Ordinal)
            .ToList();
        var rows = new AggregateRow[_ordered.Count];
        var rebuilt = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var ((hcr, subject, key), sum) = _ordered[i];
            if (!sum.IsBuilt) rebuilt++;
            rows[i] = sum.Row(hcr, subject, key, _lastAsOf);
        }
        RebuiltByLastRead = rebuilt;
        return rows;
    }

    private void Apply(LocationTotals location, int sign, int slot)
    {
        foreach (var item in location.Items)
        {
            _itemPart.Clear();
            _itemPart.Group = item.SubstitutionGroup;
            _itemPart.Add(item, location.UsableOn);
            ApplyPart(location, (CoverageSubject.Item, item.ItemId), _itemPart, sign, slot);
            if (!_groupParts.TryGetValue(item.GroupKey, out var part))
            {
                _groupParts[item.GroupKey] = part = _spareParts.Count > 0 ? _spareParts.Pop() : new RowPart();
                part.Clear();
                part.Group = item.SubstitutionGroup;
            }
            part.Add(item, location.UsableOn);
        }
        foreach (var (groupKey, part) in _groupParts)
        {
            ApplyPart(location, (CoverageSubject.SubstitutionGroup, groupKey), part, sign, slot);
            _spareParts.Push(part);
        }
        _groupParts.Clear();
    }

    private void ApplyPart(LocationTotals location, (CoverageSubject Subject, string Key) row, RowPart part, int sign, int slot)
    {
        var key = (location.HealthcareRegion, row.Subject, row.Key);
        if (!_rows.TryGetValue(key, out var sum))
        {
            if (sign < 0) throw new InvalidOperationException($"location {location.LocationId} is not counted in row {key}");
            _rows[key] = sum = new RowSum();
            _ordered = null;
        }
        sum.Apply(part, sign, slot, location.LastAsOf);
        if (sum.Locations == 0)
        {
            _rows.Remove(key);
            _ordered = null;
        }
    }
}
