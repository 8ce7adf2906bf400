using System.CommandLine;
using System.Globalization;
using Supply.Cli.Transport;

namespace Supply.Cli;

/// <summary>The options every command has (recursive from the root).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    public Option<string> Server { get; } = new("--server")
    {
        Description = "Server address (env SUPPLY_SERVER)",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => Env("SUPPLY_SERVER") ?? DefaultServer,
    };

    public Option<int> Retries { get; } = new("--retries")
    {
        Description = "Retries of a call that failed transiently, 0-10 (env SUPPLY_RETRIES)",
        HelpName = "N",
        Recursive = true,
        DefaultValueFactory = _ => int.TryParse(Env("SUPPLY_RETRIES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 3,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds allowed for one attempt of a call (env SUPPLY_TIMEOUT)",
        HelpName = "SECONDS",
        Recursive = true,
        DefaultValueFactory = _ => double.TryParse(Env("SUPPLY_TIMEOUT"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 30,
    };

    /// <summary>
    /// No default value: help prints defaults, and a token is a secret. SUPPLY_TOKEN is read when a command runs
    /// (<see cref="TokenOrEnvironment"/>).
    /// </summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token sent with every call (default: env SUPPLY_TOKEN). In development: supply dev token --role ROLE",
        HelpName = "JWT",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Server.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!TryServerUri(value, out _))
                r.AddError($"--server: '{value}' is not an http:// or https:// address (e.g. {DefaultServer})");
        });
        Retries.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 10) r.AddError("--retries must be between 0 and 10");
        });
        Timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600)) r.AddError("--timeout must be more than 0 and at most 3600 seconds");
        });
    }

    public static bool TryServerUri(string? value, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) return false;
        uri = u;
        return true;
    }

    /// <summary>--token if given, else SUPPLY_TOKEN.</summary>
    public string? TokenOrEnvironment(ParseResult r) => r.GetValue(Token) is { Length: > 0 } token ? token : Env("SUPPLY_TOKEN");

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;
}

/// <summary>What a running command has: its output streams and how to reach the server.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Uri server, ResilienceSettings settings, string? token = null)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;
    public Uri Server { get; } = server;
    /// <summary>The address as people write it ("http://127.0.0.1:5080", no trailing slash).</summary>
    public string ServerText => Server.AbsolutePath == "/" ? Server.GetLeftPart(UriPartial.Authority) : Server.ToString();
    public ResilienceSettings Settings { get; } = settings;

    public SupplyConnection Connect() => new(Server, Settings, token);

    public static CliContext From(ParseResult r, GlobalOptions g, TextWriter stdout, TextWriter stderr)
    {
        GlobalOptions.TryServerUri(r.GetValue(g.Server), out var server); // validated while parsing
        var settings = new ResilienceSettings
        {
            MaxRetries = r.GetValue(g.Retries),
            AttemptTimeout = TimeSpan.FromSeconds(r.GetValue(g.Timeout)),
        };
        return new CliContext(stdout, stderr, server, settings, g.TokenOrEnvironment(r));
    }

    /// <summary>Prints "error: ..." and returns exit code 1.</summary>
    public int InputError(string message)
    {
        Err.WriteLine("error: " + message);
        return ExitCodes.InputError;
    }
}
