using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Supply.Feeds.Pulling;

/// <summary>The supplier answered with an HTTP error status.</summary>
public sealed class FeedHttpException(HttpStatusCode status, TimeSpan? retryAfter)
    : Exception($"the supplier answered HTTP {(int)status} {status}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The server's Retry-After, if it sent one (honoured up to MaxRetryDelay).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>5xx, 408 (request timeout) and 429 (too many requests) may pass; other 4xx will not.</summary>
    public bool IsTransient => (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}

/// <summary>The body is larger than <see cref="FeedOptions.MaxFileBytes"/>; not retried.</summary>
public sealed class FeedFileTooLargeException(long limit) : Exception($"the file is larger than {limit} bytes (MaxFileBytes)");

/// <summary>
/// The one place that builds a feed's resilience pipeline. Every fetch goes through it:
/// retry (exponential back-off with jitter, honouring Retry-After) → circuit breaker → time-out per
/// attempt (the request and the whole body, so a slow body times out too). Only transient failures are
/// retried and counted by the breaker: HTTP 5xx/408/429, connection failures, a body cut off mid-way,
/// and the attempt time-out. A 404 or 401 fails at once: asking again will not help.
/// </summary>
public static class FeedResilience
{
    public static bool IsTransient(Exception e) => e switch
    {
        FeedHttpException h => h.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException => true, // connection refused or reset, name resolution
        IOException => true,           // the body ended early (HttpIOException)
        _ => false,
    };

    /// <param name="breakerChanged">Called with the breaker's new state (and the time it changed), for health.</param>
    public static ResiliencePipeline Build(
        FeedOptions feed, TimeProvider time, ILogger logger, CircuitBreakerStateProvider stateProvider,
        Action<FeedBreakerState>? breakerChanged = null)
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { Name = $"supply-feed-{feed.Name}", TimeProvider = time };
        if (feed.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = feed.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = feed.RetryDelay,
                MaxDelay = feed.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is FeedHttpException { RetryAfter: { } after }
                        ? (TimeSpan?)(after < feed.MaxRetryDelay ? after : feed.MaxRetryDelay)
                        : null),
                OnRetry = args =>
                {
                    logger.LogWarning("Feed {Feed}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms", feed.Name,
                        args.AttemptNumber + 1, args.Outcome.Exception?.Message, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = feed.Breaker.FailureRatio,
            MinimumThroughput = feed.Breaker.MinimumThroughput,
            SamplingDuration = feed.Breaker.SamplingDuration,
            BreakDuration = feed.Breaker.BreakDuration,
            StateProvider = stateProvider,
            OnOpened = args =>
            {
                logger.LogError("Feed {Feed}: circuit breaker opened for {Seconds} s after {Error}", feed.Name,
                    args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                breakerChanged?.Invoke(FeedBreakerState.Open);
                return default;
            },
            OnHalfOpened = _ =>
            {
                logger.LogInformation("Feed {Feed}: circuit breaker half-open, trying the supplier once", feed.Name);
                breakerChanged?.Invoke(FeedBreakerState.HalfOpen);
                return default;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("Feed {Feed}: circuit breaker closed", feed.Name);
                breakerChanged?.Invoke(FeedBreakerState.Closed);
                return default;
            },
        });
        builder.AddTimeout(feed.Timeout);
        return builder.Build();
    }
}
