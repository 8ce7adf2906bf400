using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Supply.Feeds.Tests;

/// <summary>What the feed server does to the next request (or to every request).</summary>
public abstract record Fault
{
    /// <summary>Answer with this status (and a Retry-After if given).</summary>
    public sealed record Status(int Code, TimeSpan? RetryAfter = null) : Fault;

    /// <summary>Wait this long before answering (longer than the feed's time-out: the client gives up first).</summary>
    public sealed record Hang(TimeSpan Delay) : Fault;

    /// <summary>Send the body in pieces with a pause between them.</summary>
    public sealed record SlowBody(int Pieces, TimeSpan Pause) : Fault;

    /// <summary>Promise the whole length, send half, then drop the connection.</summary>
    public sealed record CutConnection : Fault;
}

/// <summary>One file the server offers, its faults, and what it saw.</summary>
public sealed class FeedEndpoint
{
    private readonly ConcurrentQueue<Fault> _next = new();
    private volatile Fault? _always;
    private volatile byte[] _content = [];
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;

    public string ContentType { get; set; } = "application/json";

    /// <summary>Sent as Last-Modified when set.</summary>
    public DateTimeOffset? LastModified { get; set; }

    public int Requests => Volatile.Read(ref _requests);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public FeedEndpoint Serve(string text, string? contentType = null)
    {
        _content = Encoding.UTF8.GetBytes(text);
        if (contentType is not null) ContentType = contentType;
        return this;
    }

    /// <summary>Faults for the next requests, one each, in order.</summary>
    public FeedEndpoint Then(params Fault[] faults)
    {
        foreach (var f in faults) _next.Enqueue(f);
        return this;
    }

    /// <summary>A fault for every request from now on (null: heal).</summary>
    public FeedEndpoint Always(Fault? fault)
    {
        _always = fault;
        return this;
    }

    internal async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max) { }
        try
        {
            var fault = _next.TryDequeue(out var f) ? f : _always;
            var content = _content;
            var aborted = context.RequestAborted;
            switch (fault)
            {
                case Fault.Status s:
                    context.Response.StatusCode = s.Code;
                    if (s.RetryAfter is { } ra) context.Response.Headers.RetryAfter = ((int)ra.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await context.Response.WriteAsync($"fault {s.Code}", aborted);
                    return;
                case Fault.Hang h:
                    try { await Task.Delay(h.Delay, aborted); } catch (OperationCanceledException) { return; }
                    break;
                case Fault.SlowBody slow:
                    Headers(context, content.Length);
                    var size = Math.Max(1, content.Length / slow.Pieces + 1);
                    try
                    {
                        for (var i = 0; i < content.Length; i += size)
                        {
                            await context.Response.Body.WriteAsync(content.AsMemory(i, Math.Min(size, content.Length - i)), aborted);
                            await context.Response.Body.FlushAsync(aborted);
                            await Task.Delay(slow.Pause, aborted);
                        }
                    }
                    catch (OperationCanceledException) { }
                    return;
                case Fault.CutConnection:
                    Headers(context, content.Length);
                    await context.Response.Body.WriteAsync(content.AsMemory(0, content.Length / 2), aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    context.Abort();
                    return;
            }
            Headers(context, content.Length);
            await context.Response.Body.WriteAsync(content, aborted);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Headers(HttpContext context, long length)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = length;
        if (LastModified is { } lm) context.Response.Headers.LastModified = lm.ToString("R");
    }
}

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, a free port) that serves feed files and injects faults.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FeedEndpoint> _endpoints = new(StringComparer.Ordinal);

    private FeedServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--urls", "http://127.0.0.1:0"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FeedServer(app);
        app.Run(context => server._endpoints.TryGetValue(context.Request.Path.Value ?? "", out var endpoint)
            ? endpoint.HandleAsync(context)
            : Task.FromResult(context.Response.StatusCode = 404));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address);
        return server;
    }

    /// <summary>The endpoint at <paramref name="path"/> ("/stock.json"), created on first use.</summary>
    public FeedEndpoint At(string path) => _endpoints.GetOrAdd(path, _ => new FeedEndpoint());

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    public async ValueTask DisposeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(bound.Token);
        await _app.DisposeAsync();
    }
}
