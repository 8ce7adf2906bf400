namespace Supply.Webhooks.Outbox;

/// <summary>
/// The one owner of every webhook subscription and its outbox (key <see cref="Key"/>): one activation in the cluster, so
/// detection and delivery run once however many nodes there are.
/// </summary>
public interface IWebhookOutboxGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Stores the subscription and returns its id.</summary>
    Task<string> CreateAsync(NewSubscription subscription);
    Task<List<SubscriptionView>> ListAsync();
    Task<SubscriptionView?> GetAsync(string id);
    /// <summary>False when there is no such subscription.</summary>
    Task<bool> DeleteAsync(string id);
    /// <summary>Newest first; null when there is no such subscription.</summary>
    Task<List<OutboxEvent>?> DeadLettersAsync(string id);
    /// <summary>Moves the dead letters back into the outbox; how many, or -1 when there is no such subscription.</summary>
    Task<int> RedeliverAsync(string id);
    /// <summary>Activates the grain (after a restart, its timer resumes delivering what the outbox holds).</summary>
    Task WakeAsync();
}
