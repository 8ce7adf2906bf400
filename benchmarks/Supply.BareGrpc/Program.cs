using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Supply.BareGrpc;

// Loopback only, plaintext HTTP/2 (h2c) like Supply.Server's gRPC endpoint; --Port=0 (the default) picks a free port,
// and ASP.NET Core logs it ("Now listening on: ..."), which is how Supply.LoadTest finds it.
var builder = WebApplication.CreateBuilder(args);
var port = builder.Configuration.GetValue("Port", 0);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
    // Supply.Server's HTTP/2 settings with its defaults (Hosting/Http2ConnectionLimits.cs, Supply:Listen): a connection
    // window covering every stream's window, a keep-alive ping after 30 s of silence, 20 s for its answer.
    var http2 = kestrel.Limits.Http2;
    http2.InitialConnectionWindowSize = (int)Math.Min(int.MaxValue, (long)http2.MaxStreamsPerConnection * http2.InitialStreamWindowSize);
    http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
});
// Supply.Server's message limit (Supply:Limits:MaxMessageBytes).
builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);

var app = builder.Build();
app.MapGrpcService<BareReporting>();
app.Run();
