using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supply.DevTokens;
using Supply.Contracts.V1;
using Supply.Server.Security;
using Xunit.Abstractions;
using static Supply.Server.Tests.TestData;
using DomainRegions = Supply.Domain.Catalog.Regions;

namespace Supply.Server.Tests;

/// <summary>
/// Hostile and broken input over real gRPC on 127.0.0.1, bounded in count (3,000 calls) and time (60 s),
/// with a fixed seed: raw gRPC frames with random payloads and length prefixes, byte-flipped valid
/// reports, extreme numbers and timestamps, huge and odd strings, missing fields, unknown enum values,
/// bad and forged tokens, streams mixing good and bad reports; interleaved with a known set of valid
/// reports. Every reply must be a proper gRPC status from the accepted list, the server must stay up,
/// and the stock of the compared locations must equal what the valid reports alone produce on a fresh
/// reference server. INTERNAL and UNKNOWN fail the test, with the input, except where grpc-dotnet itself
/// refuses a frame the test knows to be undecodable before any Supply code runs (see IsFramingRefusal)
/// and the exactly matched, reported defects in KnownIssues.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20250314;
    private const int CallCount = 3000;
    private const int Parallelism = 4;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(60); // a safety net against a hung call, not a timing check
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);
    private static DateTime Deadline() => DateTime.UtcNow + CallDeadline;
    private const int MaxMessageBytes = 16 * 1024 * 1024; // Supply:Limits:MaxMessageBytes default
    private const long MaxQuantity = 1_000_000_000_000;
    private const string SubmitPath = "/supply.v1.StockReporting/SubmitReport";

    /// <summary>Locations whose stock is compared with the reference server: only valid reports may change them.</summary>
    private static readonly (string Id, string Region, LocationKind Kind)[] Compared =
    [
        ("se-01-fuzz-hospital-a", "01", LocationKind.Hospital),
        ("se-12-fuzz-warehouse-b", "12", LocationKind.RegionalWarehouse),
        ("se-14-fuzz-care-c", "14", LocationKind.MunicipalCare),
        ("se-25-fuzz-pharmacy-d", "25", LocationKind.Pharmacy),
    ];

    /// <summary>Where mutated and borderline reports go (region 03): what they do there is not compared.</summary>
    private static readonly string[] Sinks = ["zz-sink-0001", "zz-sink-0002", "zz-sink-big"];

    private static readonly string[] ItemIds = [Paracetamol, Morphine, Ffp2, Syringe, Cannula];
    private static readonly string[] ComparedRegions = Compared.Select(c => c.Region).ToArray();

    /// <summary>Every status a reply may carry, and why.</summary>
    private static readonly Dictionary<StatusCode, string> Acceptable = new()
    {
        [StatusCode.OK] = "valid reports, resends, queries, borderline input in the sink",
        [StatusCode.InvalidArgument] = "bad input, naming the field",
        [StatusCode.ResourceExhausted] = "a message above Supply:Limits:MaxMessageBytes (also a declared length prefix above it)",
        [StatusCode.Unauthenticated] = "no, garbage, forged, expired or unsigned token",
        [StatusCode.PermissionDenied] = "a valid token without the role or region",
        [StatusCode.NotFound] = "queries for well-formed but unknown locations and items",
        [StatusCode.Cancelled] = "a stream the client cancelled, or the server cut after an oversized message",
        [StatusCode.Unimplemented] = "a raw call to a method the service does not have, or with a grpc-encoding it does not support",
    };

    /// <param name="Framing">INTERNAL/UNKNOWN from grpc-dotnet's own decoding of an undecodable raw frame (see <see cref="IsFramingRefusal"/>).</param>
    /// <param name="Known">A defect outside this test's remit, reported (not fixed here) and printed apart; see <see cref="KnownIssues"/>.</param>
    private sealed record Outcome(StatusCode? Code, string Message, string? Failure = null, ReportAck? Ack = null, bool Framing = false, string? Known = null);

    /// <summary>
    /// Matched exactly (category and reply), so anything else still fails. Each is in the report that came
    /// with this test; remove the entry when the defect is fixed and the fuzz will hold the fix.
    /// </summary>
    private static readonly (string Category, StatusCode Code, string Message, string Why)[] KnownIssues =
    [
    ];

    private sealed record Case(string Category, string Input, Func<Task<Outcome>> Run);

    private sealed class Run(SupplyServer server, HttpClient http, Dictionary<string, GrpcChannel> channels)
    {
        public SupplyServer Server { get; } = server;
        public HttpClient Http { get; } = http;
        public Dictionary<string, GrpcChannel> Channels { get; } = channels;
        public ConcurrentDictionary<string, byte> AcknowledgedValid { get; } = new();
        public ConcurrentBag<string> AcceptedBorderline { get; } = [];
        public ConcurrentBag<string> RefusedBorderline { get; } = [];
        public ConcurrentDictionary<string, int> StreamAcks { get; } = new();
        public StockReporting.StockReportingClient Reporting => new(Server.Channel);
        public CallOptions Options => new(deadline: DateTime.UtcNow + CallDeadline);
    }

    [Fact]
    public async Task Fuzzed_input_gets_a_proper_grpc_status_the_server_stays_up_and_only_the_valid_reports_change_stock()
    {
        string[] args =
        [
            "--Supply:Limits:CallsPerSecond=100000", "--Supply:Limits:Burst=100000", "--Supply:Storage:DurableCommits=false",
            "--Logging:LogLevel:Grpc.AspNetCore.Server=None", // thousands of undecodable frames, each logged with a stack trace
        ];
        await using var fuzz = await SupplyServer.StartAsync(null, args);
        await using var reference = await SupplyServer.StartAsync(null, args);
        foreach (var server in new[] { fuzz, reference }) await RegisterCatalog(server);

        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var rng = new Random(Seed);
        var valid = ValidReports(rng, now);

        using var http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = CallDeadline };
        var channels = AuthTokens(now).ToDictionary(t => t.Key, t => fuzz.ChannelAs(t.Value));
        var run = new Run(fuzz, http, channels);
        var cases = Plan(rng, now, valid, run);

        var results = new ConcurrentBag<(Case Case, Outcome Outcome)>();
        var clock = Stopwatch.StartNew();
        var skipped = 0;
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (c, _) =>
        {
            if (clock.Elapsed > Budget) { Interlocked.Increment(ref skipped); return; }
            Outcome outcome;
            try { outcome = await c.Run().WaitAsync(HangLimit); }
            catch (TimeoutException) { outcome = new Outcome(null, "hang", $"no reply {HangLimit.TotalSeconds} s after the call began, past its own deadline"); }
            catch (Exception e) { outcome = new Outcome(null, e.GetType().Name, $"the client saw no gRPC status: {e.GetType().Name}: {e.Message}"); }
            if (KnownIssues.FirstOrDefault(k => k.Category == c.Category && k.Code == outcome.Code && k.Message == outcome.Message) is { Why: { } why })
                outcome = outcome with { Failure = null, Known = why };
            if (outcome.Code is StatusCode.Internal or StatusCode.Unknown && outcome.Failure is null && !outcome.Framing && outcome.Known is null)
                outcome = outcome with { Failure = $"{outcome.Code}: {outcome.Message}" };
            results.Add((c, outcome));
        });
        var fuzzTime = clock.Elapsed;
        foreach (var channel in channels.Values) channel.Dispose();

        // Every valid report, once more (idempotent): what a stream cut short did not deliver is delivered now.
        var reporting = fuzz.Reporting;
        foreach (var report in valid.Select(v => v.Report))
        {
            var ack = await reporting.SubmitReportAsync(report, run.Options);
            Assert.NotEqual(ReportOutcome.Rejected, ack.Outcome);
        }
        // The reference: the valid reports alone, in another order, on a fresh server.
        var referenceReporting = reference.Reporting;
        foreach (var report in valid.Select(v => v.Report).Reverse()) await referenceReporting.SubmitReportAsync(report, run.Options);

        Print(results, fuzzTime, skipped, run, valid.Count);

        var health = await new Health.HealthClient(fuzz.Channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await AssertSameStock(fuzz, reference);
        var failures = results.Where(r => r.Outcome.Failure is not null).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} replies were not acceptable:\n" + string.Join("\n",
            failures.Take(25).Select(f => $"  [{f.Case.Category}] {Clip(f.Case.Input, 1000)}\n      -> {f.Outcome.Failure}")));
    }

    [Fact]
    public async Task A_low_rate_limit_answers_resource_exhausted_to_the_caller_past_its_burst_while_another_caller_is_served()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Limits:CallsPerSecond=1", "--Supply:Limits:Burst=5");
        var a = new Catalog.CatalogClient(server.ChannelAs(SupplyTokens.Mint("caller-a", [Roles.NationalCoordinator])));
        var b = new Catalog.CatalogClient(server.ChannelAs(SupplyTokens.Mint("caller-b", [Roles.NationalCoordinator])));

        // Until the first refusal: the bucket holds 5 and refills 1 a second, so a tight loop reaches the
        // end of it whatever the speed of the machine (200 calls would need 195 s to stay under it).
        var codes = new List<StatusCode>();
        RpcException? refusal = null;
        while (refusal is null && codes.Count < 200)
        {
            try
            {
                await a.ListItemsAsync(new ListItemsRequest());
                codes.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                codes.Add(e.StatusCode);
                if (e.StatusCode == StatusCode.ResourceExhausted) refusal = e;
                else throw;
            }
        }
        var other = await b.ListItemsAsync(new ListItemsRequest());

        Assert.NotNull(refusal);
        Assert.Contains("rate limit", refusal.Status.Detail);
        Assert.True(codes.Count(c => c == StatusCode.OK) >= 5, $"the burst of 5 was not served: {string.Join(", ", codes)}");
        Assert.NotNull(other);
        output.WriteLine($"caller-a: {codes.Count(c => c == StatusCode.OK)} served, then {refusal.StatusCode} ('{refusal.Status.Detail}'); caller-b served");
    }

    [Fact]
    public async Task Refused_calls_are_audited_with_bounded_ids_so_an_anonymous_caller_cannot_fill_the_append_only_log()
    {
        await using var server = await SupplyServer.StartAsync();
        var location = (await RegisterAsync(server, ("12", LocationKind.Hospital)))[0];
        var start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1));
        var hugeReportId = Big(1 << 20, 'r');
        var anonymous = new StockReporting.StockReportingClient(server.ChannelAs(null));
        var outsider = new StockReporting.StockReportingClient(server.ChannelAs(SupplyTokens.Mint("reporter-14", [Roles.RegionReporter], ["14"])));

        var e1 = await Assert.ThrowsAsync<RpcException>(() =>
            anonymous.SubmitReportAsync(Snapshot(location, hugeReportId, Now.AddMinutes(-5), Line(Ffp2, 1))).ResponseAsync);
        var e2 = await Assert.ThrowsAsync<RpcException>(() =>
            anonymous.SubmitReportAsync(Snapshot(Big(1 << 20, 'l'), "r1", Now.AddMinutes(-5), Line(Ffp2, 1))).ResponseAsync);
        var e3 = await Assert.ThrowsAsync<RpcException>(() =>
            outsider.SubmitReportAsync(Snapshot(location, hugeReportId, Now.AddMinutes(-5), Line(Ffp2, 1))).ResponseAsync);
        using (var stream = outsider.StreamReports()) // refused as it is read, so the refusal names the report
        {
            await stream.RequestStream.WriteAsync(Snapshot(location, hugeReportId, Now.AddMinutes(-5), Line(Ffp2, 1)));
            var e4 = await Assert.ThrowsAsync<RpcException>(async () => { while (await stream.ResponseStream.MoveNext(CancellationToken.None)) { } });
            Assert.Equal(StatusCode.PermissionDenied, e4.StatusCode);
        }

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated, StatusCode.PermissionDenied), (e1.StatusCode, e2.StatusCode, e3.StatusCode));
        // A reader that can take what an unbounded log would hold (over the 4 MB a client accepts by default).
        using var reader = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            UnsafeUseInsecureChannelCallCredentials = true,
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + SupplyServer.SuperuserToken);
                return Task.CompletedTask;
            })),
        });
        var entries = (await new Audit.AuditClient(reader).ListAuditEntriesAsync(new ListAuditEntriesRequest { From = start, Limit = 10_000 })).Entries;
        var refusals = entries.Where(e => e.Outcome is "unauthenticated" or "permission-denied").ToList();
        Assert.Equal(3, refusals.Count(e => e.LocationId == location)); // anonymous, outsider, outsider's stream
        Assert.Single(refusals, e => e.LocationId.StartsWith("llll", StringComparison.Ordinal));
        Assert.All(refusals.Select(e => (ReportIdLength: e.ReportId.Length, LocationIdLength: e.LocationId.Length)), kept =>
            Assert.True(kept.ReportIdLength <= 200 && kept.LocationIdLength <= 200,
                $"a refusal's audit entry keeps {kept.ReportIdLength:N0} characters of report id and {kept.LocationIdLength:N0} of location id"));
        Assert.All(refusals.Where(e => e.LocationId == location), e => Assert.StartsWith("rrrrrrrr", e.ReportId)); // still recognisable
    }

    // ---------------------------------------------------------------- the plan

    private List<Case> Plan(Random rng, DateTimeOffset now, List<(StockReport Report, bool Primary)> valid, Run run)
    {
        var cases = new List<Case>();
        var streams = Enumerable.Range(0, 30).Select(_ => new List<(StockReport Report, bool Valid)>()).ToList();
        foreach (var (report, _) in valid)
        {
            if (rng.Next(10) < 6) cases.Add(ValidUnary(report, run));
            else streams[rng.Next(streams.Count)].Add((report, true));
            if (rng.Next(10) == 0) cases.Add(ValidUnary(report, run)); // a resend
        }
        foreach (var stream in streams)
        {
            for (var i = rng.Next(4, 16); i > 0; i--)
            {
                var (name, make) = SmallBreakers[rng.Next(SmallBreakers.Length)];
                var report = make(new Gen(rng, Compared[rng.Next(Compared.Length)].Id, $"bad-stream-{rng.Next():x}", now));
                stream.Add((report, false));
            }
            Shuffle(rng, stream);
            cases.Add(MixedStream(stream, run));
        }
        cases.Add(OversizeStream(rng, now, run));
        cases.Add(OversizeStream(rng, now, run));
        for (var i = 0; i < 3; i++) cases.Add(UnauthenticatedStream(rng, now, run));
        for (var i = 0; i < 3; i++) cases.Add(CancelledStream(rng, now, run));
        // The big and the oversized, a few times each: they cost memory and time, not coverage.
        for (var i = 0; i < 2; i++)
        {
            cases.Add(Huge("report_id near the message limit", MaxMessageBytes - 4096, StatusCode.InvalidArgument, rng, now, run));
            cases.Add(Huge("report_id above the message limit", MaxMessageBytes + 1024, StatusCode.ResourceExhausted, rng, now, run));
        }
        cases.Add(Borderline("20,000 movement lines (the most allowed)", new Gen(rng, "zz-sink-big", "big-1", now).Big(20_000), run));
        cases.Add(Invalid("20,001 snapshot lines", new Gen(rng, Compared[0].Id, "bad-big", now).Big(20_001, snapshot: true), run));

        while (cases.Count < CallCount)
        {
            var roll = rng.Next(100);
            var loc = Compared[rng.Next(Compared.Length)].Id;
            var id = $"bad-{cases.Count}-{rng.Next():x}";
            if (roll < 30)
            {
                var (name, make) = Breakers[rng.Next(Breakers.Length)];
                cases.Add(Invalid(name, make(new Gen(rng, loc, id, now)), run));
            }
            else if (roll < 40)
            {
                var (name, make) = BorderlineMakers[rng.Next(BorderlineMakers.Length)];
                cases.Add(Borderline(name, make(new Gen(rng, Sinks[rng.Next(2)], $"edge-{cases.Count}", now)), run));
            }
            else if (roll < 55) cases.Add(RawRandom(rng, run));
            else if (roll < 67) cases.Add(RawMutated(rng, now, run));
            else if (roll < 70) cases.Add(RawStream(rng, now, run));
            else if (roll < 80) cases.Add(Auth(rng, now, run));
            else if (roll < 85)
            {
                var (original, _) = valid[rng.Next(valid.Count)];
                cases.Add(ResendWithBadContent(original, rng, now, run));
            }
            else cases.Add(Query(rng, run));
        }
        Shuffle(rng, cases);
        return cases;
    }

    // ---------------------------------------------------------------- valid reports

    private static List<(StockReport Report, bool Primary)> ValidReports(Random rng, DateTimeOffset now)
    {
        var reports = new List<(StockReport, bool)>();
        for (var l = 0; l < Compared.Length; l++)
        {
            for (var k = 0; k < 30; k++)
            {
                // Hour-aligned times, so snapshots of the same hour tie and the report id decides.
                var asOf = now.AddMinutes(-1).AddHours(-rng.Next(0, 48));
                var id = (k % 9) switch
                {
                    4 => $"rapport-{l}-{k}-åäö-😀",          // printable unicode is a valid report id
                    7 => $"v-{l}-{k}-" + new string('x', 100), // long but within 128
                    _ => $"v-{l}-{k}",
                };
                var g = new Gen(rng, Compared[l].Id, id, asOf);
                reports.Add((rng.Next(3) switch { 0 => g.Snap(physicalCount: rng.Next(4) == 0), _ => g.Moves() }, true));
            }
        }
        return reports;
    }

    /// <summary>Builds reports for one location, id and time; valid unless a breaker changes them.</summary>
    private sealed class Gen(Random rng, string location, string reportId, DateTimeOffset asOf)
    {
        public Random Rng { get; } = rng;
        public DateTimeOffset AsOf { get; } = asOf;

        public StockReport Snap(bool physicalCount = false)
        {
            var report = new StockReport { ReportId = reportId, LocationId = location, AsOf = Timestamp.FromDateTimeOffset(AsOf), Snapshot = new Snapshot { PhysicalCount = physicalCount } };
            foreach (var item in ItemIds.OrderBy(_ => Rng.Next()).Take(Rng.Next(1, ItemIds.Length + 1)))
            {
                var onHand = Rng.NextInt64(0, 1_000_000);
                var line = new SnapshotLine
                {
                    ItemId = item, OnHand = onHand, Reserved = Rng.NextInt64(0, onHand / 3 + 1), Quarantined = Rng.NextInt64(0, onHand / 3 + 1),
                    AverageDailyConsumption = Rng.Next(4) == 0 ? 0 : Math.Round(Rng.NextDouble() * 500, 2),
                };
                var left = onHand;
                for (var j = Rng.Next(0, 4); j > 0; j--)
                {
                    var quantity = Rng.NextInt64(0, left / 2 + 1);
                    left -= quantity;
                    line.Lots.Add(new Lot { LotNumber = $"L{j}-{Rng.Next(1000)}", ExpiresOn = Date(), Quantity = quantity });
                }
                report.Snapshot.Lines.Add(line);
            }
            return report;
        }

        public StockReport Moves()
        {
            var report = new StockReport { ReportId = reportId, LocationId = location, AsOf = Timestamp.FromDateTimeOffset(AsOf), Movements = new Movements() };
            for (var j = Rng.Next(1, 7); j > 0; j--)
            {
                var type = (MovementType)Rng.Next(1, 7);
                var m = new Movement { ItemId = ItemIds[Rng.Next(ItemIds.Length)], Type = type };
                switch (type)
                {
                    case MovementType.Adjusted:
                        m.Quantity = Rng.Next(2) == 0 ? Rng.Next(1, 500) : -Rng.Next(1, 500);
                        m.ReasonCode = Rng.Next(2) == 0 ? "count-error" : "damaged";
                        break;
                    case MovementType.Received or MovementType.TransferredIn:
                        m.Quantity = Rng.Next(1, 10_000);
                        if (Rng.Next(2) == 0) (m.LotNumber, m.ExpiresOn) = ($"L{Rng.Next(1000)}", Date());
                        if (type == MovementType.TransferredIn) m.CounterpartyLocationId = Compared[Rng.Next(Compared.Length)].Id;
                        break;
                    default:
                        m.Quantity = Rng.Next(1, 5_000);
                        if (Rng.Next(3) == 0) m.LotNumber = $"L{Rng.Next(1000)}";
                        if (type == MovementType.TransferredOut) m.CounterpartyLocationId = "se-09-elsewhere";
                        break;
                }
                report.Movements.Lines.Add(m);
                if (Rng.Next(6) == 0) report.Movements.Lines.Add(m.Clone()); // the same line twice is two movements: valid
            }
            return report;
        }

        public StockReport Big(int lines, bool snapshot = false)
        {
            var report = snapshot ? Snap() : Moves();
            if (snapshot)
            {
                var line = report.Snapshot.Lines[0];
                while (report.Snapshot.Lines.Count < lines) report.Snapshot.Lines.Add(line.Clone());
            }
            else
            {
                report.Movements.Lines.Clear();
                for (var i = 0; i < lines; i++) report.Movements.Lines.Add(new Movement { ItemId = Ffp2, Type = MovementType.Received, Quantity = 1 });
            }
            return report;
        }

        /// <summary>A valid snapshot whose first line the caller breaks.</summary>
        public StockReport SnapWith(Action<SnapshotLine> change)
        {
            var report = Snap();
            change(report.Snapshot.Lines[0]);
            return report;
        }

        /// <summary>A valid movements report whose first line the caller breaks.</summary>
        public StockReport MovesWith(Action<Movement> change)
        {
            var report = Moves();
            change(report.Movements.Lines[0]);
            return report;
        }

        public StockReport With(Action<StockReport> change)
        {
            var report = Rng.Next(2) == 0 ? Snap() : Moves();
            change(report);
            return report;
        }

        private string Date() => new DateOnly(2026, 1, 1).AddDays(Rng.Next(0, 900)).ToString("yyyy-MM-dd");
    }

    // ---------------------------------------------------------------- invalid by construction

    private static string Big(int n, char c = 'x') => new(c, n);
    private const string Emoji = "😀";

    /// <summary>Each makes a report that must be refused (INVALID_ARGUMENT) and so change nothing.</summary>
    private static readonly (string Name, Func<Gen, StockReport> Make)[] SmallBreakers =
    [
        ("on_hand long.MaxValue", g => g.SnapWith(l => l.OnHand = long.MaxValue)),
        ("on_hand long.MinValue", g => g.SnapWith(l => l.OnHand = long.MinValue)),
        ("on_hand -1", g => g.SnapWith(l => l.OnHand = -1)),
        ("on_hand above the maximum", g => g.SnapWith(l => l.OnHand = MaxQuantity + 1)),
        ("reserved long.MaxValue", g => g.SnapWith(l => l.Reserved = long.MaxValue)),
        ("quarantined long.MinValue", g => g.SnapWith(l => l.Quarantined = long.MinValue)),
        ("reserved + quarantined above on_hand", g => g.SnapWith(l => (l.OnHand, l.Reserved, l.Quarantined) = (10, 6, 5))),
        ("reserved + quarantined at the maximum each", g => g.SnapWith(l => (l.OnHand, l.Reserved, l.Quarantined) = (MaxQuantity, MaxQuantity, MaxQuantity))),
        ("lot quantity long.MaxValue", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "2027-01-01", Quantity = long.MaxValue }))),
        ("lot quantity negative", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "2027-01-01", Quantity = -1 }))),
        ("lots add up above on_hand", g => g.SnapWith(l => { l.Lots.Clear(); l.OnHand = 5; l.Reserved = l.Quarantined = 0; l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "2027-01-01", Quantity = 6 }); })),
        ("many lots at the maximum", g => g.SnapWith(l => { l.Lots.Clear(); l.OnHand = MaxQuantity; for (var i = 0; i < 150; i++) l.Lots.Add(new Lot { LotNumber = $"M{i}", ExpiresOn = "2027-01-01", Quantity = MaxQuantity }); })),
        ("201 lots", g => g.SnapWith(l => { l.Lots.Clear(); l.OnHand = 1000; for (var i = 0; i < 201; i++) l.Lots.Add(new Lot { LotNumber = $"M{i}", ExpiresOn = "2027-01-01", Quantity = 1 }); })),
        ("duplicate lot numbers", g => g.SnapWith(l => { l.Lots.Clear(); l.OnHand = 10; l.Lots.Add(new Lot { LotNumber = "D", ExpiresOn = "2027-01-01", Quantity = 1 }); l.Lots.Add(new Lot { LotNumber = "D", ExpiresOn = "2027-02-01", Quantity = 1 }); })),
        ("lot expires 2025-02-30", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "2025-02-30", Quantity = 0 }))),
        ("lot expires 9999-99-99", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "9999-99-99", Quantity = 0 }))),
        ("lot without expiry", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", Quantity = 0 }))),
        ("lot number with a space", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "L 1", ExpiresOn = "2027-01-01", Quantity = 0 }))),
        ("lot number with a no-break space", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "L\u00a01", ExpiresOn = "2027-01-01", Quantity = 0 }))),
        ("lot number with a control character", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "L\u00071", ExpiresOn = "2027-01-01", Quantity = 0 }))),
        ("empty lot number", g => g.SnapWith(l => l.Lots.Add(new Lot { ExpiresOn = "2027-01-01", Quantity = 0 }))),
        ("consumption NaN", g => g.SnapWith(l => l.AverageDailyConsumption = double.NaN)),
        ("consumption +Infinity", g => g.SnapWith(l => l.AverageDailyConsumption = double.PositiveInfinity)),
        ("consumption -Infinity", g => g.SnapWith(l => l.AverageDailyConsumption = double.NegativeInfinity)),
        ("consumption -1", g => g.SnapWith(l => l.AverageDailyConsumption = -1)),
        ("consumption 1e300", g => g.SnapWith(l => l.AverageDailyConsumption = 1e300)),
        ("consumption double.MaxValue", g => g.SnapWith(l => l.AverageDailyConsumption = double.MaxValue)),
        ("item twice in one snapshot", g => g.With(r => { r.Snapshot = g.Snap().Snapshot; r.Snapshot.Lines.Add(r.Snapshot.Lines[0].Clone()); })),
        ("snapshot without lines", g => g.With(r => r.Snapshot = new Snapshot())),
        ("movements without lines", g => g.With(r => r.Movements = new Movements())),
        ("no body", g => g.With(r => r.ClearBody())),
        ("empty item id", g => g.SnapWith(l => l.ItemId = "")),
        ("unknown item", g => g.SnapWith(l => l.ItemId = "npl:99999999999")),
        ("upper-case scheme", g => g.SnapWith(l => l.ItemId = "NPL:20090901100113")),
        ("item id with arabic-indic digits", g => g.SnapWith(l => l.ItemId = "npl:٢٠٠٩٠٩٠١١٠٠١١٣")),
        ("gtin with a wrong check digit", g => g.SnapWith(l => l.ItemId = Cannula[..^1] + (char)('0' + (Cannula[^1] - '0' + 1) % 10))),
        ("item id with no scheme, emoji at the clip boundary", g => g.SnapWith(l => l.ItemId = Big(39, 'a') + Emoji + "b")),
        ("item id with a long scheme, emoji at the clip boundary", g => g.SnapWith(l => l.ItemId = Big(39, 'a') + Emoji + ":1")),
        ("movement type 99", g => g.MovesWith(m => m.Type = (MovementType)99)),
        ("movement type -1", g => g.MovesWith(m => m.Type = (MovementType)(-1))),
        ("movement type int.MaxValue", g => g.MovesWith(m => m.Type = (MovementType)int.MaxValue)),
        ("movement type unspecified", g => g.MovesWith(m => m.Type = MovementType.Unspecified)),
        ("received long.MinValue", g => g.MovesWith(m => (m.Type, m.Quantity, m.LotNumber, m.ExpiresOn) = (MovementType.Received, long.MinValue, "", ""))),
        ("received long.MaxValue", g => g.MovesWith(m => (m.Type, m.Quantity, m.LotNumber, m.ExpiresOn) = (MovementType.Received, long.MaxValue, "", ""))),
        ("consumed 0", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Consumed, 0, ""))),
        ("discarded -5", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Discarded, -5, ""))),
        ("adjusted long.MinValue", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, long.MinValue, "count-error"))),
        ("adjusted long.MaxValue", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, long.MaxValue, "count-error"))),
        ("adjusted 0", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, 0, "count-error"))),
        ("adjusted without a reason", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, 5, ""))),
        ("reason code with a space", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, 5, "count error"))),
        ("reason code with a tab on a receipt", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Received, 5, "a\tb"))),
        ("received lot without expiry", g => g.MovesWith(m => (m.Type, m.Quantity, m.LotNumber, m.ExpiresOn) = (MovementType.Received, 5, "LX", ""))),
        ("expiry without a lot", g => g.MovesWith(m => (m.LotNumber, m.ExpiresOn) = ("", "2027-01-01"))),
        ("counterparty 'bad id!'", g => g.MovesWith(m => m.CounterpartyLocationId = "bad id!")),
        ("counterparty with a NUL", g => g.MovesWith(m => m.CounterpartyLocationId = "se-01\0x")),
        ("as_of missing", g => g.With(r => r.AsOf = null)),
        ("as_of an hour in the future", g => g.With(r => r.AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)))),
        ("as_of 1999-12-31", g => g.With(r => r.AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero)))),
        ("as_of the epoch", g => g.With(r => r.AsOf = new Timestamp())),
        ("as_of seconds long.MaxValue", g => g.With(r => r.AsOf = new Timestamp { Seconds = long.MaxValue })),
        ("as_of seconds long.MinValue", g => g.With(r => r.AsOf = new Timestamp { Seconds = long.MinValue })),
        ("as_of seconds one past year 9999", g => g.With(r => r.AsOf = new Timestamp { Seconds = 253402300800 })),
        ("as_of seconds before year 1", g => g.With(r => r.AsOf = new Timestamp { Seconds = -62135596801, Nanos = -1 })),
        ("as_of year 9999 with the most nanos", g => g.With(r => r.AsOf = new Timestamp { Seconds = 253402300799, Nanos = 999_999_999 })),
        ("as_of seconds long.MaxValue, nanos int.MinValue", g => g.With(r => r.AsOf = new Timestamp { Seconds = long.MaxValue, Nanos = int.MinValue })),
        ("empty report id", g => g.With(r => r.ReportId = "")),
        ("white-space report id", g => g.With(r => r.ReportId = " \t ")),
        ("129-character report id", g => g.With(r => r.ReportId = Big(129, 'r'))),
        ("report id with NUL", g => g.With(r => r.ReportId += "\0")),
        ("report id with BEL", g => g.With(r => r.ReportId += "\u0007")),
        ("report id with an ANSI escape", g => g.With(r => r.ReportId += "\u001b[2J")),
        ("report id with DEL", g => g.With(r => r.ReportId += "\u007f")),
        ("report id with C1 NEL", g => g.With(r => r.ReportId += "\u0085")),
        ("report id with CR LF", g => g.With(r => r.ReportId += "\r\nX-Injected: 1")),
        ("empty location id", g => g.With(r => r.LocationId = "")),
        ("location id with an accent", g => g.With(r => r.LocationId = "sé-12-fuzz")),
        ("location id starting with '-'", g => g.With(r => r.LocationId = "-se-12")),
        ("location id with a space", g => g.With(r => r.LocationId = "se 12")),
        ("location id of 101 characters", g => g.With(r => r.LocationId = Big(101, 'a'))),
        ("location id with an emoji at the clip boundary", g => g.With(r => r.LocationId = Big(39, 'a') + Emoji + "b")),
        ("location id with full-width digits", g => g.With(r => r.LocationId = "se-１２-fuzz")),
        ("well-formed unknown location", g => g.With(r => r.LocationId = "se-99-nowhere-at-all")),
        ("physical count with a negative line", g => g.With(r => { r.Snapshot = g.Snap(physicalCount: true).Snapshot; r.Snapshot.Lines[0].OnHand = -3; })),
    ];

    /// <summary>The small ones plus 1 MB strings in every field.</summary>
    private static readonly (string Name, Func<Gen, StockReport> Make)[] Breakers =
    [
        .. SmallBreakers,
        ("1 MB report id", g => g.With(r => r.ReportId = Big(1 << 20, 'r'))),
        ("1 MB location id", g => g.With(r => r.LocationId = Big(1 << 20, 'l'))),
        ("1 MB item id", g => g.SnapWith(l => l.ItemId = "npl:" + Big(1 << 20, '1'))),
        ("1 MB lot number", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = Big(1 << 20, 'L'), ExpiresOn = "2027-01-01", Quantity = 0 }))),
        ("1 MB expiry", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = Big(1 << 20, '9'), Quantity = 0 }))),
        ("1 MB reason code", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, 5, Big(1 << 20, 'c')))),
        ("1 MB counterparty", g => g.MovesWith(m => m.CounterpartyLocationId = Big(1 << 20, 'c'))),
        ("1 MB of unicode in the report id", g => g.With(r => r.ReportId = string.Concat(Enumerable.Repeat("åäö😀\u202e", 1 << 17)))),
    ];

    /// <summary>Borderline input (sent to a sink location): accepted or refused, either is a proper answer.</summary>
    private static readonly (string Name, Func<Gen, StockReport> Make)[] BorderlineMakers =
    [
        ("as_of nanos -1", g => g.With(r => r.AsOf = new Timestamp { Seconds = g.AsOf.ToUnixTimeSeconds(), Nanos = -1 })),
        ("as_of nanos -999,999,999", g => g.With(r => r.AsOf = new Timestamp { Seconds = g.AsOf.ToUnixTimeSeconds(), Nanos = -999_999_999 })),
        ("as_of nanos int.MinValue", g => g.With(r => r.AsOf = new Timestamp { Seconds = g.AsOf.ToUnixTimeSeconds(), Nanos = int.MinValue })),
        ("as_of nanos 1,000,000,000", g => g.With(r => r.AsOf = new Timestamp { Seconds = g.AsOf.ToUnixTimeSeconds(), Nanos = 1_000_000_000 })),
        ("as_of nanos int.MaxValue", g => g.With(r => r.AsOf = new Timestamp { Seconds = g.AsOf.ToUnixTimeSeconds(), Nanos = int.MaxValue })),
        ("as_of 4 minutes ahead (within the skew)", g => g.With(r => r.AsOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(4)))),
        ("as_of 2000-01-01 exactly", g => g.With(r => r.AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)))),
        ("consumption -0.0", g => g.SnapWith(l => l.AverageDailyConsumption = -0.0)),
        ("consumption double.Epsilon", g => g.SnapWith(l => l.AverageDailyConsumption = double.Epsilon)),
        ("consumption at the maximum", g => g.SnapWith(l => l.AverageDailyConsumption = MaxQuantity)),
        ("on_hand at the maximum", g => g.SnapWith(l => l.OnHand = MaxQuantity)),
        ("adjusted -maximum", g => g.MovesWith(m => (m.Type, m.Quantity, m.ReasonCode) = (MovementType.Adjusted, -MaxQuantity, "count-error"))),
        ("128-character report id", g => g.With(r => r.ReportId = Big(124, 'r') + g.Rng.Next(1000, 9999))),
        ("report id with a right-to-left override", g => g.With(r => r.ReportId += "\u202egnp.exe")),
        ("report id with zero-width characters", g => g.With(r => r.ReportId += "\u200b\u200d\ufeff")),
        ("report id with an emoji at the clip boundary", g => g.With(r => r.ReportId = Big(39, 'r') + Emoji + g.Rng.Next())),
        ("lot expires 0001-01-01", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "0001-01-01", Quantity = 0 }))),
        ("lot expires 9999-12-31", g => g.SnapWith(l => l.Lots.Add(new Lot { LotNumber = "LX", ExpiresOn = "9999-12-31", Quantity = 0 }))),
        ("consumed more than on hand", g => g.MovesWith(m => (m.Type, m.Quantity, m.LotNumber, m.ReasonCode) = (MovementType.Consumed, MaxQuantity, "", ""))),
    ];

    // ---------------------------------------------------------------- cases

    private static async Task<Outcome> Submit(StockReporting.StockReportingClient client, StockReport report, CallOptions options)
    {
        try { return new Outcome(StatusCode.OK, "", Ack: await client.SubmitReportAsync(report, options)); }
        catch (RpcException e) { return new Outcome(e.StatusCode, e.Status.Detail); }
    }

    private static Outcome Expect(Outcome o, params StatusCode[] allowed) =>
        o.Failure is null && o.Code is { } code && !allowed.Contains(code)
            ? o with { Failure = $"{code} ({Clip(o.Message)}), expected {string.Join(" or ", allowed)}" }
            : o;

    private static Case ValidUnary(StockReport report, Run run) => new("valid", Describe(report), async () =>
    {
        var o = Expect(await Submit(run.Reporting, report, run.Options), StatusCode.OK);
        if (o.Ack is { } ack)
        {
            if (ack.Outcome == ReportOutcome.Rejected) o = o with { Failure = "a valid report was rejected" };
            else run.AcknowledgedValid[report.LocationId + "/" + report.ReportId] = 0;
        }
        return o;
    });

    private static Case Invalid(string name, StockReport report, Run run) => new("invalid:" + name, Describe(report), async () =>
        Expect(await Submit(run.Reporting, report, run.Options), StatusCode.InvalidArgument));

    private static Case Huge(string name, int size, StatusCode expected, Random rng, DateTimeOffset now, Run run)
    {
        var seed = rng.Next();
        return new Case("huge:" + name, $"report_id of {size:N0} chars", async () =>
        {
            var report = new Gen(new Random(seed), Compared[0].Id, "", now).Snap();
            report.ReportId = Big(size, 'h');
            using var own = run.Server.ChannelAs(SupplyServer.SuperuserToken); // an aborted upload takes no other call with it
            return Expect(await Submit(new StockReporting.StockReportingClient(own), report, run.Options), expected, StatusCode.Cancelled);
        });
    }

    private static Case Borderline(string name, StockReport report, Run run) => new("borderline:" + name, Describe(report), async () =>
    {
        var o = Expect(await Submit(run.Reporting, report, run.Options), StatusCode.OK, StatusCode.InvalidArgument);
        if (o.Code == StatusCode.OK) run.AcceptedBorderline.Add(name);
        else run.RefusedBorderline.Add(name);
        return o;
    });

    private static Case ResendWithBadContent(StockReport original, Random rng, DateTimeOffset now, Run run)
    {
        // Same report id and location, content that could never be accepted: refused, or (once the
        // original is in) answered with the original's acknowledgement. Never applied.
        var bad = original.Clone();
        bad.Snapshot = new Gen(rng, original.LocationId, original.ReportId, now).SnapWith(l => l.OnHand = -1).Snapshot;
        return new Case("resend with bad content", Describe(bad), async () =>
        {
            var o = Expect(await Submit(run.Reporting, bad, run.Options), StatusCode.OK, StatusCode.InvalidArgument);
            return o.Ack is { Duplicate: false } ? o with { Failure = "bad content under a known report id was not treated as a resend" } : o;
        });
    }

    private static Case MixedStream(List<(StockReport Report, bool Valid)> items, Run run) =>
        new("stream: valid and invalid mixed", $"{items.Count} reports, {items.Count(i => i.Valid)} valid", async () =>
        {
            var (o, acks) = await Stream(run.Reporting, items.Select(i => i.Report), run.Options);
            o = Expect(o, StatusCode.OK);
            if (o.Code != StatusCode.OK) return o;
            if (acks.Count != items.Count) return o with { Failure = $"{acks.Count} acks for {items.Count} reports" };
            for (var i = 0; i < items.Count; i++)
            {
                var (report, valid) = items[i];
                run.StreamAcks.AddOrUpdate(acks[i].Outcome.ToString(), 1, (_, n) => n + 1);
                if (acks[i].ReportId != report.ReportId) return o with { Failure = $"ack {i} is for '{Clip(acks[i].ReportId)}', not '{Clip(report.ReportId)}'" };
                if (valid && acks[i].Outcome == ReportOutcome.Rejected) return o with { Failure = $"valid report {Describe(report)} rejected on the stream" };
                if (!valid && acks[i].Outcome != ReportOutcome.Rejected) return o with { Failure = $"invalid report {Describe(report)} accepted on the stream" };
                if (valid) run.AcknowledgedValid[report.LocationId + "/" + report.ReportId] = 0;
            }
            return o;
        });

    private static Case OversizeStream(Random rng, DateTimeOffset now, Run run)
    {
        var seed = rng.Next();
        return new Case("stream: oversized message mid-stream", "3 invalid reports, then one above the limit, then 3 more", async () =>
        {
            var r = new Random(seed);
            var reports = Enumerable.Range(0, 7).Select(i => SmallBreakers[r.Next(SmallBreakers.Length)].Make(new Gen(r, Compared[0].Id, $"bad-os-{seed}-{i}", now))).ToList();
            reports[3].ReportId = Big(MaxMessageBytes + 10, 'o');
            using var own = run.Server.ChannelAs(SupplyServer.SuperuserToken);
            var (o, _) = await Stream(new StockReporting.StockReportingClient(own), reports, run.Options);
            return Expect(o, StatusCode.ResourceExhausted, StatusCode.Cancelled);
        });
    }

    private static Case UnauthenticatedStream(Random rng, DateTimeOffset now, Run run)
    {
        var report = new Gen(rng, Compared[1].Id, $"anon-stream-{rng.Next():x}", now).Snap();
        return new Case("stream: no token", Describe(report), async () =>
        {
            var (o, _) = await Stream(new StockReporting.StockReportingClient(run.Channels["none"]), [report], run.Options);
            return Expect(o, StatusCode.Unauthenticated);
        });
    }

    private static Case CancelledStream(Random rng, DateTimeOffset now, Run run)
    {
        var report = SmallBreakers[rng.Next(SmallBreakers.Length)].Make(new Gen(rng, Compared[2].Id, $"bad-cancel-{rng.Next():x}", now));
        return new Case("stream: cancelled by the client", Describe(report), async () =>
        {
            using var cancel = new CancellationTokenSource();
            using var call = run.Reporting.StreamReports(run.Options.WithCancellationToken(cancel.Token));
            await call.RequestStream.WriteAsync(report);
            await cancel.CancelAsync();
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                return Expect(new Outcome(StatusCode.OK, ""), StatusCode.Cancelled, StatusCode.OK);
            }
            catch (RpcException e) { return Expect(new Outcome(e.StatusCode, e.Status.Detail), StatusCode.Cancelled); }
        });
    }

    private static async Task<(Outcome, List<ReportAck>)> Stream(StockReporting.StockReportingClient client, IEnumerable<StockReport> reports, CallOptions options)
    {
        using var call = client.StreamReports(options);
        var acks = new List<ReportAck>();
        var reading = Task.Run(async () =>
        {
            await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);
        });
        Exception? writeFailed = null;
        try
        {
            foreach (var report in reports)
            {
                // Once the server has ended the call (an oversized message is refused before it is read) a write can wait
                // for an HTTP/2 window that never comes back: seen once in CI, 120 s past the call's deadline. A client
                // stops sending when the answer is in, as regional systems must; disposing the call then ends the write.
                var write = call.RequestStream.WriteAsync(report);
                if (await Task.WhenAny(write, reading) == reading && !write.IsCompleted)
                {
                    _ = write.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed: the call's disposal fails it
                    throw new InvalidOperationException("the server ended the call while a write waited for the stream's window");
                }
                await write;
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            writeFailed = e; // the server ended the call (or reset the stream) early: its status comes from the reader
        }
        try
        {
            await reading;
            return writeFailed is null
                ? (new Outcome(StatusCode.OK, ""), acks)
                : (new Outcome(StatusCode.OK, "", $"the call ended OK but writing failed: {writeFailed.GetType().Name}: {writeFailed.Message}"), acks);
        }
        catch (RpcException e) { return (new Outcome(e.StatusCode, e.Status.Detail), acks); }
    }

    // ---------------------------------------------------------------- tokens

    private static Dictionary<string, string?> AuthTokens(DateTimeOffset now)
    {
        var all = DomainRegions.All.Select(r => r.Code).ToArray();
        string Unsigned()
        {
            static string B64(string json) => Base64UrlEncoder.Encode(json);
            var exp = now.AddHours(1).ToUnixTimeSeconds();
            return B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
                B64($"{{\"sub\":\"unsigned\",\"role\":[\"region-reporter\",\"admin\"],\"region\":[\"01\",\"12\",\"14\",\"25\"],\"iss\":\"{SupplyTokens.DevelopmentIssuer}\",\"aud\":\"supply\",\"exp\":{exp}}}") + ".";
        }
        string Expired()
        {
            var claims = new ClaimsIdentity([new Claim("sub", "expired"), new Claim("role", "region-reporter"), .. all.Select(r => new Claim("region", r))]);
            return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Subject = claims, Issuer = SupplyTokens.DevelopmentIssuer, Audience = SupplyTokens.Audience,
                IssuedAt = now.UtcDateTime.AddHours(-3), NotBefore = now.UtcDateTime.AddHours(-3), Expires = now.UtcDateTime.AddHours(-1),
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(SupplyTokens.DevelopmentKey)), SecurityAlgorithms.HmacSha256),
            });
        }
        return new Dictionary<string, string?>
        {
            ["none"] = null,
            ["garbage"] = "garbage",
            ["three dots"] = "a.b.c",
            ["8 KB of garbage"] = Big(8 * 1024, 'A'),
            ["forged (other key)"] = SupplyTokens.Mint("forged", Roles.All, all, key: Convert.ToBase64String(new byte[32])),
            ["wrong issuer"] = SupplyTokens.Mint("wrong-issuer", Roles.All, all, issuer: "someone-else"),
            ["wrong audience"] = SupplyTokens.Mint("wrong-audience", Roles.All, all, audience: "not-supply"),
            ["expired"] = Expired(),
            ["unsigned (alg none)"] = Unsigned(),
            ["reporter of region 14"] = SupplyTokens.Mint("fuzz-reporter-14", [Roles.RegionReporter], ["14"]),
            ["coordinator (no write role)"] = SupplyTokens.Mint("fuzz-coordinator", [Roles.NationalCoordinator]),
            ["regional reader"] = SupplyTokens.Mint("fuzz-reader", [Roles.RegionalReader], all),
            ["upper-case role"] = SupplyTokens.Mint("fuzz-upper", ["REGION-REPORTER"], all),
        };
    }

    private static readonly string[] Refused = ["reporter of region 14", "coordinator (no write role)", "regional reader", "upper-case role"];

    private static Case Auth(Random rng, DateTimeOffset now, Run run)
    {
        var token = run.Channels.Keys.OrderBy(k => k, StringComparer.Ordinal).ElementAt(rng.Next(run.Channels.Count));
        // Never region 14 itself: the region-14 reporter may write there.
        var target = Compared.Where(c => c.Region != "14").ElementAt(rng.Next(3)).Id;
        var report = new Gen(rng, target, $"auth-{rng.Next():x}", now).Snap(); // valid: only the caller is wrong
        var expected = Refused.Contains(token) ? StatusCode.PermissionDenied : StatusCode.Unauthenticated;
        return new Case($"auth: {token}", Describe(report), async () =>
            Expect(await Submit(new StockReporting.StockReportingClient(run.Channels[token]), report, run.Options), expected));
    }

    // ---------------------------------------------------------------- queries

    private static Case Query(Random rng, Run run)
    {
        string[] locations = [Compared[0].Id, Sinks[0], "se-99-unknown", "bad id", "", Big(1 << 20, 'q'), "a\0b", Big(39, 'a') + Emoji + "b", "-x", "sé"];
        string[] items = [Paracetamol, "npl:99999999", "junk", "", Big(100_000, 'i'), Big(39, 'a') + Emoji + ":1", "ppe:FFP2"];
        string[] regions = ["01", "12", "99", "", "1", Big(10_000, '9'), "０１"];
        var query = new StockQuery.StockQueryClient(run.Server.Channel);
        var audit = new Audit.AuditClient(run.Server.Channel);
        var pick = rng.Next(5);
        var location = locations[rng.Next(locations.Length)];
        var item = items[rng.Next(items.Length)];
        var regionList = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => regions[rng.Next(regions.Length)]).ToList();
        var kinds = Enumerable.Range(0, rng.Next(0, 3)).Select(_ => (LocationKind)rng.Next(-2, 9)).ToList();
        var limit = new[] { 0, 5, -1, int.MinValue, int.MaxValue, 10_001 }[rng.Next(6)];
        var from = RandomTimestamp(rng);
        var to = RandomTimestamp(rng);
        var withItem = rng.Next(2) == 0;
        var withLocation = rng.Next(2) == 0;
        var input = $"#{pick} location='{Clip(location)}' item='{Clip(item)}' regions=[{string.Join(",", regionList.Select(r => Clip(r)))}] kinds=[{string.Join(",", kinds)}] limit={limit} from={from} to={to}";
        return new Case("query", input, async () =>
        {
            try
            {
                switch (pick)
                {
                    case 0: await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location, ItemId = withItem ? item : "" }, run.Options); break;
                    case 1:
                        var itemRequest = new GetItemStockRequest { ItemId = item };
                        itemRequest.RegionCodes.AddRange(regionList);
                        itemRequest.Kinds.AddRange(kinds);
                        await query.GetItemStockAsync(itemRequest, run.Options);
                        break;
                    case 2: await query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = location, Limit = limit }, run.Options); break;
                    case 3: await query.ListReportingStatusAsync(new ListReportingStatusRequest { RegionCode = regionList.FirstOrDefault() ?? "", Kind = kinds.FirstOrDefault() }, run.Options); break;
                    default: await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { LocationId = withLocation ? location : "", From = from, To = to, Limit = limit }, run.Options); break;
                }
                return new Outcome(StatusCode.OK, "");
            }
            catch (RpcException e)
            {
                return Expect(new Outcome(e.StatusCode, e.Status.Detail), StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound);
            }
        });
    }

    private static Timestamp? RandomTimestamp(Random rng) => rng.Next(7) switch
    {
        0 => null,
        1 => new Timestamp { Seconds = long.MaxValue },
        2 => new Timestamp { Seconds = long.MinValue, Nanos = -1 },
        3 => new Timestamp { Seconds = rng.NextInt64(0, 2_000_000_000), Nanos = rng.Next(int.MinValue, int.MaxValue) },
        _ => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-rng.Next(0, 3))),
    };

    // ---------------------------------------------------------------- raw frames

    private static Case RawRandom(Random rng, Run run)
    {
        var payload = new byte[rng.Next(0, 3) == 0 ? rng.Next(0, 16) : rng.Next(0, 2048)];
        rng.NextBytes(payload);
        var kind = rng.Next(12);
        byte flag = 0;
        long declared = payload.Length;
        string? encoding = null;
        var path = SubmitPath;
        byte[]? body = null;
        var name = "random payload";
        switch (kind)
        {
            case 0: declared = payload.Length + rng.Next(1, 100); name = "length prefix above the payload"; break;
            case 1: declared = Math.Max(0, payload.Length - rng.Next(1, 100)); name = "length prefix below the payload"; break;
            case 2: declared = new long[] { uint.MaxValue, 0x8000_0000, int.MaxValue, MaxMessageBytes + 1L, MaxMessageBytes * 4L }[rng.Next(5)]; name = "oversized length prefix"; break;
            case 3: flag = 1; name = "compressed flag without grpc-encoding"; break;
            case 4: flag = 1; encoding = "gzip"; name = "gzip flag with a payload that is not gzip"; break;
            case 5: flag = (byte)rng.Next(2, 256); name = "unknown flag byte"; break;
            case 6: body = payload[..Math.Min(payload.Length, rng.Next(0, 5))]; name = "truncated frame header"; break;
            case 7: body = [.. Frame(0, payload.Length, payload), .. Frame(0, payload.Length, payload)]; name = "two messages in a unary call"; break;
            case 8: encoding = "identity"; flag = 1; name = "compressed flag with identity encoding"; break;
            case 9: path = "/supply.v1.StockReporting/NoSuchMethod"; name = "unknown method"; break;
            case 10: encoding = "br"; flag = 1; name = "unsupported grpc-encoding"; break;
        }
        body ??= Frame(flag, declared, payload);
        var auth = RawAuth(rng);
        // Only a well-formed frame of a payload that parses may reach Supply's code.
        var undecodable = kind is >= 0 and <= 8 || kind == 10 || !Parses(payload);
        StatusCode[] allowed = kind switch
        {
            9 or 10 => [StatusCode.Unimplemented], // unknown method; unsupported compression
            _ => [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.Unauthenticated],
        };
        var input = $"{name}: {body.Length} bytes, declared {declared}, flag {flag}, encoding {encoding ?? "-"}, auth {auth.Name}, head {Hex(body)}";
        return new Case("raw: " + name, input, () => PostRaw(run, path, body, auth.Header, encoding, undecodable, allowed));
    }

    private static Case RawMutated(Random rng, DateTimeOffset now, Run run)
    {
        var report = rng.Next(2) == 0
            ? new Gen(rng, Sinks[rng.Next(2)], $"mut-{rng.Next():x}", now.AddHours(-rng.Next(0, 48))).Snap()
            : new Gen(rng, Sinks[rng.Next(2)], $"mut-{rng.Next():x}", now.AddHours(-rng.Next(0, 48))).Moves();
        var bytes = report.ToByteArray().ToList();
        var how = new List<string>();
        for (var n = rng.Next(1, 5); n > 0 && bytes.Count > 0; n--)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); how.Add($"flip bit @{at}"); break;
                case 1: bytes[at] = (byte)rng.Next(256); how.Add($"set @{at}"); break;
                case 2: bytes.Insert(at, (byte)rng.Next(256)); how.Add($"insert @{at}"); break;
                case 3: bytes.RemoveAt(at); how.Add($"delete @{at}"); break;
                case 4: bytes = bytes[..at]; how.Add($"truncate @{at}"); break;
                default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(8, bytes.Count - at))); how.Add($"repeat 8 @{at}"); break;
            }
        }
        var payload = bytes.ToArray();
        var auth = rng.Next(10) == 0 ? RawAuth(rng) : ("superuser", "Bearer " + SupplyServer.SuperuserToken);
        var input = $"{string.Join(", ", how)} of {Describe(report)}; auth {auth.Item1}; payload {Convert.ToHexString(payload)}";
        return new Case("raw: mutated valid report", input, () => PostRaw(run, SubmitPath, Frame(0, payload.Length, payload), auth.Item2, null,
            !Parses(payload), [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.Unauthenticated]));
    }

    /// <summary>
    /// A StreamReports body of valid reports (to a sink) around one bad frame: a payload that does not
    /// decode, an oversized length prefix, or a truncated last frame. Here the message is decoded while
    /// the service reads the stream, inside Supply's interceptors, so Supply's error mapping decides the status.
    /// </summary>
    private static Case RawStream(Random rng, DateTimeOffset now, Run run)
    {
        var frames = new List<byte>();
        for (var i = rng.Next(1, 4); i > 0; i--)
        {
            var report = new Gen(rng, Sinks[rng.Next(2)], $"rs-{rng.Next():x}", now.AddHours(-rng.Next(0, 48))).Moves().ToByteArray();
            frames.AddRange(Frame(0, report.Length, report));
        }
        var kind = rng.Next(3);
        string name;
        StatusCode[] allowed;
        switch (kind)
        {
            case 0:
                byte[] garbage;
                do { garbage = new byte[rng.Next(1, 200)]; rng.NextBytes(garbage); } while (Parses(garbage));
                frames.AddRange(Frame(0, garbage.Length, garbage));
                name = "an undecodable message";
                allowed = [StatusCode.InvalidArgument];
                break;
            case 1:
                frames.AddRange(Frame(0, MaxMessageBytes + 1L, new byte[16]));
                name = "an oversized length prefix";
                allowed = [StatusCode.ResourceExhausted, StatusCode.Cancelled];
                break;
            default:
                var report = new Gen(rng, Sinks[0], $"rs-{rng.Next():x}", now).Snap().ToByteArray();
                frames.AddRange(Frame(0, report.Length, report)[..rng.Next(1, report.Length + 4)]);
                name = "a truncated last frame";
                allowed = [StatusCode.InvalidArgument];
                break;
        }
        var body = frames.ToArray();
        return new Case("raw stream: valid reports, then " + name, $"{body.Length} bytes: {Convert.ToHexString(body)}",
            () => PostRaw(run, "/supply.v1.StockReporting/StreamReports", body, "Bearer " + SupplyServer.SuperuserToken, null, kind != 1, allowed));
    }

    private static (string Name, string? Header) RawAuth(Random rng) => rng.Next(12) switch
    {
        0 => ("none", null),
        1 => ("garbage bearer", "Bearer garbage"),
        2 => ("basic", "Basic dXNlcjpwYXNz"),
        3 => ("empty bearer", "Bearer "),
        _ => ("superuser", "Bearer " + SupplyServer.SuperuserToken),
    };

    private static byte[] Frame(byte flag, long declared, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)declared);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// POSTs a gRPC body over HTTP/2 and reads the status from the trailers (or a trailers-only
    /// response). A reply without grpc-status, or no reply at all, is a failure.
    /// </summary>
    private static async Task<Outcome> PostRaw(Run run, string path, byte[] body, string? authorization, string? encoding, bool undecodable,
        StatusCode[] allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, run.Server.Address + path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (encoding is not null) request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        HttpResponseMessage response;
        try { response = await run.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead); }
        catch (HttpRequestException e) { return new Outcome(null, e.Message, $"transport error, no gRPC status: {e.Message} {e.InnerException?.Message}"); }
        using (response)
        {
            var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            var message = Uri.UnescapeDataString(Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "");
            if (status is null || !int.TryParse(status, out var code))
                return new Outcome(null, $"HTTP {(int)response.StatusCode}", $"HTTP {(int)response.StatusCode} without grpc-status");
            var outcome = new Outcome((StatusCode)code, message);
            if ((int)response.StatusCode != 200) return outcome with { Failure = $"HTTP {(int)response.StatusCode} with grpc-status {code}" };
            if (undecodable && IsFramingRefusal(outcome.Code!.Value, message)) return outcome with { Framing = true };
            return Expect(outcome, allowed);
        }
    }

    /// <summary>
    /// A unary request body that is not one well-formed frame of a decodable protobuf never reaches Supply's
    /// code: grpc-dotnet reads and decodes the message before the interceptors and the service run, and
    /// answers with its own fixed messages, INTERNAL for broken frames and UNKNOWN ("Exception was thrown by
    /// handler.") for a payload the protobuf parser refuses, a bad flag byte, bad gzip or a length prefix
    /// of 2^31 or more. The gRPC specification makes "error parsing request proto" an INTERNAL generated by
    /// the library. These are counted apart, only for input the test itself found undecodable (see
    /// <see cref="Parses"/>); the same codes for a decodable message, or with any other message (Supply's
    /// own "internal error; it has been logged"), are failures.
    /// </summary>
    private static bool IsFramingRefusal(StatusCode code, string message) => code switch
    {
        StatusCode.Internal => FramingMessages.Any(m => message.StartsWith(m, StringComparison.Ordinal)),
        StatusCode.Unknown => message == "Exception was thrown by handler.",
        _ => false,
    };

    private static readonly string[] FramingMessages =
    [
        "Incomplete message.",
        "Additional data after the message received.",
        "Request did not include grpc-encoding value with compressed message.",
        "Request sent 'identity' grpc-encoding value with compressed message.",
    ];

    /// <summary>Whether the server's protobuf library can decode the payload as a StockReport.</summary>
    private static bool Parses(byte[] payload)
    {
        try
        {
            StockReport.Parser.ParseFrom(payload);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static string? Header(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // ---------------------------------------------------------------- setup, comparison, output

    private static async Task RegisterCatalog(SupplyServer server)
    {
        await server.Catalog.RegisterItemsAsync(Items());
        var request = new RegisterLocationsRequest();
        foreach (var (id, region, kind) in Compared) request.Locations.Add(new Location { Id = id, Name = $"Fuzz {kind} {region}", Kind = kind, RegionCode = region });
        foreach (var sink in Sinks) request.Locations.Add(new Location { Id = sink, Name = "Fuzz sink", Kind = LocationKind.RegionalWarehouse, RegionCode = "03" });
        await server.Catalog.RegisterLocationsAsync(request);
    }

    private static async Task AssertSameStock(SupplyServer fuzz, SupplyServer reference)
    {
        var linesByItem = new List<(string Item, string Location, string Line)>();
        foreach (var (id, _, _) in Compared)
        {
            var actual = await fuzz.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = id }, deadline: Deadline());
            var expected = await reference.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = id }, deadline: Deadline());
            foreach (var line in expected.Lines) linesByItem.Add((line.ItemId, id, line.ToString()));
            actual.LastReceivedAt = expected.LastReceivedAt = null;
            Assert.NotEmpty(expected.Lines);
            Assert.Equal(expected.ToString(), actual.ToString());

            var history = await fuzz.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = id, Limit = 1000 }, deadline: Deadline());
            var expectedHistory = await reference.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = id, Limit = 1000 }, deadline: Deadline());
            Assert.Equal(expectedHistory.Receipts.Select(r => r.ReportId).Order(StringComparer.Ordinal), history.Receipts.Select(r => r.ReportId).Order(StringComparer.Ordinal));
        }
        foreach (var item in ItemIds)
        {
            var request = new GetItemStockRequest { ItemId = item, RegionCodes = { ComparedRegions } };
            // Both answers come from the aggregates: wait until each shows the compared locations' own lines.
            var own = linesByItem.Where(l => l.Item == item).Select(l => $"{l.Location} {l.Line}").Order(StringComparer.Ordinal).ToList();
            bool CaughtUp(ItemStock r) => r.Locations.Where(l => Compared.Any(c => c.Id == l.LocationId))
                .Select(l => $"{l.LocationId} {l.Line}").Order(StringComparer.Ordinal).SequenceEqual(own);
            var expected = await Converge.UntilAsync(async () => await reference.Query.GetItemStockAsync(request, deadline: Deadline()), CaughtUp);
            var actual = await Converge.UntilAsync(async () => await fuzz.Query.GetItemStockAsync(request, deadline: Deadline()), CaughtUp);
            Assert.Equal(expected.Totals, actual.Totals);
            Assert.Equal(expected.Locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).Select(l => l.ToString()),
                actual.Locations.OrderBy(l => l.LocationId, StringComparer.Ordinal).Select(l => l.ToString()));
        }
    }

    private void Print(ConcurrentBag<(Case Case, Outcome Outcome)> results, TimeSpan elapsed, int skipped, Run run, int validCount)
    {
        output.WriteLine($"seed {Seed}: {results.Count} calls in {elapsed.TotalSeconds:F1} s ({skipped} skipped by the time budget), parallelism {Parallelism}");
        output.WriteLine($"valid reports: {validCount}, acknowledged during the fuzz: {run.AcknowledgedValid.Count} (all sent again afterwards)");
        output.WriteLine("calls by status:");
        foreach (var g in results.GroupBy(r => r.Outcome.Code?.ToString() ?? "no status").OrderByDescending(g => g.Count()))
            output.WriteLine($"  {g.Key,-20} {g.Count(),5}");
        output.WriteLine("acceptable statuses: " + string.Join("; ", Acceptable.Select(a => $"{a.Key} ({a.Value})")));
        var framing = results.Where(r => r.Outcome.Framing).ToList();
        output.WriteLine($"  of which INTERNAL/UNKNOWN from grpc-dotnet's own decoding of frames the test knows to be undecodable (before Supply code): {framing.Count}");
        foreach (var g in framing.GroupBy(f => $"{f.Outcome.Code} '{f.Outcome.Message}'")) output.WriteLine($"    {g.Count(),5}  {g.Key}");
        foreach (var g in results.Where(r => r.Outcome.Known is not null).GroupBy(r => r.Outcome.Known))
            output.WriteLine($"KNOWN ISSUE x{g.Count()} ({g.First().Outcome.Code} '{g.First().Outcome.Message}'): {g.Key}\n   e.g. [{g.First().Case.Category}] {Clip(g.First().Case.Input, 400)}");
        output.WriteLine("streamed acks by outcome: " + string.Join(", ", run.StreamAcks.Select(kv => $"{kv.Key}={kv.Value}")));
        output.WriteLine("borderline input refused (sink location): " + string.Join(", ", run.RefusedBorderline.GroupBy(n => n).Select(g => $"{g.Key} x{g.Count()}")));
        output.WriteLine("borderline input accepted (sink location): " + string.Join(", ", run.AcceptedBorderline.GroupBy(n => n).Select(g => $"{g.Key} x{g.Count()}")));
        output.WriteLine("by category and status:");
        foreach (var g in results.GroupBy(r => r.Case.Category.StartsWith("invalid:") || r.Case.Category.StartsWith("borderline:") ? r.Case.Category.Split(':')[0] : r.Case.Category)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine($"  {g.Key,-55} " + string.Join(", ", g.GroupBy(r => r.Outcome.Code?.ToString() ?? "none").Select(s => $"{s.Key}={s.Count()}")));
        foreach (var f in results.Where(r => r.Outcome.Failure is not null).Take(40))
            output.WriteLine($"FAILURE [{f.Case.Category}] {Clip(f.Case.Input, 600)}\n   -> {f.Outcome.Failure}");
    }

    // ---------------------------------------------------------------- helpers

    private static string Describe(StockReport r)
    {
        var body = r.BodyCase switch
        {
            StockReport.BodyOneofCase.Snapshot => $"snapshot({r.Snapshot.Lines.Count} lines{(r.Snapshot.PhysicalCount ? ", physical count" : "")}: " +
                string.Join("; ", r.Snapshot.Lines.Take(3).Select(l => $"{Clip(l.ItemId)} on_hand={l.OnHand} reserved={l.Reserved} quarantined={l.Quarantined} adc={l.AverageDailyConsumption} lots={l.Lots.Count}"
                    + (l.Lots.Count > 0 ? $" first lot '{Clip(l.Lots[0].LotNumber)}' {Clip(l.Lots[0].ExpiresOn)} x{l.Lots[0].Quantity}" : ""))) + ")",
            StockReport.BodyOneofCase.Movements => $"movements({r.Movements.Lines.Count} lines: " +
                string.Join("; ", r.Movements.Lines.Take(3).Select(m => $"{Clip(m.ItemId)} {m.Type} {m.Quantity} lot='{Clip(m.LotNumber)}' exp='{Clip(m.ExpiresOn)}' reason='{Clip(m.ReasonCode)}' cp='{Clip(m.CounterpartyLocationId)}'")) + ")",
            _ => "no body",
        };
        return $"report_id='{Clip(r.ReportId)}' ({r.ReportId.Length} chars) location_id='{Clip(r.LocationId)}' ({r.LocationId.Length} chars) as_of={(r.AsOf is null ? "unset" : $"{r.AsOf.Seconds}s+{r.AsOf.Nanos}ns")} {body}";
    }

    private static string Clip(string s) => Clip(s, 48);

    private static string Clip(string s, int max)
    {
        var escaped = string.Concat(s.Take(max).Select(c => char.IsControl(c) || char.IsSurrogate(c) || c > 126 ? $"\\u{(int)c:x4}" : c.ToString()));
        return s.Length > max ? escaped + $"…(+{s.Length - max})" : escaped;
    }

    private static string Hex(byte[] body) => Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 48))) + (body.Length > 48 ? "…" : "");

    private static void Shuffle<T>(Random rng, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
