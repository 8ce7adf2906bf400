using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Supply.Domain.Webhooks;

namespace Supply.Server.Tests.Webhooks;

/// <summary>
/// A real HTTP receiver (Kestrel on 127.0.0.1, port 0) that records every request it gets and answers as told:
/// 204, 500, or hang (until the sender gives up and aborts the request).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public enum Mode { Ok, Fail, Hang }

    /// <summary>One request: its body, signature header, content type, and how it was answered.</summary>
    public sealed record Received(string Body, string? Signature, string? ContentType, Mode AnsweredWith)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string EventId => Json.GetProperty("id").GetString()!;
        public string Type => Json.GetProperty("type").GetString()!;
        public JsonElement Data => Json.GetProperty("data");
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private volatile Mode _mode;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";
    public IReadOnlyList<Received> Requests => [.. _received];
    public IEnumerable<Received> Accepted => _received.Where(r => r.AnsweredWith == Mode.Ok);

    public void Answer(Mode mode) => _mode = mode;

    public static async Task<WebhookReceiver> StartAsync(Mode mode = Mode.Ok)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { _mode = mode };
        app.MapPost("/hooks/supply", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var mode = receiver._mode;
            receiver._received.Enqueue(new Received(body, context.Request.Headers[WebhookSignature.Header], context.Request.ContentType, mode));
            switch (mode)
            {
                case Mode.Fail:
                    return Results.StatusCode(500);
                case Mode.Hang:
                    // Far longer than the sender's attempt time-out; ends when the sender aborts.
                    await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return Results.StatusCode(503);
                default:
                    return Results.NoContent();
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address + "/hooks/supply";
        return receiver;
    }

    /// <summary>Waits (bounded, generously) until the recorded requests satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var now = Requests;
            if (done(now)) return now;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the receiver never saw {what}; it got {now.Count} requests: " +
                    string.Join(" | ", now.Select(r => $"{r.AnsweredWith} {r.Body}")));
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
