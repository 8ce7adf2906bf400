using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
using Supply.Planning;

// The national scenario of Supply.CoverageBench (21 regions, 2,000 locations, 500 items, 14 days, region 01 hit hard),
// built in-process with the same stock formulas as the load test's workload, then planned by the greedy engine and the
// fair planner alternately. Prints times (median, max), total and weighted shortfall and unfairness of each. Not a test.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
// Arguments: timed runs (default 5), casualty scale (default 1: the coverage benchmark's scenario, where nothing is short;
// 100: every supply contested nationwide, so every part goes to the solver).
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var scale = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var (locationCount, itemCount, horizon) = (2_000, 500, 14);
string[] regionCodes = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];
LocationKind[] kinds = [LocationKind.Hospital, LocationKind.MunicipalCare, LocationKind.Pharmacy, LocationKind.RegionalWarehouse];

var itemIds = Enumerable.Range(0, itemCount).Select(j => (j % 10) switch
{
    8 => $"ppe:bench-{j}",
    9 => $"vnr:{100_000 + j:D6}",
    _ => $"npl:{20_000_000_000_001L + j}",
}).ToArray();
var items = itemIds.Select(id => new Item(id, id, ItemCategory.Medicine, "piece", 10, "", Criticality.Standard)).ToList();
var locations = Enumerable.Range(0, locationCount).Select(i => new Location($"bench-{regionCodes[i % 21]}-{i:D6}", $"Location {i}",
    kinds[i / 21 % kinds.Length], regionCodes[i % 21], "")).ToList();
// The load test's first round: on hand 100 + (variant × 101 + item × 7) mod 10,000, less reserved and quarantined.
var stock = locations.Select((l, i) => new ScenarioStock(l.Id, itemIds.Select((id, j) =>
{
    var onHand = 100 + (i % 8 * 101L + j * 7L) % 10_000;
    var usable = onHand - (j % 4 == 0 ? onHand / 10 : 0) - (j % 5 == 0 ? 2 : 0);
    return new ScenarioStockLine(id, usable, 1.5 + j % 7);
}).ToList())).ToList();

string[] categories = ["T1", "T2", "T3", "Burns"];
var document = JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["id"] = "plan-bench-nation", ["name"] = "Benchmark: nation-wide mass-casualty event", ["start"] = "2026-12-07",
    ["horizon_days"] = horizon, ["reserve_days"] = 3,
    ["profiles"] = new[]
    {
        new Dictionary<string, object>
        {
            ["id"] = "bench", ["name"] = $"{itemCount} items",
            ["categories"] = categories.Select((name, c) => (name, uses: Enumerable.Range(0, itemCount).Where(k => k % categories.Length == c)
                    .Select(k => new Dictionary<string, object> { ["item"] = itemIds[k], ["per_casualty_per_day"] = 0.1 * (1 + k % 5) }).ToList()))
                .ToDictionary(x => x.name, x => (object)x.uses),
        },
    },
    ["regions"] = regionCodes.Select((code, q) => new Dictionary<string, object>
    {
        ["region"] = code,
        ["casualties"] = code == "01"
            ? new Dictionary<string, int> { ["T1"] = 60_000 * scale, ["T2"] = 30_000 * scale, ["T3"] = 30_000 * scale, ["Burns"] = 10_000 * scale }
            : new Dictionary<string, int> { ["T1"] = (50 + 10 * q) * scale, ["T2"] = 100 * scale, ["T3"] = 200 * scale, ["Burns"] = 20 * scale },
        ["arrival_day"] = q % 3,
    }).ToList(),
});
var scenario = ScenarioFile.Parse(document).Scenario;
var input = ScenarioInput.FromUsable(scenario, locations, items, stock);
Console.WriteLine($"== Supply.PlanBench (issue 16): {locationCount:N0} locations, {itemCount} items, 21 regions, {horizon} days, casualties x{scale}; " +
                  $"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
#if DEBUG
Console.WriteLine("WARNING: a Debug build; run with -c Release");
#endif

var demand = ScenarioDemand.Lines(scenario, input.Items);
ScenarioResult? greedy = null, fair = null;
var (greedyMs, fairMs) = (new List<double>(), new List<double>());
for (var run = 0; run <= runs; run++) // run 0 warms up, uncounted
{
    var clock = Stopwatch.StartNew();
    greedy = ScenarioEngine.Run(input);
    var g = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    fair = FairPlanner.Run(input);
    var f = clock.Elapsed.TotalMilliseconds;
    Console.WriteLine($"run {run}{(run == 0 ? " (warm-up)" : "")}: greedy {g:N0} ms, fair {f:N0} ms");
    if (run == 0) continue;
    greedyMs.Add(g);
    fairMs.Add(f);
}
static double Median(List<double> xs) => xs.Order().ElementAt((xs.Count - 1) / 2);
foreach (var (name, result, times) in new[] { ("greedy", greedy!, greedyMs), ("fair", fair!, fairMs) })
    Console.WriteLine($"{name,-7}: median {Median(times):N0} ms, max {times.Max():N0} ms (n = {times.Count}); lines {result.Lines.Count:N0}, " +
                      $"transfers {result.Transfers.Count:N0}; demand {result.Totals.Demand:N0}, shortfall {result.Totals.Shortfall:N0}, " +
                      $"weighted shortfall {PlanMetrics.WeightedShortfall(result, demand):N0}, unfairness {PlanMetrics.Unfairness(result, input):0.0000}; " +
                      $"planner: {result.Planner}");
Console.WriteLine($"bar: fair plan median < 1 s: {(Median(fairMs) < 1000 ? "MET" : "NOT MET")}");
