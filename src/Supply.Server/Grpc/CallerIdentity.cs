using Grpc.Core;

namespace Supply.Server.Grpc;

/// <summary>Who is calling, as the audit log records it.</summary>
internal static class CallerIdentity
{
    /// <summary>The authenticated name when there is one, else "anonymous" and the peer address.</summary>
    public static string Of(ServerCallContext context) =>
        context.GetHttpContext().User.Identity is { IsAuthenticated: true, Name: { } name } ? name : $"anonymous@{context.Peer}";
}
