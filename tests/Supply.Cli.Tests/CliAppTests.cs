using System.Net;
using System.Net.Sockets;

namespace Supply.Cli.Tests;

/// <summary>Runs the CLI in-process. No server here: these check usage, input files and an unreachable server.</summary>
public sealed class CliAppTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("supply-cli-tests-").FullName;
    private static readonly string Unreachable = $"http://127.0.0.1:{ClosedPort()}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int ClosedPort()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_lists_commands_and_exit_codes()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(0, code);
        foreach (var word in new[] { "items", "locations", "report", "stock", "status", "history", "--server", "Exit codes" })
            Assert.Contains(word, output);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("stock", "location", "se-01-hosp-karolinska")]
    [InlineData("stock", "item", "ppe:ffp2", "--region", "01", "--kind", "hospital")]
    [InlineData("history", "se-01-hosp-karolinska")]
    [InlineData("items", "list")]
    public async Task An_unreachable_server_gives_exit_code_3_and_a_readable_message(params string[] args)
    {
        var started = DateTime.UtcNow;
        var (code, _, err) = await Run([.. args, "--server", Unreachable, "--retries", "1", "--timeout", "5"]);
        Assert.Equal(3, code);
        Assert.Contains("cannot reach the supply server at " + Unreachable, err);
        Assert.Contains("--server", err);
        Assert.DoesNotContain("   at ", err); // no stack trace
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Sending_a_valid_file_to_an_unreachable_server_gives_3()
    {
        var items = File("items.csv", "id,name,category,base_unit\nppe:ffp2,Andningsskydd FFP2,ppe,piece\n");
        Assert.Equal(3, (await Run("items", "register", items, "--server", Unreachable, "--retries", "0")).Code);
        var locations = File("locations.csv", "id,name,kind,region_code\nse-01-hosp-x,X,hospital,01\n");
        Assert.Equal(3, (await Run("locations", "register", locations, "--server", Unreachable, "--retries", "0")).Code);
        var stock = File("stock.csv", "item_id,on_hand\nppe:ffp2,10\n");
        var (code, output, _) = await Run("report", "send", stock, "--location", "se-01-hosp-x", "--as-of", "2025-03-14T08:00:00Z",
            "--server", Unreachable, "--retries", "0");
        Assert.Equal(3, code);
        Assert.Contains("cli-", output); // the derived report id is shown before sending
    }

    [Fact]
    public async Task A_bad_file_is_refused_with_line_numbers_before_anything_is_sent()
    {
        var items = File("items.csv", "id,name,category,base_unit,pack_size\nppe:ffp2,A,ppe,piece,1\nppe:ffp3,B,gloves,piece,x\n");
        // The server address is unreachable: exit code 1, not 3, proves nothing was sent.
        var (code, _, err) = await Run("items", "register", items, "--server", Unreachable, "--retries", "0");
        Assert.Equal(1, code);
        Assert.Contains("items.csv:3: category: 'gloves' is not a category", err);
        Assert.Contains("items.csv:3: pack_size: 'x' is not a whole number", err);
        Assert.Contains("nothing was sent", err);
    }

    [Fact]
    public async Task A_bad_report_file_is_refused_with_line_numbers()
    {
        var stock = File("stock.csv", "item_id,on_hand,reserved\nppe:ffp2,10,0\nppe:ffp3,5,9\n");
        var (code, _, err) = await Run("report", "send", stock, "--location", "se-01-hosp-x", "--server", Unreachable, "--retries", "0");
        Assert.Equal(1, code);
        Assert.Contains("stock.csv:3: reserved:", err);
    }

    [Fact]
    public async Task A_future_as_of_is_refused_before_sending()
    {
        var stock = File("stock.csv", "item_id,on_hand\nppe:ffp2,10\n");
        var (code, _, err) = await Run("report", "send", stock, "--location", "se-01-hosp-x", "--as-of", "2999-01-01T00:00:00Z",
            "--server", Unreachable);
        Assert.Equal(1, code);
        Assert.Contains("--as-of", err);
    }

    [Theory]
    [InlineData("report", "send", "missing.csv")]                                  // --location is required
    [InlineData("stock", "item", "ppe:ffp2", "--kind", "clinic")]
    [InlineData("status", "--region", "02")]
    [InlineData("status", "--server", "not a url")]
    [InlineData("status", "--retries", "-1")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_give_exit_code_1(params string[] args)
    {
        var (code, _, err) = await Run(args);
        Assert.Equal(1, code);
        Assert.NotEmpty(err);
    }

    [Fact]
    public async Task Missing_or_unknown_files_give_exit_code_1()
    {
        Assert.Equal(1, (await Run("items", "register", Path.Combine(_dir, "nope.csv"), "--server", Unreachable)).Code);
        var odd = File("items.xlsx", "x");
        var (code, _, err) = await Run("items", "register", odd, "--server", Unreachable);
        Assert.Equal(1, code);
        Assert.Contains(".csv or .json", err);
        var bad = File("report.csv", "item_id,on_hand\nppe:ffp2,1\n");
        Assert.Equal(1, (await Run("report", "send", bad, "--location", "x", "--as-of", "yesterday", "--server", Unreachable)).Code);
    }
}
