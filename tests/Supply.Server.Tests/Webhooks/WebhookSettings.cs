using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests.Webhooks;

/// <summary>Short intervals and a small retry budget, so the webhook tests wait seconds, not minutes (no timing is asserted).</summary>
public static class WebhookSettings
{
    public static string[] Fast(int deadLetterAfterRounds = 1000) =>
    [
        "--Supply:Webhooks:Interval=00:00:00.200",
        "--Supply:Webhooks:AttemptTimeout=00:00:02",
        "--Supply:Webhooks:Retries=1",
        "--Supply:Webhooks:RetryDelay=00:00:00.050",
        "--Supply:Webhooks:MaxRetryDelay=00:00:00.200",
        "--Supply:Webhooks:RoundDelay=00:00:00.100",
        "--Supply:Webhooks:MaxRoundDelay=00:00:00.500",
        $"--Supply:Webhooks:DeadLetterAfterRounds={deadLetterAfterRounds}",
        "--Supply:Webhooks:BreakDuration=00:00:00.500",
    ];

    public const string Secret = "a-receivers-own-secret-of-32-chars";

    /// <summary>A subscription to FFP2 coverage of one region below 14 days.</summary>
    public static CreateSubscriptionRequest Ffp2Below14(string url, string region) => new()
    {
        Url = url,
        Secret = Secret,
        Description = $"test receiver for region {region}",
        Filter = new AlertFilter { Level = CoverageLevel.Region, RegionCode = region, ItemId = Ffp2, ThresholdDays = 14 },
    };

    /// <summary>FFP2 at 100 days, then at 5: the region's coverage crosses below 14 days.</summary>
    public static async Task CrossBelowAsync(SupplyServer server, string location)
    {
        await server.Reporting.SubmitReportAsync(Snapshot(location, "above", Now.AddHours(-1), Line(Ffp2, 1000, adc: 10)));
        await server.Reporting.SubmitReportAsync(Snapshot(location, "below", Now.AddMinutes(-30), Line(Ffp2, 50, adc: 10)));
    }

    public static async Task<WebhookSubscription> StatusAsync(SupplyServer server, string id) =>
        (await new AlertWebhooks.AlertWebhooksClient(server.Channel).ListSubscriptionsAsync(new ListSubscriptionsRequest())).Subscriptions.Single(s => s.Id == id);

    /// <summary>Waits (bounded, generously) until the subscription's status satisfies <paramref name="done"/>.</summary>
    public static async Task<WebhookSubscription> StatusWhenAsync(SupplyServer server, string id, Func<WebhookSubscription, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var s = await StatusAsync(server, id);
            if (done(s)) return s;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"subscription {id} never reached: {what}; it is {s}");
            await Task.Delay(100);
        }
    }
}
