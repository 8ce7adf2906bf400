using System.Globalization;

namespace Supply.CoverageBench;

/// <summary>Command-line options, as <c>--name value</c> (or <c>--name=value</c>).</summary>
public sealed class BenchOptions
{
    public int Locations { get; private set; } = 2_000;
    public int Items { get; private set; } = 2_000;
    public int Streams { get; private set; } = 4;
    public int Window { get; private set; } = 4;
    public int CoverageCalls { get; private set; } = 1_000;
    public double CoverageWarmupSeconds { get; private set; } = 3;
    public int ShortfallCalls { get; private set; } = 10;
    public int ScenarioRuns { get; private set; } = 5;
    public int ScenarioItems { get; private set; } = 500;
    public int HorizonDays { get; private set; } = 14;
    public int LagSamples { get; private set; } = 100;
    public int PostgresRuns { get; private set; } = 20;
    public bool Postgres { get; private set; } = true;
    public double ConvergeSeconds { get; private set; } = 900;
    public string? ServerDll { get; private set; }
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public string ServerLogLevel { get; private set; } = "Warning";
    public bool Keep { get; private set; }
    public bool MemoryOnly { get; private set; }
    public string? BaselineDll { get; private set; }
    public bool IngestOnly { get; private set; }
    public int IngestRepeats { get; private set; } = 1;
    public double IdleSeconds { get; private set; } = 240;
    public bool Help { get; private set; }

    public const string Usage = """
        Supply.CoverageBench: the issue-4 benchmark. Starts Supply.Server (Release, durable SQLite) as a child process,
        loads N locations x M items over StreamReports, waits until the national aggregate holds every location's
        report, then prints: GetCoverage (nation, all items) p50/p99; a nation-wide scenario (RunScenario) over all 21
        regions; report-to-national propagation lag; and PostgreSQL 15 (started here on 127.0.0.1) computing the same
        national totals with GROUP BY over the same rows loaded with COPY.

        Usage: dotnet run -c Release --project benchmarks/Supply.CoverageBench -- [options]

          --locations N        locations                                        (default 2000)
          --items N            items per location                               (default 2000)
          --streams N          concurrent StreamReports calls while loading     (default 4)
          --window N           reports in flight per stream                     (default 4)
          --coverage-calls N   GetCoverage calls timed                          (default 1000)
          --coverage-warmup-seconds S  GetCoverage calls made (and shown) for S seconds before the timed ones (default 3)
          --shortfall-calls N  ListShortfalls calls (nation, worst 100) and location-level GetCoverage calls
                               (region 01, one item) timed, each after one untimed   (default 10)
          --scenario-runs N    RunScenario calls timed                          (default 5)
          --scenario-items N   items the scenario's profile uses                (default 500)
          --horizon N          scenario horizon in days                         (default 14)
          --lag-samples N      report -> national figure samples                (default 100)
          --postgres-runs N    GROUP BY queries timed                           (default 20)
          --postgres B         run the PostgreSQL baseline true|false           (default true)
          --converge-seconds S give up waiting for the aggregates after S       (default 900)
          --server-dll PATH    the Supply.Server.dll to start (default: the Release build made with this project)
          --server-env K=V     environment variable for the started server, repeatable
          --server-log LEVEL   the server's Logging:LogLevel:Default; Information shows where each scenario's time
                               went (stock, input, engine, response) in server.log   (default Warning)
          --keep               keep the server's temporary directory (database, server log)
          --idle-seconds S     after the timed phases, S seconds without calls, then the server's memory per stock line
                               (idle locations are deactivated after 2 minutes; 0 skips)   (default 240)
          --memory-only        print the in-process memory figures (history, state per stock line) and stop
          --baseline-dll PATH  an older Supply.Server.dll (e.g. the pre-issue-15 build, benchmarks/README.md): the load
                               phase runs against it and against this build's server in turn, one at a time, and both
                               are printed side by side with the ratio this build / baseline
          --ingest-repeats N   baseline/current pairs, alternately (N = 2: baseline, current, baseline, current);
                               each pair and the medians are printed; without --baseline-dll, N loads of this
                               build                                                    (default 1)
          --ingest-only        stop after the load (or the comparison): no coverage, scenario, lag, idle or PostgreSQL
          --help               this text
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{arg}'");
            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            switch (name)
            {
                case "help" or "h": o.Help = true; continue;
                case "keep": o.Keep = true; continue;
                case "memory-only": o.MemoryOnly = true; continue;
                case "ingest-only": o.IngestOnly = true; continue;
            }
            var value = inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value"));
            switch (name)
            {
                case "locations": o.Locations = Int(name, value, 1, 100_000); break;
                case "items": o.Items = Int(name, value, 1, 20_000); break;
                case "streams": o.Streams = Int(name, value, 1, 64); break;
                case "window": o.Window = Int(name, value, 1, 1_000); break;
                case "coverage-calls": o.CoverageCalls = Int(name, value, 1, 100_000); break;
                case "coverage-warmup-seconds": o.CoverageWarmupSeconds = Seconds(name, value, 0, 600); break;
                case "shortfall-calls": o.ShortfallCalls = Int(name, value, 1, 10_000); break;
                case "scenario-runs": o.ScenarioRuns = Int(name, value, 1, 1_000); break;
                case "scenario-items": o.ScenarioItems = Int(name, value, 1, 20_000); break;
                case "horizon": o.HorizonDays = Int(name, value, 1, 366); break;
                case "lag-samples": o.LagSamples = Int(name, value, 0, 100_000); break;
                case "postgres-runs": o.PostgresRuns = Int(name, value, 1, 10_000); break;
                case "postgres": o.Postgres = value.ToLowerInvariant() is "true" or "1" or "yes" or "on"; break;
                case "idle-seconds": o.IdleSeconds = Seconds(name, value, 0, 3_600); break;
                case "converge-seconds": o.ConvergeSeconds = Seconds(name, value, 1, 86_400); break;
                case "server-dll": o.ServerDll = value; break;
                case "baseline-dll": o.BaselineDll = value; break;
                case "ingest-repeats": o.IngestRepeats = Int(name, value, 1, 20); break;
                case "server-log": o.ServerLogLevel = value; break;
                case "server-env":
                    var at = value.IndexOf('=', StringComparison.Ordinal);
                    if (at <= 0) throw new ArgumentException($"--server-env: '{value}' is not NAME=VALUE");
                    o.ServerEnvironment.Add(new(value[..at], value[(at + 1)..]));
                    break;
                default: throw new ArgumentException($"unknown option --{name}");
            }
        }
        if (o.ScenarioItems > o.Items) o.ScenarioItems = o.Items;
        return o;
    }

    private static double Seconds(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max
            ? s
            : throw new ArgumentException($"--{name}: '{value}' is not a number of seconds in {min}..{max}");

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"--{name}: '{value}' is not a whole number in {min}..{max}");
}
