using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Supply.Contracts.V1;
using Supply.Domain.Audit;
using AuditEntry = Supply.Domain.Audit.AuditEntry;

namespace Supply.Server.Security;

/// <summary>
/// The one place access is decided, for every RPC: no caller, UNAUTHENTICATED; outside the caller's
/// role or scope, PERMISSION_DENIED, before anything changes. Streamed reports are checked one by
/// one as they are read. Refused writes go to the audit log.
/// </summary>
public sealed class AuthorizationInterceptor(AccessPolicy policy, IAuditLog audit, IOptions<SupplyOptions> options, TimeProvider time)
    : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, request);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!Anonymous(context)) await AuthorizeAsync(context, request);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Anonymous(context)
            ? await continuation(requestStream, context)
            : await continuation(new CheckedReader<TRequest>(requestStream, this, context, await AuthenticateAsync(context, null)), context);

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (Anonymous(context)) await continuation(requestStream, responseStream, context);
        else await continuation(new CheckedReader<TRequest>(requestStream, this, context, await AuthenticateAsync(context, null)), responseStream, context);
    }

    private bool Anonymous(ServerCallContext context) =>
        AccessPolicy.IsAnonymous(context.Method) || (AccessPolicy.IsReflection(context.Method) && options.Value.Auth.AnonymousReflection);

    /// <summary>Returns the caller when the call with this request is allowed; throws the right status otherwise.</summary>
    private async Task<Caller?> AuthorizeAsync(ServerCallContext context, object? request)
    {
        if (Anonymous(context)) return null;
        var caller = await AuthenticateAsync(context, request);
        await CheckAsync(context, caller, request!);
        return caller;
    }

    private async Task<Caller> AuthenticateAsync(ServerCallContext context, object? request)
    {
        if (Caller.From(context.GetHttpContext().User) is { } caller) return caller;
        await AuditRefusal(context, null, request, "unauthenticated", "no valid bearer token or client certificate");
        throw new RpcException(new Status(StatusCode.Unauthenticated,
            "authenticate with a bearer token (Authorization: Bearer ...) or a client certificate"));
    }

    private async Task CheckAsync(ServerCallContext context, Caller caller, object request)
    {
        if (await policy.CheckAsync(context.Method, caller, request) is not { } reason) return;
        await AuditRefusal(context, caller, request, "permission-denied", reason);
        throw new RpcException(new Status(StatusCode.PermissionDenied, $"{caller.Name}: {reason}"));
    }

    private Task AuditRefusal(ServerCallContext context, Caller? caller, object? request, string outcome, string reason)
    {
        if (!AccessPolicy.IsWrite(context.Method)) return Task.CompletedTask;
        var (location, report, lines) = request is StockReport r
            ? (Bounded(r.LocationId), Bounded(r.ReportId), r.BodyCase == StockReport.BodyOneofCase.Snapshot ? r.Snapshot.Lines.Count : r.Movements?.Lines.Count ?? 0)
            : ("", "", 0);
        return audit.AppendAsync(new AuditEntry(time.GetUtcNow(), caller?.Name ?? $"anonymous@{context.Peer}", ActionOf(context.Method), location,
            report, outcome, lines, 0, reason) { Role = caller?.RoleText ?? "", Scope = caller?.ScopeText ?? "" });
    }

    /// <summary>
    /// Ids of a refused request as the append-only log keeps them: the first 128 characters (every valid
    /// id fits) and how many more there were. Unbounded, anyone could make the log store megabytes per call.
    /// </summary>
    private static string Bounded(string id)
    {
        const int max = 128;
        if (id.Length <= max) return id;
        var keep = char.IsHighSurrogate(id[max - 1]) ? max - 1 : max;
        return $"{id[..keep]}…(+{id.Length - keep} characters)";
    }

    internal static string ActionOf(string method) => method[(method.LastIndexOf('/') + 1)..] switch
    {
        "SubmitReport" or "StreamReports" => "submit-report",
        "RegisterItems" => "register-items",
        "RegisterLocations" => "register-locations",
        var other => other,
    };

    /// <summary>Checks each streamed message before the service sees it.</summary>
    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner, AuthorizationInterceptor owner, ServerCallContext context, Caller caller)
        : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            await owner.CheckAsync(context, caller, inner.Current!);
            return true;
        }
    }
}
