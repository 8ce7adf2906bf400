using System.Text;
using Supply.Contracts.V1;
using Supply.Domain.Webhooks;
using Supply.Webhooks.Delivery;
using static Supply.Server.Tests.TestData;
using static Supply.Server.Tests.Webhooks.WebhookSettings;
using Mode = Supply.Server.Tests.Webhooks.WebhookReceiver.Mode;

namespace Supply.Server.Tests.Webhooks;

/// <summary>
/// Subscribe over gRPC, report over gRPC, and a real receiver on 127.0.0.1 gets the alert as a signed CloudEvent; it fails,
/// hangs and recovers, and still gets the same event. Each test uses its own region, so they share one server.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookDeliveryTests.Fixture fixture) : IClassFixture<WebhookDeliveryTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public SupplyServer Server { get; private set; } = null!;
        public async Task InitializeAsync() => Server = await SupplyServer.StartAsync(null, Fast());
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private SupplyServer Server => fixture.Server;
    private AlertWebhooks.AlertWebhooksClient Webhooks => new(Server.Channel);

    [Fact]
    public async Task A_coverage_crossing_arrives_as_a_signed_cloud_event()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = await Webhooks.CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "03"));
        Assert.Equal(Secret, created.Secret);
        var location = (await RegisterAsync(Server, ("03", LocationKind.Hospital)))[0];

        await CrossBelowAsync(Server, location);

        var got = (await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "a delivered event")).First(x => x.AnsweredWith == Mode.Ok);
        Assert.True(WebhookSignature.Verify(Secret, Encoding.UTF8.GetBytes(got.Body), got.Signature), $"bad signature {got.Signature}");
        Assert.StartsWith("application/cloudevents+json", got.ContentType);
        var cloudEvent = AlertCloudEvents.Parse(Encoding.UTF8.GetBytes(got.Body));
        Assert.Equal(("1.0", AlertCloudEvents.BelowThreshold, "application/json"),
            (got.Json.GetProperty("specversion").GetString(), cloudEvent.Type, cloudEvent.DataContentType));
        Assert.Equal(32, cloudEvent.Id!.Length);
        Assert.NotNull(cloudEvent.Time);
        var row = got.Data.GetProperty("row");
        Assert.Equal(("below", "03", created.Id), (got.Data.GetProperty("kind").GetString(), got.Data.GetProperty("regionCode").GetString(),
            got.Data.GetProperty("subscriptionId").GetString()));
        Assert.Equal(("region", "03", "item", Ffp2, 50L), (row.GetProperty("level").GetString(), row.GetProperty("area").GetString(),
            row.GetProperty("subject").GetString(), row.GetProperty("key").GetString(), row.GetProperty("usable").GetInt64()));
        Assert.Equal(5.0, row.GetProperty("daysOfSupply").GetDouble(), 6);

        var status = await StatusWhenAsync(Server, created.Id, s => s.Status.Delivered >= 1 && s.Status.Pending == 0, "delivered");
        Assert.NotNull(status.Status.LastSuccess);
        Assert.Equal(("", 0), (status.Status.LastError, status.Status.DeadLetters));
        Assert.DoesNotContain(Secret, status.ToString()); // the secret is never listed
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_same_event_once_it_recovers()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Mode.Fail);
        var created = await Webhooks.CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "04"));
        var location = (await RegisterAsync(Server, ("04", LocationKind.Hospital)))[0];
        await CrossBelowAsync(Server, location);

        await receiver.WaitForAsync(r => r.Count(x => x.AnsweredWith == Mode.Fail) >= 3, "three failed attempts");
        var failing = await StatusWhenAsync(Server, created.Id, s => s.Status.LastError.Contains("500"), "an HTTP 500 as its last error");
        Assert.Equal((1, 0L), (failing.Status.Pending, failing.Status.Delivered));
        Assert.NotNull(failing.Status.LastFailure);

        receiver.Answer(Mode.Ok);
        var all = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the event after recovery");
        Assert.Single(all.Select(r => r.EventId).Distinct()); // every attempt carried the same event id
        Assert.Single(all.Select(r => r.Body).Distinct());    // and the same bytes
        await StatusWhenAsync(Server, created.Id, s => s.Status.Pending == 0 && s.Status.Delivered == 1, "delivered once recovered");
    }

    [Fact]
    public async Task A_hanging_receiver_is_timed_out_and_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Mode.Hang);
        var created = await Webhooks.CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "05"));
        var location = (await RegisterAsync(Server, ("05", LocationKind.Hospital)))[0];
        await CrossBelowAsync(Server, location);

        await receiver.WaitForAsync(r => r.Count(x => x.AnsweredWith == Mode.Hang) >= 2, "a retry after a hang");
        await StatusWhenAsync(Server, created.Id, s => s.Status.LastError.Contains("timed out"), "a time-out as its last error");

        receiver.Answer(Mode.Ok);
        var all = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the event after the receiver stopped hanging");
        Assert.Single(all.Select(r => r.EventId).Distinct());
        await StatusWhenAsync(Server, created.Id, s => s.Status.Pending == 0 && s.Status.Delivered == 1, "delivered");
    }

    [Fact]
    public async Task Only_alerts_that_match_the_filter_are_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var neighbour = await WebhookReceiver.StartAsync();
        await Webhooks.CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "06"));
        await Webhooks.CreateSubscriptionAsync(Ffp2Below14(neighbour.Url, "07"));
        var locations = await RegisterAsync(Server, ("06", LocationKind.Hospital), ("07", LocationKind.Hospital), ("06", LocationKind.Pharmacy));

        // Region 07 crosses first (its own subscriber hears of it), and region 06 runs short of morphine (another item).
        await CrossBelowAsync(Server, locations[1]);
        await neighbour.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the region 07 event");
        await Server.Reporting.SubmitReportAsync(Snapshot(locations[2], "morphine", Now.AddMinutes(-20), Line(Morphine, 10, adc: 5)));
        await CrossBelowAsync(Server, locations[0]);

        var got = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the region 06 event");
        Assert.All(got, r => Assert.Equal(("06", Ffp2), (r.Data.GetProperty("regionCode").GetString(), r.Data.GetProperty("row").GetProperty("key").GetString())));
        Assert.Single(got.Select(r => r.EventId).Distinct());
        Assert.All(neighbour.Requests, r => Assert.Equal("07", r.Data.GetProperty("regionCode").GetString()));
    }
}
