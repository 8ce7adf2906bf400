using System.Globalization;
using System.Text.RegularExpressions;
using Supply.Domain.Scenarios;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Domain.Tests;

/// <summary>Patient flow: the documented example's census and demand, and files without flow giving the demand they always gave.</summary>
public class ScenarioPatientFlowTests
{
    private static string Docs(string relative) => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scenarios", relative));

    private static string N(double x) => Math.Round(x, 6).ToString("0.##", CultureInfo.InvariantCulture);

    [Fact]
    public void The_patient_flow_example_gives_the_documented_census_and_demand()
    {
        var page = Docs("patient-flow.md");
        var doc = ScenarioFile.Parse(Regex.Match(page, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal(2, doc.Scenario.Regions.Count); // two waves: two cohorts of region 01

        var census = Assert.Single(ScenarioDemand.Census(doc.Scenario));
        Assert.Equal(("01", "T1"), (census.RegionCode, census.Category));
        var rows = Enumerable.Range(0, doc.Scenario.HorizonDays).Select(d =>
            $"| {d} | {N(census.Patients[d])} | {N(census.IntensiveCare[d])} | {N(census.Deaths[d])} | {N(census.Discharges[d])} |").ToList();
        Assert.Equal(["| 0 | 100 | 20 | 10 | 0 |", "| 1 | 90 | 18 | 9 | 0 |", "| 2 | 131 | 10 | 13.1 | 72.9 |", "| 3 | 45 | 9 | 4.5 | 0 |",
                      "| 4 | 40.5 | 0 | 4.05 | 36.45 |"], rows);
        foreach (var row in rows) Assert.Contains(row, page);

        var lines = ScenarioDemand.Lines(doc.Scenario, []);
        Assert.Equal([SupplyRef.Item("ppe:nitrile-gloves"), SupplyRef.Group("ventilator-circuit")], lines.Select(l => l.Supply));
        foreach (var l in lines)
            Assert.Contains($"| {l.Supply} | {string.Join(" | ", l.Demand)} | {l.Demand.Sum()} |", page);
        Assert.Equal(4065, lines[0].Demand.Sum());
        // Weight: priority 1 (10^4) × criticality 1 (no catalog data here).
        Assert.All(lines[0].Weight, w => Assert.Equal(10_000, w));
    }

    [Fact]
    public void Without_patient_flow_the_demand_is_casualties_times_use_for_every_day_of_use()
    {
        // Every shipped example and the worked example: the demand the engine planned for before patient flow existed.
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "docs", "scenarios", "examples"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .Append(Regex.Match(Docs("worked-example.md"), "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value).ToList();
        Assert.True(files.Count >= 5);
        var checkedFiles = 0;
        foreach (var text in files)
        {
            var s = ScenarioFile.Parse(text).Scenario;
            var categories = s.Profiles.SelectMany(p => p.Categories).ToDictionary(c => c.Name);
            if (categories.Values.Any(c => c.Flow is not null)) continue; // the examples written for patient flow
            checkedFiles++;
            foreach (var line in ScenarioDemand.Lines(s, []))
            {
                var perDay = new double[s.HorizonDays];
                foreach (var r in s.Regions.Where(r => r.RegionCode == line.RegionCode))
                foreach (var g in r.Casualties)
                foreach (var u in categories[g.Category].Uses.Where(u => u.Supply == line.Supply))
                    for (var d = r.ArrivalDay; d < Math.Min(s.HorizonDays, r.ArrivalDay + (u.Days ?? s.HorizonDays)); d++)
                        perDay[d] += g.Count * u.PerCasualtyPerDay;
                Assert.Equal(ScenarioEngine.WholeUnits(perDay), line.Demand);
            }
        }
        Assert.Equal(files.Count - 1, checkedFiles); // every file written before patient flow existed
    }

    [Fact]
    public void A_category_may_be_a_mapping_with_priority_and_flow_and_bad_values_are_named()
    {
        var e = Assert.Throws<DomainValidationException>(() => ScenarioFile.Parse("""
            id: x
            name: X
            start: 2025-03-14
            horizon_days: 3
            reserve_days: 0
            profiles:
              - id: p
                name: P
                categories:
                  T1:
                    priority: 9
                    deaths_per_day: 2
                    intensive_care: {share: 0.5, days: 1, extra: 1}
                    uses: [{item: "ppe:ffp2", per_casualty_per_day: 1, intensive_care: maybe}]
            regions:
              - region: "01"
                waves: [{day: 0, casualties: {T1: 1}}, {day: 1, casualties: {T1: 2}, when: 3}]
            """));
        var fields = e.Violations.Select(v => v.Field).ToList();
        Assert.Contains("profiles[0].categories.T1.intensive_care.extra", fields);
        Assert.Contains("profiles[0].categories.T1.uses[0].intensive_care", fields);
        Assert.Contains("regions[0].waves[1].when", fields);

        e = Assert.Throws<DomainValidationException>(() => ScenarioFile.Parse("""
            id: x
            name: X
            start: 2025-03-14
            horizon_days: 3
            reserve_days: 0
            profiles:
              - id: p
                name: P
                categories:
                  T1: {priority: 9, deaths_per_day: 2, uses: [{item: "ppe:ffp2", per_casualty_per_day: 1}]}
            regions:
              - {region: "01", casualties: {T1: 1}}
            """));
        Assert.Equal(["profiles[0].categories.T1.priority", "profiles[0].categories.T1.deaths_per_day"], e.Violations.Select(v => v.Field));
    }
}
