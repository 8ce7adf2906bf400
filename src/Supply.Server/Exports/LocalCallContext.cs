using Grpc.Core;

namespace Supply.Server.Exports;

/// <summary>
/// The call context a gRPC service method gets when the server calls it in-process for an HTTP export: the request's
/// cancellation, its HttpContext (for services that read the caller), no deadline, nothing to send back in trailers.
/// </summary>
internal sealed class LocalCallContext(HttpContext http, string method) : ServerCallContext
{
    // Grpc.AspNetCore's GetHttpContext() finds the HttpContext under this key when the context is not its own.
    private readonly Dictionary<object, object> _state = new() { ["__HttpContext"] = http };

    protected override string MethodCore => method;
    protected override string HostCore => http.Request.Host.Value ?? "";
    protected override string PeerCore => $"ipv4:{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => http.RequestAborted;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _state;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("an in-process export call does not start other calls");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
