using Microsoft.Extensions.Options;
using Supply.Webhooks;
using Supply.Webhooks.Delivery;

namespace Supply.Server.Extensions;

public static class WebhookExtensions
{
    /// <summary>
    /// Alert webhooks (Supply:Webhooks, docs/webhooks.md): the subscriptions' application service, the sender with its
    /// per-host resilience pipelines, and the keeper that wakes the outbox grain on every node.
    /// </summary>
    public static IHostApplicationBuilder AddSupplyWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero && o.AttemptTimeout > TimeSpan.Zero && o.Retries >= 0 && o.DeadLetterAfterRounds > 0
                && o.DeadLettersKept > 0 && o.RoundDelay >= TimeSpan.Zero && o.RetryDelay >= TimeSpan.Zero,
                $"{WebhookOptions.Section}: Interval and AttemptTimeout must be above zero, Retries and delays not negative, DeadLetterAfterRounds and DeadLettersKept at least 1")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookSubscriptions>();
        builder.Services.AddSingleton(sp => new WebhookResilience(sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookResilience>>()));
        builder.Services.AddSingleton(sp => new WebhookSender(
            // The resilience pipeline times out each attempt; redirects are not followed (a receiver answers for itself).
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false })
            { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<WebhookResilience>(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value));
        builder.Services.AddHostedService<WebhookKeeper>();
        return builder;
    }
}
