using System.Globalization;
using Supply.Domain.Catalog;

namespace Supply.Dashboard.Live;

/// <summary>What a subject is: everything, a category, a substitution group or one item.</summary>
public enum SubjectKind { All, Category, Group, Item }

/// <summary>One choice of the subject search: its value ("all", "cat:Medicine", "grp:KEY", "item:ID") and the text shown.</summary>
public sealed record SubjectChoice(string Value, SubjectKind Kind, string Label)
{
    public override string ToString() => Label;
}

/// <summary>
/// The type-ahead behind the subject search box: the catalog's groups and items (thousands nationally) are searched on
/// the server and only the best few matches are sent to the browser, instead of a selector holding every one of them.
/// </summary>
public static class SubjectChoices
{
    public const int MaxShown = 20;
    private static readonly ItemCategory[] Categories = [ItemCategory.Medicine, ItemCategory.Equipment, ItemCategory.Ppe];

    /// <summary>
    /// Choices matching <paramref name="text"/> (case and accents ignored, in the reader's culture): those starting with
    /// it first, then those containing it; "all" and the categories first when asked for. An empty text lists the start.
    /// </summary>
    /// <param name="label">Localised names: "all", categories ("CategoryMedicine"), kinds ("Group", "Item").</param>
    public static IReadOnlyList<SubjectChoice> Find(string? text, IReadOnlyList<string> groups, IReadOnlyList<Item> items, bool overall,
        Func<string, string> label, int max = MaxShown)
    {
        var wanted = (text ?? "").Trim();
        var compare = CultureInfo.CurrentCulture.CompareInfo;
        const CompareOptions loose = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace;
        // 0: starts with, 1: contains, -1: no match.
        int Rank(params string[] texts)
        {
            if (wanted.Length == 0) return 0;
            var best = -1;
            foreach (var t in texts)
            {
                if (compare.IsPrefix(t, wanted, loose)) return 0;
                if (compare.IndexOf(t, wanted, loose) >= 0) best = 1;
            }
            return best;
        }

        var found = new List<(int Rank, SubjectChoice Choice)>();
        if (overall)
        {
            if (Rank(label("AllSupplies")) is >= 0 and var r) found.Add((r, new SubjectChoice("all", SubjectKind.All, label("AllSupplies"))));
            foreach (var category in Categories)
            {
                var name = label($"Category{category}");
                if (Rank(name, label("Category")) is >= 0 and var rc) found.Add((rc, new SubjectChoice($"cat:{category}", SubjectKind.Category, $"{name} ({label("Category").ToLower(CultureInfo.CurrentCulture)})")));
            }
        }
        foreach (var group in groups)
        {
            if (Rank(group) is >= 0 and var r) found.Add((r, Group(group, label)));
            if (wanted.Length == 0 && found.Count >= max) break;
        }
        foreach (var item in items)
        {
            if (wanted.Length == 0 && found.Count >= max) break;
            if (Rank(item.Name, item.Id, item.SubstitutionGroup) is >= 0 and var r) found.Add((r, Item(item, label)));
        }
        // A stable order: rank, then the order given (groups by key, items by name).
        return found.Select((f, i) => (f, i)).OrderBy(x => x.f.Rank).ThenBy(x => x.i).Take(max).Select(x => x.f.Choice).ToList();
    }

    /// <summary>The choice a value stands for, for showing the current one (null when the value names nothing known).</summary>
    public static SubjectChoice? Of(string value, IReadOnlyList<Item> items, Func<string, string> label) => value.Split(':', 2) switch
    {
        ["all"] => new SubjectChoice("all", SubjectKind.All, label("AllSupplies")),
        ["cat", var c] when Enum.TryParse<ItemCategory>(c, out var category) =>
            new SubjectChoice(value, SubjectKind.Category, $"{label($"Category{category}")} ({label("Category").ToLower(CultureInfo.CurrentCulture)})"),
        ["grp", var group] => Group(group, label),
        ["item", var id] => items.FirstOrDefault(i => i.Id == id) is { } item ? Item(item, label) : null,
        _ => null,
    };

    private static SubjectChoice Group(string group, Func<string, string> label) =>
        new($"grp:{group}", SubjectKind.Group, $"{group} ({label("Group").ToLower(CultureInfo.CurrentCulture)})");

    private static SubjectChoice Item(Item item, Func<string, string> label) =>
        new($"item:{item.Id}", SubjectKind.Item, $"{item.Name} · {item.Id}");
}
