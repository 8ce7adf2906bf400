using System.Globalization;

namespace Supply.LoadTest;

/// <summary>Command-line options, as <c>--name value</c> (or <c>--name=value</c>).</summary>
public sealed class Options
{
    public int Locations { get; private set; } = 500;
    public int Items { get; private set; } = 200;
    /// <summary>0 = as many rounds as fit in <see cref="DurationSeconds"/>.</summary>
    public int Rounds { get; private set; }
    public double DurationSeconds { get; private set; } = 25;
    public int Streams { get; private set; } = 4;
    public int Window { get; private set; } = 32;
    public bool Durable { get; private set; } = true;
    public string? ServerUrl { get; private set; }
    public string? ServerDll { get; private set; }
    /// <summary>Bearer token for --server-url (a started server gets a key of the run's own, and tokens signed with it).</summary>
    public string? Token { get; private set; }
    public double MaxSeconds { get; private set; } = 120;
    public int Verify { get; private set; } = 8;
    public bool Keep { get; private set; }
    public string? ServerLogLevel { get; private set; } = "Warning";
    /// <summary>Extra environment variables for the started server (runtime knobs such as DOTNET_gcServer=0).</summary>
    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];
    public bool Help { get; private set; }
    /// <summary>Also run the workload against the bare-gRPC server (benchmarks/Supply.BareGrpc) and print the ratio.</summary>
    public bool Baseline { get; private set; } = true;
    public string? BareDll { get; private set; }

    public const string Usage = """
        Supply.LoadTest: starts Supply.Server (Release) as a child process, registers a catalog, streams
        snapshot reports over StreamReports and prints acknowledged stock lines/s, latency and memory.

        Usage: dotnet run -c Release --project benchmarks/Supply.LoadTest -- [options]

          --locations N      locations to register and report for               (default 500)
          --items N          items per location = lines per report              (default 200)
          --rounds N         reports per location; 0 = as many as fit --duration (default 0)
          --duration S       target length of the send phase when --rounds is 0 (default 25)
          --streams N        concurrent StreamReports calls                      (default 4)
          --window N         reports in flight (sent, not yet acked) per stream  (default 32)
          --durable B        start the server with DurableCommits true|false     (default true)
          --server-url URL   use an already running server (e.g. http://127.0.0.1:5080); nothing is started
          --token JWT        bearer token for --server-url (roles admin, region-reporter for all regions, national-coordinator)
          --server-dll PATH  the Supply.Server.dll to start (default: the Release build made with this project)
          --max-seconds S    hard limit of the send phase: stop sending, report what was acked (default 120)
          --verify N         locations whose stock is read back and checked at the end (default 8)
          --server-log L     server Logging:LogLevel:Default                     (default Warning)
          --server-env K=V   environment variable for the started server, repeatable
                             (experiments with runtime knobs, e.g. DOTNET_gcServer=0, DOTNET_GCgen0size=0x4000000)
          --baseline B       then run the same workload against the bare-gRPC server (benchmarks/Supply.BareGrpc:
                             parses each report and acks it) and print both rates and the ratio  (default true)
          --bare-dll PATH    the Supply.BareGrpc.dll to start (default: the Release build made with this project)
          --keep             keep the temporary directory (database, server log)
          --help             this text
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
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
                case "keep": o.Keep = inline is null || Bool(name, inline); continue;
            }

            var value = inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value"));
            switch (name)
            {
                case "locations": o.Locations = Int(name, value, 1, 100_000); break;
                case "items": o.Items = Int(name, value, 1, 20_000); break;
                case "rounds": o.Rounds = Int(name, value, 0, 1_000_000); break;
                case "duration": o.DurationSeconds = Dbl(name, value, 1, 3600); break;
                case "streams": o.Streams = Int(name, value, 1, 256); break;
                case "window": o.Window = Int(name, value, 1, 10_000); break;
                case "durable": o.Durable = Bool(name, value); break;
                case "server-url": o.ServerUrl = value; break;
                case "server-dll": o.ServerDll = value; break;
                case "token": o.Token = value; break;
                case "max-seconds": o.MaxSeconds = Dbl(name, value, 1, 24 * 3600); break;
                case "verify": o.Verify = Int(name, value, 0, 100_000); break;
                case "server-log": o.ServerLogLevel = value; break;
                case "baseline": o.Baseline = Bool(name, value); break;
                case "bare-dll": o.BareDll = value; break;
                case "server-env":
                    var at = value.IndexOf('=', StringComparison.Ordinal);
                    if (at <= 0) throw new ArgumentException($"--server-env: '{value}' is not NAME=VALUE");
                    o.ServerEnvironment.Add(new(value[..at], value[(at + 1)..]));
                    break;
                default: throw new ArgumentException($"unknown option --{name}");
            }
        }
        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"--{name}: '{value}' is not a whole number in {min}..{max}");

    private static double Dbl(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max
            ? d
            : throw new ArgumentException($"--{name}: '{value}' is not a number in {min}..{max}");

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "on" or "yes" or "1" => true,
        "false" or "off" or "no" or "0" => false,
        _ => throw new ArgumentException($"--{name}: '{value}' is not true or false"),
    };
}
