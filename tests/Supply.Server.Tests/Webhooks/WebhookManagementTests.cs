using Grpc.Core;
using Supply.Contracts.V1;
using Supply.DevTokens;
using Supply.Server.Security;
using static Supply.Server.Tests.TestData;
using static Supply.Server.Tests.Webhooks.WebhookSettings;

namespace Supply.Server.Tests.Webhooks;

/// <summary>Who may manage which subscription, and bad requests refused with the field named and nothing stored.</summary>
public sealed class WebhookManagementTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;
    private AlertWebhooks.AlertWebhooksClient As(string token) => new(Server.ChannelAs(token));
    private AlertWebhooks.AlertWebhooksClient National => new(Server.Channel);

    private static readonly string Reader08 = SupplyTokens.Mint("reader-08", [Roles.RegionalReader], ["08"]);

    [Fact]
    public async Task A_regional_caller_manages_only_its_own_regions_subscriptions()
    {
        var reader = As(Reader08);
        var own = await reader.CreateSubscriptionAsync(Ffp2Below14("https://logistics.region-08.example/hooks", "08"));
        Assert.NotEmpty(own.Id);
        var other = await National.CreateSubscriptionAsync(Ffp2Below14("https://logistics.region-10.example/hooks", "10"));

        await Denied(() => reader.CreateSubscriptionAsync(Ffp2Below14("https://logistics.region-08.example/hooks", "10")).ResponseAsync);
        var everyRegion = Ffp2Below14("https://logistics.region-08.example/hooks", "08");
        everyRegion.Filter.RegionCode = "";
        await Denied(() => reader.CreateSubscriptionAsync(everyRegion).ResponseAsync);
        await Denied(() => reader.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Id = other.Id }).ResponseAsync);
        await Denied(() => reader.ListDeadLettersAsync(new ListDeadLettersRequest { SubscriptionId = other.Id }).ResponseAsync);
        await Denied(() => reader.RedeliverDeadLettersAsync(new RedeliverDeadLettersRequest { SubscriptionId = other.Id }).ResponseAsync);
        var feed = As(SupplyTokens.Mint("feed", [Roles.SupplierFeed], suppliers: ["test-supplier"]));
        await Denied(() => feed.ListSubscriptionsAsync(new ListSubscriptionsRequest()).ResponseAsync);

        var listed = (await reader.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions;
        Assert.Contains(listed, s => s.Id == own.Id);
        Assert.All(listed, s => Assert.Equal("08", s.Filter.RegionCode));
        Assert.Contains((await National.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions, s => s.Id == other.Id); // still there

        await reader.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Id = own.Id });
        Assert.DoesNotContain((await National.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions, s => s.Id == own.Id);
        var gone = await Assert.ThrowsAsync<RpcException>(() => reader.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Id = own.Id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("ftp://files.example/hooks")]
    [InlineData("/hooks/relative")]
    [InlineData("not a url")]
    [InlineData("")]
    [InlineData("https://user:password@hooks.example/x")]
    public async Task A_url_that_is_not_absolute_http_is_refused_naming_the_url(string url)
    {
        var before = (await National.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions.Count;
        var e = await Assert.ThrowsAsync<RpcException>(() => National.CreateSubscriptionAsync(Ffp2Below14(url, "14")).ResponseAsync);
        Assert.Equal(["url"], FieldsAtFault(e));
        Assert.Equal(before, (await National.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions.Count);
    }

    [Fact]
    public async Task A_bad_filter_or_secret_is_refused_naming_each_field()
    {
        var request = Ffp2Below14("http://127.0.0.1:9/hooks", "99");
        request.Filter.ThresholdDays = 0;
        request.Filter.SubstitutionGroup = "N02BE01-500mg-tab";
        request.Secret = "short";
        var e = await Assert.ThrowsAsync<RpcException>(() => National.CreateSubscriptionAsync(request).ResponseAsync);
        Assert.Equal(["filter.region_code", "filter.substitution_group", "filter.threshold_days", "secret"], FieldsAtFault(e).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_secret_the_server_makes_one_and_returns_it_once()
    {
        var request = Ffp2Below14("http://127.0.0.1:9/hooks", "14");
        request.Secret = "";
        var created = await National.CreateSubscriptionAsync(request);
        Assert.True(created.Secret.Length >= 32, created.Secret);
        var listed = (await National.ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions.Single(s => s.Id == created.Id);
        Assert.DoesNotContain(created.Secret, listed.ToString());
        Assert.Equal(("http://127.0.0.1:9/hooks", "14", Ffp2, 14.0, CoverageLevel.Region, "test-superuser"),
            (listed.Url, listed.Filter.RegionCode, listed.Filter.ItemId, listed.Filter.ThresholdDays, listed.Filter.Level, listed.CreatedBy));
        await National.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Id = created.Id });
    }

    private static async Task Denied(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }
}
