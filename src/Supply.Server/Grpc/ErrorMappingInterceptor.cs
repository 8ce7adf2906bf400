using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Supply.Domain;
using Status = Google.Rpc.Status;

namespace Supply.Server.Grpc;

/// <summary>
/// The one place domain and runtime failures become gRPC statuses: broken rules become
/// INVALID_ARGUMENT with a google.rpc.BadRequest naming each field; a silo that cannot take the
/// call right now becomes UNAVAILABLE, which clients may retry (reports are idempotent).
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception e) when (Map(e, context) is { } mapped) { throw mapped; }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(requestStream, context); }
        catch (Exception e) when (Map(e, context) is { } mapped) { throw mapped; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception e) when (Map(e, context) is { } mapped) { throw mapped; }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context); }
        catch (Exception e) when (Map(e, context) is { } mapped) { throw mapped; }
    }

    private RpcException? Map(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case Application.NotFoundException missing:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.NotFound, missing.Message));
            case Application.AccessDeniedException denied:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.PermissionDenied, denied.Message));
            case DomainValidationException invalid:
                return InvalidArgument(invalid.Violations);
            case Google.Protobuf.InvalidProtocolBufferException bad:
                // A streamed message that is not a valid protobuf is the sender's fault, not ours.
                return new RpcException(new global::Grpc.Core.Status(StatusCode.InvalidArgument, "a message could not be parsed: " + bad.Message));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled"));
            case TimeoutException or OrleansException or Orleans.Runtime.SiloUnavailableException:
            case Exception when IsStorageOutage(e):
                LogUnavailable(e, context.Method);
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable,
                    "the service could not complete the call right now; retry (reports are idempotent)"));
            default:
                LogFailed(e, context.Method);
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Internal, "internal error; it has been logged"));
        }
    }

    /// <summary>
    /// Storage that cannot be reached or refuses writes right now: the Azure SDK's own error after its retries (an
    /// AggregateException of RequestFailedExceptions when the account does not answer), or SQLite's (the audit file
    /// on a failing disk).
    /// Nothing was acknowledged, and a resend will do once storage is back: UNAVAILABLE, never INTERNAL.
    /// </summary>
    private static bool IsStorageOutage(Exception e) => e switch
    {
        // No answer (0), throttled (408, 429) or the service failing (5xx); a 4xx is a mistake to log, not to retry.
        Azure.RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        // SQLITE_BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN: the file, not the statement.
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 8 or 10 or 13 or 14 } => true,
        AggregateException all => all.Flatten().InnerExceptions is { Count: > 0 } inner && inner.All(IsStorageOutage),
        _ => false,
    };

    public static RpcException InvalidArgument(IReadOnlyList<Violation> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        var status = new Status
        {
            Code = (int)Code.InvalidArgument,
            Message = violations.Count == 1 ? violations[0].ToString() : $"{violations.Count} problems, first: {violations[0]}",
            Details = { Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }

    [LoggerMessage(LogLevel.Warning, "{Method} could not be completed now")]
    private partial void LogUnavailable(Exception e, string method);

    [LoggerMessage(LogLevel.Error, "{Method} failed")]
    private partial void LogFailed(Exception e, string method);
}
