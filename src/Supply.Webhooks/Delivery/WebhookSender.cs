using System.Net.Http.Headers;
using System.Text;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Supply.Domain.Webhooks;

namespace Supply.Webhooks.Delivery;

/// <summary>How one delivery round ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>A 2xx: the event may leave the outbox.</summary>
    Delivered,
    /// <summary>Every attempt of the round failed, or the receiver refused it for good (a 4xx).</summary>
    Failed,
    /// <summary>Nothing was sent: the host's circuit is open. Does not count as a round.</summary>
    NotAttempted,
}

/// <summary>POSTs an outbox event's body, signed, through its endpoint host's resilience pipeline.</summary>
public sealed class WebhookSender(HttpClient http, WebhookResilience resilience, WebhookOptions options)
{
    public const string MediaType = "application/cloudevents+json";

    public async Task<(DeliveryOutcome Outcome, string Error)> SendAsync(string url, string secret, string body, CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = WebhookSignature.Sign(secret, bytes);
        try
        {
            await resilience.For(uri).ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType) { CharSet = "utf-8" };
                request.Headers.Add(WebhookSignature.Header, signature);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                if (!response.IsSuccessStatusCode) throw new WebhookHttpException(response.StatusCode);
            }, cancellationToken);
            return (DeliveryOutcome.Delivered, "");
        }
        catch (BrokenCircuitException)
        {
            return (DeliveryOutcome.NotAttempted, $"circuit open for {WebhookResilience.HostKey(uri)}");
        }
        catch (TimeoutRejectedException)
        {
            return (DeliveryOutcome.Failed, $"timed out after {options.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is WebhookHttpException or HttpRequestException or IOException)
        {
            return (DeliveryOutcome.Failed, e.Message);
        }
    }
}
