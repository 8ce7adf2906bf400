using System.CommandLine;

namespace Supply.Cli.Commands;

/// <summary>What command builders share: the output streams, the global options, and the action wrapper.</summary>
internal sealed class CommandKit(TextWriter stdout, TextWriter stderr, GlobalOptions globals)
{
    public GlobalOptions Globals { get; } = globals;

    public Option<bool> JsonOption() => new("--json") { Description = "Machine output: the contract's JSON instead of a table" };

    /// <summary>Sets the action of a command: builds its context and turns exceptions into messages and exit codes.</summary>
    public void SetAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var ctx = CliContext.From(r, Globals, stdout, stderr);
            try
            {
                return await body(ctx, r, ct);
            }
            catch (Exception e)
            {
                return Failures.Handle(e, ctx);
            }
        });
}
