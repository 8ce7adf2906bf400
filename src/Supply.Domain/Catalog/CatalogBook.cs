namespace Supply.Domain.Catalog;

/// <summary>What report validation needs to know of the catalog.</summary>
public interface ICatalogView
{
    long Version { get; }
    bool TryGetItem(string id, out Item item);
    bool TryGetLocation(string id, out Location location);
}

public sealed record RegisterResult(int Created, int Updated, int Unchanged, long Version);

/// <summary>
/// The catalog of items and locations. Registration is an upsert, validated whole: one bad entry
/// refuses the request and changes nothing. The version grows by one on every effective change,
/// so per-silo caches can tell whether they are current.
/// </summary>
public sealed class CatalogBook : ICatalogView
{
    public Dictionary<string, Item> Items { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Location> Locations { get; set; } = new(StringComparer.Ordinal);
    public long Version { get; set; }

    public bool TryGetItem(string id, out Item item) => Items.TryGetValue(id, out item!);
    public bool TryGetLocation(string id, out Location location) => Locations.TryGetValue(id, out location!);

    public RegisterResult RegisterItems(IReadOnlyList<Item> items) =>
        Register(items, Items, "items", Item.Validate, i => i.Normalised(), i => i.Id);

    public RegisterResult RegisterLocations(IReadOnlyList<Location> locations) =>
        Register(locations, Locations, "locations", Location.Validate, l => l.Normalised(), l => l.Id);

    private RegisterResult Register<T>(
        IReadOnlyList<T> entries, Dictionary<string, T> target, string field,
        Action<T, string, Violations> validate, Func<T, T> normalise, Func<T, string> key)
        where T : class
    {
        var v = new Violations();
        v.Check(entries.Count > 0, field, "at least one entry is required");
        v.Check(entries.Count <= Limits.MaxLinesPerReport, field, $"at most {Limits.MaxLinesPerReport} entries per request");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count && v.Items.Count < Limits.MaxViolations; i++)
        {
            validate(entries[i], $"{field}[{i}]", v);
            v.Check(seen.Add(key(entries[i])), $"{field}[{i}].id", $"'{Text.Clip(key(entries[i]))}' appears twice in the request");
        }
        if (v.Any) throw new DomainValidationException(v.Items);

        int created = 0, updated = 0, unchanged = 0;
        foreach (var entry in entries.Select(normalise))
        {
            if (!target.TryGetValue(key(entry), out var existing)) created++;
            else if (existing.Equals(entry)) { unchanged++; continue; }
            else updated++;
            target[key(entry)] = entry;
        }
        if (created + updated > 0) Version++;
        return new RegisterResult(created, updated, unchanged, Version);
    }
}
