using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Supply.ConnectionSoak;
using Supply.Contracts.V1;
using Supply.LoadTest;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Bounded: --seconds per server configuration (default 60), two configurations.
var seconds = args.Length >= 2 && args[0] == "--seconds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
Console.WriteLine("== Supply.ConnectionSoak (issue 18, part 1)");
Console.WriteLine($"machine : {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {seconds} s per server");

(string Name, string[] Args)[] configurations =
[
    ("Kestrel's default windows (1 MiB per connection), no pings", ["--Supply:Listen:Http2ConnectionWindowBytes=1048576", "--Supply:Listen:KeepAlivePingSeconds=0"]),
    ("Supply's windows (connection covers every stream) and pings", []),
];
var failed = false;
foreach (var (name, extra) in configurations)
{
    var result = await RunAsync(extra, TimeSpan.FromSeconds(seconds));
    Console.WriteLine($"{name}:");
    Console.WriteLine($"  {result.Cycles} cycles, {result.Probes} probe calls on the long-lived channel, {result.Stalled} calls stalled " +
                      $"(no answer before the deadline: {Soak.ProbeDeadline.TotalSeconds:0} s per probe; the same call on a new connection answered {result.FreshAnswered} of them), " +
                      $"{result.Acknowledged} reports acknowledged, {result.Failures} other failures");
    // Kestrel's defaults are the baseline and may stall; Supply's settings must not, nor fail otherwise.
    failed |= result.Failures > 0 || extra.Length == 0 && result.Stalled > 0;
}
return failed ? 1 : 0;

static async Task<SoakResult> RunAsync(string[] extra, TimeSpan duration)
{
    var auth = Auth.ForStartedServer();
    var dll = ServerProcess.LocateDll(null);
    string[] serverArgs = [.. auth.ServerArgs, $"--Supply:Limits:MaxMessageBytes={Soak.MaxMessageBytes}", "--Kestrel:Limits:KeepAliveTimeout=00:00:02", .. extra];
    await using var server = await ServerProcess.StartAsync(dll, durable: false, "Warning", keep: false, [], serverArgs, TimeSpan.FromSeconds(90), CancellationToken.None);
    using var setup = GrpcChannel.ForAddress(server.Url);
    await WaitUntilServingAsync(setup);
    var soak = new Soak(server.Url, auth);
    await soak.RegisterAsync(setup);
    return await soak.RunAsync(duration);
}

static async Task WaitUntilServingAsync(GrpcChannel channel)
{
    var clock = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
        }
        catch (RpcException) when (clock.Elapsed < TimeSpan.FromSeconds(60)) { }
        await Task.Delay(200);
    }
}
