using System.Collections.Frozen;

namespace Supply.Domain.Catalog;

/// <summary>A Swedish region (county council) and the healthcare region(s) it belongs to.</summary>
public sealed record Region(string Code, string Name, IReadOnlyList<string> HealthcareRegions, int Population);

/// <summary>
/// The 21 regions, read from the reference data shipped in this assembly (Reference/regions.csv),
/// so the mapping to healthcare regions is data, not code.
/// </summary>
public static class Regions
{
    private static readonly FrozenDictionary<string, Region> ByCode = Load().ToFrozenDictionary(r => r.Code);

    public static IReadOnlyCollection<Region> All => ByCode.Values;

    public static bool IsRegionCode(string? code) => code is not null && ByCode.ContainsKey(code);

    public static Region Get(string code) => ByCode[code];

    private static IEnumerable<Region> Load()
    {
        using var stream = typeof(Regions).Assembly.GetManifestResourceStream("Supply.Domain.Reference.regions.csv")
            ?? throw new InvalidOperationException("regions.csv is not embedded");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header: code,name,healthcare_region,civil_area,population_2023
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var f = line.Split(',');
            yield return new Region(f[0], f[1], f[2].Split('|'), int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
