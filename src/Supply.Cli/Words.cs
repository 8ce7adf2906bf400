using Supply.Domain.Catalog;
using Supply.Domain.Stock;

namespace Supply.Cli;

/// <summary>
/// The readable words used for enum values in files and on the command line ("life-saving",
/// "regional-warehouse"). Parsing ignores case and accepts '_' or ' ' for '-'.
/// </summary>
public static class Words
{
    public static readonly IReadOnlyDictionary<string, ItemCategory> Categories = Map(
        ("medicine", ItemCategory.Medicine), ("equipment", ItemCategory.Equipment), ("ppe", ItemCategory.Ppe));

    public static readonly IReadOnlyDictionary<string, Criticality> Criticalities = Map(
        ("life-saving", Criticality.LifeSaving), ("essential", Criticality.Essential),
        ("important", Criticality.Important), ("standard", Criticality.Standard));

    public static readonly IReadOnlyDictionary<string, LocationKind> LocationKinds = Map(
        ("hospital", LocationKind.Hospital), ("regional-warehouse", LocationKind.RegionalWarehouse),
        ("municipal-care", LocationKind.MunicipalCare), ("national-stockpile", LocationKind.NationalStockpile),
        ("pharmacy", LocationKind.Pharmacy), ("supplier", LocationKind.Supplier));

    public static readonly IReadOnlyDictionary<string, MovementType> MovementTypes = Map(
        ("received", MovementType.Received), ("consumed", MovementType.Consumed), ("adjusted", MovementType.Adjusted),
        ("transferred-in", MovementType.TransferredIn), ("transferred-out", MovementType.TransferredOut),
        ("discarded", MovementType.Discarded));

    public static readonly IReadOnlyDictionary<string, ReportKind> ReportKinds = Map(
        ("snapshot", ReportKind.Snapshot), ("physical-count", ReportKind.PhysicalCount), ("movements", ReportKind.Movements));

    public static bool TryParse<T>(IReadOnlyDictionary<string, T> words, string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && words.TryGetValue(Normalise(text), out value);
    }

    /// <summary>The word for a value, or its number when it has none (a newer server).</summary>
    public static string Of<T>(IReadOnlyDictionary<string, T> words, T value) where T : struct, Enum =>
        words.FirstOrDefault(kv => EqualityComparer<T>.Default.Equals(kv.Value, value)).Key ?? Convert.ToInt32(value).ToString();

    public static string Of(ItemCategory v) => Of(Categories, v);
    public static string Of(Criticality v) => Of(Criticalities, v);
    public static string Of(LocationKind v) => Of(LocationKinds, v);
    public static string Of(ReportKind v) => Of(ReportKinds, v);
    public static string Of(MovementType v) => Of(MovementTypes, v);

    /// <summary>"a, b or c": for messages.</summary>
    public static string List<T>(IReadOnlyDictionary<string, T> words) where T : struct, Enum
    {
        var keys = words.Keys.ToList();
        return keys.Count == 1 ? keys[0] : string.Join(", ", keys.Take(keys.Count - 1)) + " or " + keys[^1];
    }

    private static string Normalise(string text) => text.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-');

    private static IReadOnlyDictionary<string, T> Map<T>(params (string Word, T Value)[] pairs) where T : notnull
    {
        var d = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (word, value) in pairs) d.Add(word, value);
        return d;
    }
}
