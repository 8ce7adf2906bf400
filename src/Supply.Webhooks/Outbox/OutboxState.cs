namespace Supply.Webhooks.Outbox;

/// <summary>
/// Everything the outbox grain keeps, written through the configured grain storage (the SQLite file on one node, Azure
/// blobs in a cluster): the subscriptions with their secrets, what their alert trackers have reported, the events not yet
/// acknowledged, and the dead letters.
/// </summary>
[GenerateSerializer]
public sealed class OutboxState
{
    [Id(0)] public List<StoredSubscription> Subscriptions { get; set; } = [];
}

[GenerateSerializer]
public sealed class StoredSubscription
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Url { get; set; } = "";
    /// <summary>The HMAC key. Leaves the grain only to sign; never in a view.</summary>
    [Id(2)] public string Secret { get; set; } = "";
    [Id(3)] public SubscriptionFilter Filter { get; set; } = new();
    [Id(4)] public string Description { get; set; } = "";
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public string CreatedBy { get; set; } = "";
    /// <summary>The alert tracker's memory: rows below the threshold ("area\u001fkey") and stale locations.</summary>
    [Id(7)] public List<string> Below { get; set; } = [];
    [Id(8)] public List<string> Stale { get; set; } = [];
    /// <summary>Detected, not yet acknowledged with a 2xx, oldest first (delivered in this order).</summary>
    [Id(9)] public List<OutboxEvent> Pending { get; set; } = [];
    [Id(10)] public List<OutboxEvent> DeadLetters { get; set; } = [];
    [Id(11)] public DateTimeOffset? LastSuccess { get; set; }
    [Id(12)] public DateTimeOffset? LastFailure { get; set; }
    [Id(13)] public string LastError { get; set; } = "";
    [Id(14)] public long Delivered { get; set; }
}

[GenerateSerializer]
public sealed class SubscriptionFilter
{
    /// <summary><see cref="Domain.Coverage.CoverageLevel"/> as a number.</summary>
    [Id(0)] public int Level { get; set; }
    [Id(1)] public string RegionCode { get; set; } = "";
    [Id(2)] public string ItemId { get; set; } = "";
    [Id(3)] public string SubstitutionGroup { get; set; } = "";
    [Id(4)] public double ThresholdDays { get; set; }
}

/// <summary>One CloudEvent as it is sent: its body is fixed when detected, so every attempt sends (and signs) the same bytes.</summary>
[GenerateSerializer]
public sealed class OutboxEvent
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Type { get; set; } = "";
    [Id(2)] public string Body { get; set; } = "";
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Delivery rounds that failed (a round is one retried request through the endpoint's pipeline).</summary>
    [Id(4)] public int Rounds { get; set; }
    [Id(5)] public string LastError { get; set; } = "";
    [Id(6)] public DateTimeOffset? DeadAt { get; set; }
}

/// <summary>A subscription as it is listed: no secret.</summary>
[GenerateSerializer]
public sealed class SubscriptionView
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Url { get; set; } = "";
    [Id(2)] public SubscriptionFilter Filter { get; set; } = new();
    [Id(3)] public string Description { get; set; } = "";
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public string CreatedBy { get; set; } = "";
    [Id(6)] public DateTimeOffset? LastSuccess { get; set; }
    [Id(7)] public DateTimeOffset? LastFailure { get; set; }
    [Id(8)] public string LastError { get; set; } = "";
    [Id(9)] public int Pending { get; set; }
    [Id(10)] public int DeadLetters { get; set; }
    [Id(11)] public long Delivered { get; set; }

    public static SubscriptionView Of(StoredSubscription s) => new()
    {
        Id = s.Id, Url = s.Url, Filter = s.Filter, Description = s.Description, CreatedAt = s.CreatedAt, CreatedBy = s.CreatedBy,
        LastSuccess = s.LastSuccess, LastFailure = s.LastFailure, LastError = s.LastError, Pending = s.Pending.Count,
        DeadLetters = s.DeadLetters.Count, Delivered = s.Delivered,
    };
}

/// <summary>What a new subscription is made of (the secret is already chosen, by the caller or the server).</summary>
[GenerateSerializer]
public sealed class NewSubscription
{
    [Id(0)] public string Url { get; set; } = "";
    [Id(1)] public string Secret { get; set; } = "";
    [Id(2)] public SubscriptionFilter Filter { get; set; } = new();
    [Id(3)] public string Description { get; set; } = "";
    [Id(4)] public string CreatedBy { get; set; } = "";
}
