using System.Text.RegularExpressions;
using Supply.Cli;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;
using Mode = Supply.Server.Tests.Webhooks.WebhookReceiver.Mode;

namespace Supply.Server.Tests.Webhooks;

/// <summary><c>supply webhooks add|list|remove|dead-letters</c>, in-process against the real server and a real receiver.</summary>
public sealed class WebhookCliTests : IAsyncLifetime
{
    private SupplyServer _server = null!;

    public async Task InitializeAsync() => _server = await SupplyServer.StartAsync(null, WebhookSettings.Fast());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> Supply(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--server", _server.Address, "--retries", "0", "--token", SupplyServer.SuperuserToken, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Add_list_dead_letters_and_remove_a_subscription()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (exit, output, err) = await Supply("webhooks", "add", receiver.Url, "--region", "17", "--item", Ffp2, "--days", "14",
            "--description", "Värmland logistics");
        Assert.True(exit == 0, err);
        var id = Regex.Match(output, @"subscription\s+([0-9a-f]{32})").Groups[1].Value;
        var secret = Regex.Match(output, @"secret\s+(\S+)").Groups[1].Value;
        Assert.Equal(32, id.Length);
        Assert.True(secret.Length >= 32, output);

        var location = (await RegisterAsync(_server, ("17", LocationKind.Hospital)))[0];
        await WebhookSettings.CrossBelowAsync(_server, location);
        var got = (await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the event")).First();
        Assert.True(Domain.Webhooks.WebhookSignature.Verify(secret, System.Text.Encoding.UTF8.GetBytes(got.Body), got.Signature));
        await WebhookSettings.StatusWhenAsync(_server, id, s => s.Status.Delivered == 1, "delivered");

        (exit, output, _) = await Supply("webhooks", "list");
        Assert.Equal(0, exit);
        Assert.Matches($@"{id}\s+{Regex.Escape(receiver.Url)}\s+region level, region 17, item {Regex.Escape(Ffp2)}, < 14 days\s+1\s+0\s+0\s+\d{{4}}-", output);
        Assert.DoesNotContain(secret, output);
        (exit, output, _) = await Supply("webhooks", "list", "--json");
        Assert.Equal(0, exit);
        Assert.Contains(id, output);
        Assert.DoesNotContain(secret, output);

        (exit, output, _) = await Supply("webhooks", "dead-letters", id);
        Assert.Equal(0, exit);
        Assert.Contains("EVENT ID", output);
        (exit, output, _) = await Supply("webhooks", "dead-letters", id, "--redeliver");
        Assert.Equal((0, "requeued 0 events"), (exit, output.Trim()));

        (exit, output, _) = await Supply("webhooks", "remove", id);
        Assert.Equal((0, $"removed {id}"), (exit, output.Trim()));
        (_, output, _) = await Supply("webhooks", "list");
        Assert.DoesNotContain(id, output);
        (exit, _, err) = await Supply("webhooks", "remove", id);
        Assert.Equal(ExitCodes.ServerRefused, exit);
        Assert.Contains(id, err);
    }

    [Fact]
    public async Task A_bad_url_is_refused_with_the_field_named()
    {
        var (exit, _, err) = await Supply("webhooks", "add", "ftp://hooks.example/x", "--region", "17");
        Assert.Equal(ExitCodes.ServerRefused, exit);
        Assert.Contains("url", err);
        Assert.Contains("ftp", err);
    }
}
