using System.Collections.Frozen;
using Supply.Domain.Catalog;

namespace Supply.Domain.Coverage;

/// <summary>
/// The six healthcare regions (sjukvårdsregioner). A location belongs to its region's healthcare
/// region; Halland is split between Södra and Västra by municipality. Both mappings are data
/// (Reference/regions.csv and Reference/halland-municipalities.csv), not code.
/// </summary>
public static class HealthcareRegions
{
    private static readonly FrozenDictionary<string, string> ByMunicipality = LoadMunicipalities();

    /// <summary>All healthcare region names, ordinal order.</summary>
    public static IReadOnlyList<string> All { get; } =
        Regions.All.SelectMany(r => r.HealthcareRegions).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The healthcare region(s) a region belongs to (two for Halland).</summary>
    public static IReadOnlyList<string> OfRegion(string regionCode) =>
        Regions.IsRegionCode(regionCode) ? Regions.Get(regionCode).HealthcareRegions
            : throw new ArgumentException($"'{regionCode}' is not a Swedish region code", nameof(regionCode));

    public static string Of(Location location) => Of(location.RegionCode, location.MunicipalityCode);

    /// <summary>
    /// The healthcare region of a place. For a split region the municipality decides; when it is
    /// missing or unknown the answer is the region's names joined with '|' ("Södra|Västra"), so such
    /// stock shows up as its own group instead of being guessed into one.
    /// </summary>
    public static string Of(string regionCode, string municipalityCode)
    {
        var names = OfRegion(regionCode);
        if (names.Count == 1) return names[0];
        return ByMunicipality.TryGetValue(municipalityCode, out var name) && names.Contains(name) ? name : string.Join("|", names);
    }

    private static FrozenDictionary<string, string> LoadMunicipalities()
    {
        using var stream = typeof(Regions).Assembly.GetManifestResourceStream("Supply.Domain.Reference.halland-municipalities.csv")
            ?? throw new InvalidOperationException("halland-municipalities.csv is not embedded");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header: municipality_code,name,healthcare_region
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var f = line.Split(',');
            map[f[0]] = f[2];
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
