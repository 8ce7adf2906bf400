using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Supply.Webhooks.Delivery;

/// <summary>The receiver answered with a status other than 2xx.</summary>
public sealed class WebhookHttpException(HttpStatusCode status) : Exception($"HTTP {(int)status} {status}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>5xx, 408 and 429 may pass; another 4xx will not (the round fails at once).</summary>
    public bool IsTransient => (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}

/// <summary>
/// One resilience pipeline per endpoint host (scheme, host and port), built once and kept in a Polly registry: retry
/// (exponential back-off with jitter) → circuit breaker (shared by every subscription on that host, so one dead receiver
/// is not hammered by each) → time-out per attempt. Only transient failures are retried and counted by the breaker.
/// </summary>
public sealed class WebhookResilience(WebhookOptions options, TimeProvider time, ILogger<WebhookResilience> logger) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public static bool IsTransient(Exception e) => e switch
    {
        WebhookHttpException h => h.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException => true, // refused, reset, name resolution
        IOException => true,
        _ => false,
    };

    public static string HostKey(Uri url) => url.GetLeftPart(UriPartial.Authority);

    public ResiliencePipeline For(Uri url) => _registry.GetOrAddPipeline(HostKey(url), (builder, context) =>
    {
        var host = context.PipelineKey;
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        builder.TimeProvider = time;
        if (options.Retries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = args =>
                {
                    logger.LogInformation("Webhook host {Host}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms", host,
                        args.AttemptNumber + 1, args.Outcome.Exception?.Message, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = args =>
            {
                logger.LogWarning("Webhook host {Host}: circuit breaker opened for {Seconds} s after {Error}", host,
                    args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                return default;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("Webhook host {Host}: circuit breaker closed", host);
                return default;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
    });

    public void Dispose() => _registry.Dispose();
}
