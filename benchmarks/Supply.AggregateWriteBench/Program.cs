using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Serialization;
using Supply.AggregateWriteBench;
using Supply.Grains;
using Supply.Grains.Aggregation;
using Supply.Storage;

// Issue 18: does a national read wait behind the national aggregate's whole-state write? Builds national-size totals
// in-process (21 regions x ~95 locations x 2,000 items), pushes them into the national aggregate of an in-process silo
// with the server's storage, then, round by round, pushes one region's new version (one whole-state write) while a
// reader asks GetVersion back to back, and prints how long those reads took. Not a test: figures only.
// Arguments: rounds (default 4), items (default 2,000), locations per region (default 95).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
var items = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
var perRegion = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 95;

var directory = Path.Combine(Path.GetTempPath(), "supply-aggregate-write-bench", Guid.NewGuid().ToString("N"));
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(siloPort: FreePort.Next(), gatewayPort: FreePort.Next());
    // As the single-node server stores state (src/Supply.Server/Extensions/SiloExtensions.cs): durable SQLite, binary serializer.
    silo.AddSqliteGrainStorage(StorageNames.Default, o => o.DataSource = Path.Combine(directory, "grains.db"));
    silo.Services.AddOptions<SqliteGrainStorageOptions>(StorageNames.Default)
        .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));
    silo.Services.AddSingleton(TimeProvider.System);
    silo.Services.AddSerializer(s => s.AddSupplyDomainTypes());
});
using var host = builder.Build();
await host.StartAsync();
try
{
    Console.WriteLine($"Building national totals: 21 regions x {perRegion} locations x {items:N0} items ...");
    var clock = Stopwatch.StartNew();
    var regions = NationalState.Regions(perRegion, items);
    Console.WriteLine($"  {regions.Sum(r => r.Rows.Count):N0} region rows, {regions.Sum(r => r.Locations.Count):N0} locations, built in {clock.Elapsed.TotalSeconds:F1} s");

    // What the write turn costs the grain before the fix: serializing the whole state (done here alone, on this thread).
    var serializer = host.Services.GetRequiredService<Serializer>();
    var state = new NationalAggregateState { Regions = regions.ToDictionary(r => r.RegionCode, StringComparer.Ordinal), Version = 1 };
    var serialize = new List<double>();
    var bytes = 0;
    for (var i = 0; i < 3; i++)
    {
        clock.Restart();
        bytes = new BinaryGrainStorageSerializer(serializer).Serialize(state).ToMemory().Length;
        serialize.Add(clock.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"  national state serialized alone: {bytes / 1e6:F1} MB, {string.Join(" / ", serialize.Select(ms => $"{ms:F0}"))} ms");

    var grains = host.Services.GetRequiredService<IGrainFactory>();
    var nation = grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);
    clock.Restart();
    await Task.WhenAll(regions.Select(r => nation.Push(r.AsImmutable())));
    Console.WriteLine($"  loaded into the national aggregate and stored in {clock.Elapsed.TotalSeconds:F1} s");

    Console.WriteLine();
    // The write waits for the coalescing writer's interval (20x the last write's time, at most 15 s) before it starts, so
    // most calls fall in that wait: the ones slower than 50 ms are those that waited behind the write's turn.
    Console.WriteLine("round  push -> stored ms   GetVersion during it: calls  p50 ms  over 50 ms  max ms");
    var all = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var region = regions[round % regions.Count];
        var next = region with { Version = region.Version + round };
        var (writeMs, latencies) = await Probe.WhileWriting(nation, () => nation.Push(next.AsImmutable()));
        all.AddRange(latencies);
        Console.WriteLine($"{round,5}  {writeMs,17:F0}   {latencies.Count,27}  {Probe.Percentile(latencies, 0.50),6:F1}  {latencies.Count(ms => ms > 50),10}  {latencies.Max(),6:F1}");
    }
    Console.WriteLine($"  all rounds: {all.Count} GetVersion calls, p50 {Probe.Percentile(all, 0.50):F1} ms, {all.Count(ms => ms > 50)} over 50 ms, max {all.Max():F1} ms");
}
finally
{
    await host.StopAsync();
    try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
}
