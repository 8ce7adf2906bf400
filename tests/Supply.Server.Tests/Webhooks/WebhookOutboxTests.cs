using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;
using static Supply.Server.Tests.Webhooks.WebhookSettings;
using Mode = Supply.Server.Tests.Webhooks.WebhookReceiver.Mode;

namespace Supply.Server.Tests.Webhooks;

/// <summary>The outbox is durable: a restart loses nothing, and what exhausts the retry budget is kept as a dead letter.</summary>
public sealed class WebhookOutboxTests
{
    [Fact]
    public async Task Events_not_yet_delivered_are_delivered_after_a_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Mode.Fail);
        await using var server = await SupplyServer.StartAsync(null, Fast());
        var created = await new AlertWebhooks.AlertWebhooksClient(server.Channel).CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "12"));
        var location = (await RegisterAsync(server, ("12", LocationKind.Hospital)))[0];
        await CrossBelowAsync(server, location);
        await receiver.WaitForAsync(r => r.Count > 0, "a first (failing) attempt");
        await StatusWhenAsync(server, created.Id, s => s.Status.Pending == 1, "one pending event");

        await server.StopAsync();
        var failedBefore = receiver.Requests;
        receiver.Answer(Mode.Ok);
        await server.StartAsync(); // the same SQLite file

        var all = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the event after the restart");
        Assert.Equal(failedBefore[0].EventId, all.First(x => x.AnsweredWith == Mode.Ok).EventId);
        Assert.Single(all.Select(r => r.EventId).Distinct()); // the restart did not detect the crossing again under a new id
        var status = await StatusWhenAsync(server, created.Id, s => s.Status.Pending == 0 && s.Status.Delivered == 1, "delivered");
        Assert.Equal(0, status.Status.DeadLetters);
    }

    [Fact]
    public async Task An_event_that_exhausts_the_retry_budget_is_a_dead_letter_and_can_be_redelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Mode.Fail);
        await using var server = await SupplyServer.StartAsync(null, Fast(deadLetterAfterRounds: 2));
        var webhooks = new AlertWebhooks.AlertWebhooksClient(server.Channel);
        var created = await webhooks.CreateSubscriptionAsync(Ffp2Below14(receiver.Url, "13"));
        var location = (await RegisterAsync(server, ("13", LocationKind.Hospital)))[0];
        await CrossBelowAsync(server, location);

        var status = await StatusWhenAsync(server, created.Id, s => s.Status.DeadLetters == 1, "a dead letter");
        Assert.Equal((0, 0L), (status.Status.Pending, status.Status.Delivered));
        Assert.Contains("500", status.Status.LastError);
        var dead = (await webhooks.ListDeadLettersAsync(new ListDeadLettersRequest { SubscriptionId = created.Id })).DeadLetters.Single();
        Assert.Equal(receiver.Requests[0].EventId, dead.EventId);
        Assert.Equal((2, "se.supply.coverage.below-threshold"), (dead.Rounds, dead.Type));
        Assert.Contains("500", dead.LastError);
        Assert.NotNull(dead.DeadAt);

        receiver.Answer(Mode.Ok);
        Assert.Equal(1, (await webhooks.RedeliverDeadLettersAsync(new RedeliverDeadLettersRequest { SubscriptionId = created.Id })).Requeued);
        var all = await receiver.WaitForAsync(r => r.Any(x => x.AnsweredWith == Mode.Ok), "the redelivered event");
        Assert.Single(all.Select(r => r.EventId).Distinct());
        await StatusWhenAsync(server, created.Id, s => s.Status.DeadLetters == 0 && s.Status.Delivered == 1, "delivered, no dead letters");
    }
}
