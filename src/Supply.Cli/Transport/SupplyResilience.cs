using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Supply.Cli.Transport;

/// <summary>How hard the CLI tries: set with --retries / --timeout or SUPPLY_RETRIES / SUPPLY_TIMEOUT.</summary>
public sealed record ResilienceSettings
{
    /// <summary>Retries after the first attempt (0 = try once).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>Time allowed for one attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>First back-off delay; it doubles per retry, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>The breaker opens when at least half of this many recent calls failed transiently.</summary>
    public int BreakerMinimumThroughput { get; init; } = 6;
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The one place that builds the resilience pipeline every gRPC call of the CLI goes through:
/// retry (exponential back-off with jitter) → circuit breaker → time-out per attempt.
/// Only transient failures are retried: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, and the
/// pipeline's own per-attempt time-out (the client-side form of DEADLINE_EXCEEDED). Everything the
/// CLI sends is idempotent (catalog upserts, reports with ids), so a retry never doubles anything.
/// </summary>
public static class SupplyResilience
{
    public static bool IsTransient(Exception e) => e switch
    {
        RpcException r => r.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted,
        TimeoutRejectedException => true,
        _ => false,
    };

    public static ResiliencePipeline Build(ResilienceSettings settings, TimeProvider? time = null)
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System };
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = 0.5,
            MinimumThroughput = Math.Max(2, settings.BreakerMinimumThroughput),
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = settings.BreakDuration < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : settings.BreakDuration,
        });
        builder.AddTimeout(settings.AttemptTimeout);
        return builder.Build();
    }
}
