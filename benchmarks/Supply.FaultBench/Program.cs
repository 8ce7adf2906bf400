using System.Globalization;
using Supply.FaultBench;
using Supply.LoadTest;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Options: --name value pairs; every one has a default, so no argument at all runs every scenario for 60 s.
var values = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"unexpected argument '{args[i]}'"); return 2; }
    values[args[i][2..]] = args[i + 1];
}
if (args.Length % 2 == 1) { Console.Error.WriteLine(Usage); return 2; }
int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var scenario = values.GetValueOrDefault("scenario", "all");
string[] known = ["kill-single", "storage-down", "overload", "kill-silo", "storage-down-cluster"];
if (scenario != "all" && !known.Contains(scenario)) { Console.Error.WriteLine($"unknown scenario '{scenario}'\n{Usage}"); return 2; }
var options = new BenchOptions(
    Seconds: Int("seconds", 60), Locations: Int("locations", 300), Items: Int("items", 50), Senders: Int("senders", 4),
    Window: Int("window", 16), Rate: Int("rate", 300), OutageSeconds: Int("outage", 15),
    OverloadSenders: Int("overload-senders", 48), OverloadWindow: Int("overload-window", 256), OverloadItems: Int("overload-items", 1000),
    Dll: ServerProcess.LocateDll(values.GetValueOrDefault("server-dll")), Keep: values.GetValueOrDefault("keep") == "true");

Console.WriteLine("== Supply.FaultBench (issue 18, part 2): faults under a sustained report stream");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; " +
                  $"{options.Seconds} s per scenario{(options.Seconds < 60 ? " (below the 60 s the issue asks for)" : "")}; " +
                  $"stream: {options.Senders} senders × window {options.Window}, {options.Locations} locations × {options.Items} items, at most {options.Rate} reports/s");

var results = new List<ScenarioResult>();
foreach (var name in scenario == "all" ? known : [scenario])
{
    results.Add(name switch
    {
        "kill-single" => await Scenarios.KillSingleAsync(options),
        "storage-down" => await Scenarios.StorageDownSingleAsync(options),
        "overload" => await Scenarios.OverloadAsync(options),
        "kill-silo" => await ClusterScenarios.KillSiloAsync(options),
        _ => await ClusterScenarios.StorageDownAsync(options),
    });
}

Console.WriteLine();
foreach (var r in results) Console.WriteLine($"{r.Name,-22} {(r.Failed ? "FAILED" : "ok")}");
return results.Any(r => r.Failed) ? 1 : 0;

partial class Program
{
    private const string Usage = """
        usage: Supply.FaultBench [--scenario all|kill-single|storage-down|overload|kill-silo|storage-down-cluster] [--seconds 60]
               [--locations 300] [--items 50] [--senders 4] [--window 16] [--rate 300] [--outage 15]
               [--overload-senders 48] [--overload-window 256] [--overload-items 1000] [--server-dll PATH] [--keep true]
        """;
}
