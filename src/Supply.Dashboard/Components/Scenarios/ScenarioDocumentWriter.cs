using System.Globalization;
using System.Text;

namespace Supply.Dashboard.Components.Scenarios;

/// <summary>Writes a built scenario as a scenario document (YAML, the format of docs/scenarios/README.md).</summary>
public static class ScenarioDocumentWriter
{
    /// <summary>The same casualties (per category) in each chosen region, arriving on day 0.</summary>
    public static string Yaml(string profileId, IEnumerable<string> regions, IReadOnlyDictionary<string, int> casualties, int horizonDays, DateOnly start)
    {
        var counts = casualties.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"\"{kv.Key}\": {kv.Value.ToString(CultureInfo.InvariantCulture)}");
        var text = new StringBuilder()
            .AppendLine("# Built on the dashboard's scenario page.")
            .AppendLine(CultureInfo.InvariantCulture, $"id: built-{start:yyyyMMdd}")
            .AppendLine("name: Built on the dashboard")
            .AppendLine(CultureInfo.InvariantCulture, $"start: {start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}")
            .AppendLine(CultureInfo.InvariantCulture, $"horizon_days: {horizonDays}")
            .AppendLine("reserve_days: 14")
            .AppendLine(CultureInfo.InvariantCulture, $"profiles: [{profileId}]")
            .AppendLine("regions:");
        var casualtyMap = $"{{{string.Join(", ", counts)}}}";
        foreach (var region in regions.Order(StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - region: \"{region}\"")
                .AppendLine(CultureInfo.InvariantCulture, $"    casualties: {casualtyMap}");
        }
        return text.ToString();
    }
}
