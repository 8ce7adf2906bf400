using System.Globalization;
using System.Text.RegularExpressions;
using Supply.Domain.Catalog;
using Supply.Demo;
using Supply.Domain.Scenarios;
using Supply.Domain.Stock;
using static Supply.Domain.Tests.ScenarioTestData;

namespace Supply.Domain.Tests;

/// <summary>The documentation's scenarios run as written: the worked example's totals, and every library example against the demo data.</summary>
public class ScenarioWorkedExampleTests
{
    private static string Docs(string relative) => File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scenarios", relative));

    private static string Percent(double ratio) => ratio.ToString("0.0%", CultureInfo.InvariantCulture);

    [Fact]
    public void The_worked_example_gives_the_documented_totals_and_transfer_plan()
    {
        var page = Docs("worked-example.md");
        var yaml = Regex.Match(page, "```yaml\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var result = ScenarioEngine.Run(ScenarioFile.Parse(yaml).ToInput());

        Assert.Equal(new ScenarioTotals(90, new TierQuantities(34, 10, 25, 0, 0), 21), result.Totals);
        Assert.Equal(69, result.Totals.Met);
        var ffp2 = result.Lines[0];
        Assert.Equal(("01", SupplyRef.Item("ppe:ffp2"), 60L, new TierQuantities(30, 10, 15, 0, 0), 5L, (int?)2),
            (ffp2.RegionCode, ffp2.Supply, ffp2.Demand, ffp2.MetBy, ffp2.Shortfall, ffp2.FirstDayShort));
        var cannula = result.Lines[1];
        Assert.Equal(("01", SupplyRef.Group("iv-cannula-18g"), 30L, new TierQuantities(4, 0, 10, 0, 0), 16L, (int?)0),
            (cannula.RegionCode, cannula.Supply, cannula.Demand, cannula.MetBy, cannula.Shortfall, cannula.FirstDayShort));
        Assert.Equal(2, result.Lines.Count);
        Assert.All(result.Ordinary, o => Assert.Equal(0, o.Unmet));
        Assert.Equal(["01 gtin:7350001000350 6", "01 ppe:ffp2 30", "03 gtin:7350001000350 3", "03 ppe:ffp2 15", "09 ppe:ffp2 15"],
            result.Ordinary.Select(o => $"{o.RegionCode} {o.ItemId} {o.Met}"));

        // The page's tables are exactly what the engine says.
        foreach (var l in result.Lines)
            Assert.Contains($"| {l.RegionCode} | {l.Supply} | {l.Demand} | {l.MetBy.OwnRegion} | {l.MetBy.SameHealthcareRegion} | {l.MetBy.OtherRegions} | "
                + $"{l.MetBy.NationalStockpile} | {l.MetBy.Suppliers} | {l.Met} | {l.Shortfall} | {l.FirstDayShort?.ToString() ?? "none"} | {Percent(l.CoverageRatio)} |", page);
        Assert.Contains($"All lines together: demand {result.Totals.Demand}, met {result.Totals.Met}, shortfall {result.Totals.Shortfall}.", page);
        var planSection = page[page.IndexOf("## Transfer plan", StringComparison.Ordinal)..];
        var planRows = planSection.Split('\n').Where(l => Regex.IsMatch(l, @"^\| \d")).ToList();
        Assert.Equal(result.Transfers.Select(t =>
            $"| {t.Day} | {t.DispatchDay} | {t.FromLocationId} | {t.FromRegion} | {t.ToRegion} | {t.ItemId} | {t.Quantity} | {ScenarioWords.Of(t.Tier)} |"), planRows);
    }

    private static List<string> ExampleFiles() =>
        Directory.GetFiles(Path.Combine(RepoRoot(), "docs", "scenarios", "examples"), "*.yaml").Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Examples() => new(ExampleFiles());

    private static readonly Lazy<(DemoData Demo, List<LocationStockView> Views)> DemoStock = new(() =>
    {
        var demo = DemoDataset.Create(new DateTimeOffset(2025, 3, 14, 8, 0, 0, TimeSpan.Zero));
        var catalog = new CatalogBook();
        catalog.RegisterItems(demo.Items);
        catalog.RegisterLocations(demo.Locations);
        var ledgers = demo.Locations.ToDictionary(l => l.Id, l => new LocationLedger { LocationId = l.Id });
        foreach (var report in demo.Reports) ledgers[report.LocationId].Apply(report, catalog, demo.Now);
        return (demo, ledgers.Values.Select(l => l.View()).ToList());
    });

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_library_example_runs_against_the_demo_data(string file)
    {
        var doc = ScenarioFile.Parse(Docs(Path.Combine("examples", file)));
        Assert.False(doc.HasData); // examples run against live (here: demo) stock
        var (demo, views) = DemoStock.Value;
        var input = ScenarioInput.FromStock(doc.Scenario, demo.Locations, demo.Items, views, doc.Reductions);
        var result = ScenarioEngine.Run(input);

        Assert.NotEmpty(result.Lines);
        Assert.True(result.Totals.Demand > 0);
        Assert.Equal(result.Totals.Demand, result.Totals.Met + result.Totals.Shortfall);
        Assert.True(result.Totals.Met > 0, "the demo data should meet some of the demand");
        Assert.Equal(Json(result), Json(ScenarioEngine.Run(input)));
    }

    [Fact]
    public void Every_supply_the_library_profiles_use_is_in_the_demo_catalog()
    {
        var items = DemoDataset.Create(DateTimeOffset.UnixEpoch).Items;
        var ids = items.Select(i => i.Id).ToHashSet();
        var groups = items.Select(i => i.SubstitutionGroup).Where(g => g.Length > 0).ToHashSet();
        foreach (var profile in ProfileLibrary.BuiltIn.Values)
        foreach (var use in profile.Categories.SelectMany(c => c.Uses))
            Assert.True(use.Supply.Kind == SupplyKind.Item ? ids.Contains(use.Supply.Id) : groups.Contains(use.Supply.Id),
                $"{profile.Id}: {use.Supply} is not in the demo catalog");
    }

    [Fact]
    public void The_scenario_readme_documents_every_profile_and_example()
    {
        var readme = Docs("README.md");
        foreach (var id in ProfileLibrary.BuiltIn.Keys) Assert.Contains($"`{id}`", readme);
        foreach (var file in ExampleFiles()) Assert.Contains(file, readme);
    }
}
