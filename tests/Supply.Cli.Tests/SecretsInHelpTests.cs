namespace Supply.Cli.Tests;

/// <summary>Sets SUPPLY_TOKEN for the process, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// Help prints each option's default value; a token taken from the environment must not be one of them
/// (help output ends up in terminals, screenshots and CI logs).
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class SecretsInHelpTests
{
    private const string Marker = "eyJ-secret-token-marker-4711";

    private static async Task<string> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        await CliApp.RunAsync(args, stdout, stderr);
        return stdout + "\n" + stderr;
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("status", "--help")]
    [InlineData("report", "send", "--help")]
    [InlineData("dev", "token", "--help")]
    public async Task Help_never_prints_the_token_from_SUPPLY_TOKEN(params string[] args)
    {
        var before = Environment.GetEnvironmentVariable("SUPPLY_TOKEN");
        Environment.SetEnvironmentVariable("SUPPLY_TOKEN", Marker);
        try
        {
            var output = await Run(args);

            Assert.Contains("--token", output); // the option is described, with where its value comes from
            Assert.Contains("SUPPLY_TOKEN", output);
            Assert.DoesNotContain(Marker, output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SUPPLY_TOKEN", before);
        }
    }

    [Fact]
    public void A_command_still_takes_its_token_from_SUPPLY_TOKEN_when_it_runs_and_from_token_first()
    {
        var before = Environment.GetEnvironmentVariable("SUPPLY_TOKEN");
        Environment.SetEnvironmentVariable("SUPPLY_TOKEN", Marker);
        try
        {
            var globals = new GlobalOptions();
            var root = new System.CommandLine.RootCommand { globals.Server, globals.Token };

            Assert.Equal(Marker, globals.TokenOrEnvironment(root.Parse([])));
            Assert.Equal("given", globals.TokenOrEnvironment(root.Parse(["--token", "given"])));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SUPPLY_TOKEN", before);
        }
    }
}
