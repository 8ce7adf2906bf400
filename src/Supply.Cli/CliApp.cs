using System.CommandLine;
using Supply.Cli.Commands;

namespace Supply.Cli;

/// <summary>
/// The <c>supply</c> command line, buildable in-process: tests call <see cref="RunAsync"/> with their
/// own writers. Commands: items register|list, locations register|list, report send, stock location,
/// stock item, status, history, scenario, shortages, coverage, readiness, expiry-wave, find-lot, webhooks add|list|remove|dead-letters, situation, dev token. See <see cref="ExitCodes"/> for exit codes.
/// </summary>
public static class CliApp
{
    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var globals = new GlobalOptions();
        var kit = new CommandKit(stdout, stderr, globals);
        var root = new RootCommand(
            "supply — the national medical-supply inventory: register the catalog, send stock reports, read stock.\n" +
            ExitCodes.HelpText)
        {
            globals.Server,
            globals.Retries,
            globals.Timeout,
            globals.Token,
            CatalogCommands.Items(kit),
            CatalogCommands.Locations(kit),
            ReportCommands.Report(kit),
            QueryCommands.Stock(kit),
            QueryCommands.Status(kit),
            QueryCommands.History(kit),
            ScenarioCommands.Scenario(kit),
            ScenarioCommands.Shortages(kit),
            ReadinessCommands.Readiness(kit),
            WebhookCommands.Webhooks(kit),
            ExportCommands.Situation(kit),
            DevCommands.Create(stdout),
        };
        foreach (var command in CoverageCommands.Create(kit)) root.Add(command);
        foreach (var command in ReadinessCommands.Expiry(kit)) root.Add(command);
        root.Add(ProjectionCommands.Create(kit));
        return root;
    }

    /// <summary>Parses and runs one command line; returns the exit code (never throws for bad input or an unreachable server).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = Build(stdout, stderr);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).InvokeAsync(config, cancellationToken);
    }
}
