namespace Supply.Webhooks;

/// <summary>Supply:Webhooks: how often alerts are looked for and delivered, and the delivery policy (docs/webhooks.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Supply:Webhooks";

    /// <summary>How often the outbox looks for new alerts and delivers what is pending.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    public string Source { get; set; } = "/supply/coverage-alerts";

    /// <summary>One request's time limit (the whole answer's headers); a receiver that hangs longer is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within a round, exponential back-off with jitter from <see cref="RetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    public int Retries { get; set; } = 3;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a failed round the subscription waits this long, doubling per failed round up to <see cref="MaxRoundDelay"/>.</summary>
    public TimeSpan RoundDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxRoundDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An event that failed this many rounds becomes a dead letter (about 40 minutes with the defaults).</summary>
    public int DeadLetterAfterRounds { get; set; } = 10;

    /// <summary>Dead letters kept per subscription (the oldest go first).</summary>
    public int DeadLettersKept { get; set; } = 1000;

    /// <summary>The circuit breaker of each endpoint host: open after this share of failures among at least
    /// <see cref="BreakerMinimumThroughput"/> requests in <see cref="BreakerSamplingDuration"/>, for <see cref="BreakDuration"/>.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;
    public int BreakerMinimumThroughput { get; set; } = 10;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
