using System.Text.Json;
using CsCheck;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;

namespace Supply.Domain.Tests;

/// <summary>Builders for small scenario inputs, and where the repository's docs are.</summary>
internal static class ScenarioTestData
{
    public static readonly DateOnly Start = new(2025, 3, 14);

    /// <summary>A use of an item (ids with a scheme prefix) or of a substitution group (anything else).</summary>
    public static ProfileUse Use(string supply, double perDay, int? days = null) =>
        new(supply.Contains(':') ? SupplyRef.Item(supply) : SupplyRef.Group(supply), perDay, days);

    public static CasualtyProfile Profile(params ProfileUse[] t1Uses) =>
        new("test", "Test profile", "", "", [new CasualtyCategory("T1", t1Uses)]);

    public static AffectedRegion Hit(string region, int t1, int arrivalDay = 0) => new(region, [new CasualtyGroup("T1", t1)], arrivalDay);

    public static Scenario Scenario(int horizon, double reserveDays, CasualtyProfile profile, params AffectedRegion[] regions) =>
        new("test", "Test scenario", "", Start, horizon, reserveDays, LeadTimes.Default, [profile], regions);

    public static SourceLocation Loc(string id, string region, LocationKind kind = LocationKind.Hospital, int? lead = null, string municipality = "") =>
        SourceLocation.From(new Location(id, id, kind, region, municipality), lead);

    public static StockAvailable Has(string location, string item, long quantity) => new(location, item, quantity);

    public static OrdinaryConsumption Uses(string region, string item, double perDay) => new(region, item, perDay);

    public static ScenarioInput Input(Scenario scenario, SourceLocation[] locations, StockAvailable[] stock,
        OrdinaryConsumption[]? ordinary = null, ScenarioItem[]? items = null, DeliveryReduction[]? reductions = null) =>
        new(scenario, locations, stock, ordinary ?? [], items ?? [], reductions ?? []);

    /// <summary>Results hold lists (reference equality in records): compare them as JSON.</summary>
    public static string Json(ScenarioResult result) => JsonSerializer.Serialize(result);

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Supply.sln"))) return dir.FullName;
        throw new InvalidOperationException("Supply.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs a CsCheck property over a fixed list of seeds, so the suite is deterministic; CsCheck prints the failing seed.</summary>
internal static class PropertyRunner
{
    public static void ForAll<T>(Gen<T> gen, Action<T> property, ulong salt, int cases = 200, Func<T, string>? print = null)
    {
        for (var i = 0; i < cases; i++)
        {
            var seed = new PCG((uint)i, salt * 1_000_003UL + (ulong)i * 7919UL + 17UL).ToString();
            gen.Sample(property, seed: seed, iter: 1, threads: 1, print: print);
        }
    }
}
