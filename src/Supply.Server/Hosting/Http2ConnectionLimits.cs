using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Supply.Server.Hosting;

/// <summary>
/// HTTP/2 limits for clients that keep one connection for days (regional systems).
/// <para>
/// Kestrel counts request bytes a handler has not read yet against both the stream's window and the connection's.
/// A report stream stops reading on purpose when storage is behind or its sender reads no acks (back-pressure), so
/// with Kestrel's defaults (768 KiB per stream, 1 MiB per connection) two such streams used up the connection's
/// window and every other call on that connection waited for its request body to be sent: the "stuck connection"
/// of issue 18, reproduced by tests/Supply.Server.Tests/Connections. The connection window therefore covers every
/// stream's window, so a stalled stream holds at most its own window and never the other calls'.
/// </para>
/// </summary>
public static class Http2ConnectionLimits
{
    /// <summary>How long a keep-alive ping may go unanswered before the connection is closed.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(20);

    public static void Apply(KestrelServerOptions kestrel, SupplyOptions.ListenOptions listen)
    {
        var http2 = kestrel.Limits.Http2;
        http2.InitialConnectionWindowSize = listen.Http2ConnectionWindowBytes ?? CoveringWindow(http2);
        if (listen.KeepAlivePingSeconds > 0)
        {
            http2.KeepAlivePingDelay = TimeSpan.FromSeconds(listen.KeepAlivePingSeconds);
            http2.KeepAlivePingTimeout = PingTimeout;
        }
    }

    /// <summary>The sum of the windows of all streams one connection may have open (Kestrel's cap is int.MaxValue).</summary>
    public static int CoveringWindow(Http2Limits http2) =>
        (int)Math.Min(int.MaxValue, (long)http2.MaxStreamsPerConnection * http2.InitialStreamWindowSize);
}
