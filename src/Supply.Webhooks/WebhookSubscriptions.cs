using Supply.Application;
using Supply.Domain.Webhooks;
using Supply.Server.Security;
using Supply.Webhooks.Outbox;

namespace Supply.Webhooks;

/// <summary>
/// Managing subscriptions, for the gRPC service (which only translates): validation, the regional scope of each
/// subscription (<see cref="AccessPolicy.CheckWebhookRegion"/>), and the outbox grain that owns them.
/// </summary>
public sealed class WebhookSubscriptions(IGrainFactory grains)
{
    private IWebhookOutboxGrain Outbox => grains.GetGrain<IWebhookOutboxGrain>(IWebhookOutboxGrain.Key);

    /// <summary>Stores a subscription; returns its id and its secret (the caller's, or a new one), which is never shown again.</summary>
    public async Task<(string Id, string Secret)> CreateAsync(Caller caller, string url, WebhookFilter filter, string secret, string description)
    {
        Allow(caller, filter.RegionCode);
        WebhookRules.Validate(url, filter, secret, description);
        var chosen = secret.Length > 0 ? secret : WebhookSignature.NewSecret();
        var id = await Outbox.CreateAsync(new NewSubscription
        {
            Url = url, Secret = chosen, Description = description, CreatedBy = caller.Name,
            Filter = new SubscriptionFilter
            {
                Level = (int)filter.Level, RegionCode = filter.RegionCode, ItemId = filter.ItemId, SubstitutionGroup = filter.SubstitutionGroup,
                ThresholdDays = filter.ThresholdDays,
            },
        });
        return (id, chosen);
    }

    /// <summary>The subscriptions the caller may manage.</summary>
    public async Task<IReadOnlyList<SubscriptionView>> ListAsync(Caller caller) =>
        (await Outbox.ListAsync()).Where(s => AccessPolicy.CheckWebhookRegion(caller, s.Filter.RegionCode) is null).ToList();

    public async Task DeleteAsync(Caller caller, string id)
    {
        await ManageableAsync(caller, id);
        if (!await Outbox.DeleteAsync(id)) throw Missing(id);
    }

    public async Task<IReadOnlyList<OutboxEvent>> DeadLettersAsync(Caller caller, string id)
    {
        await ManageableAsync(caller, id);
        return await Outbox.DeadLettersAsync(id) ?? throw Missing(id);
    }

    public async Task<int> RedeliverAsync(Caller caller, string id)
    {
        await ManageableAsync(caller, id);
        var count = await Outbox.RedeliverAsync(id);
        return count >= 0 ? count : throw Missing(id);
    }

    private async Task ManageableAsync(Caller caller, string id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new Domain.DomainValidationException([new Domain.Violation("id", "is required")]);
        var found = await Outbox.GetAsync(id) ?? throw Missing(id);
        Allow(caller, found.Filter.RegionCode);
    }

    private static void Allow(Caller caller, string regionCode)
    {
        if (AccessPolicy.CheckWebhookRegion(caller, regionCode) is { } why) throw new AccessDeniedException(why);
    }

    private static NotFoundException Missing(string id) => new($"no webhook subscription '{id}'");
}
