using Grpc.Core;
using Supply.Server.Security;

namespace Supply.Server.Grpc;

/// <summary>Who is calling, as the audit log records it.</summary>
public sealed record CallerIdentity(string Name, string Role, string Scope)
{
    /// <summary>The authenticated caller, else "anonymous" and the peer address.</summary>
    public static CallerIdentity Of(ServerCallContext context) =>
        Caller.From(context.GetHttpContext().User) is { } caller
            ? new CallerIdentity(caller.Name, caller.RoleText, caller.ScopeText)
            : new CallerIdentity($"anonymous@{context.Peer}", "", "");
}
