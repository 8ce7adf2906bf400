using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Supply.DevTokens;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;
using FeedsRpc = Supply.Contracts.V1.Feeds;
using CoverageRpc = Supply.Contracts.V1.Coverage;

namespace Supply.Server.Tests;

/// <summary>
/// Every RPC × every role × in and out of scope: allowed calls get past the access check, refused ones
/// get PERMISSION_DENIED (or UNAUTHENTICATED without a token), change nothing, and refused writes
/// are audited.
/// </summary>
public sealed class AccessMatrixTests(AccessMatrixTests.Fixture fixture) : IClassFixture<AccessMatrixTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public SupplyServer Server { get; private set; } = null!;
        public string Loc12 { get; } = "se-12-hosp-matrix";
        public string Loc14 { get; } = "se-14-hosp-matrix";
        public string SupplierLoc { get; } = "se-01-supplier-acme";

        public async Task InitializeAsync()
        {
            Server = await SupplyServer.StartAsync();
            await Server.Catalog.RegisterItemsAsync(Items());
            await Server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
            {
                Locations =
                {
                    new Location { Id = Loc12, Name = "Skånes universitetssjukhus", Kind = LocationKind.Hospital, RegionCode = "12" },
                    new Location { Id = Loc14, Name = "Sahlgrenska", Kind = LocationKind.Hospital, RegionCode = "14" },
                    new Location { Id = SupplierLoc, Name = "Acme Medtech lager", Kind = LocationKind.Supplier, RegionCode = "01", Owner = "acme-medtech" },
                },
            });
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    public static readonly Dictionary<string, string?> Tokens = new()
    {
        ["none"] = null,
        ["reporter-12"] = SupplyTokens.Mint("reporter-12", ["region-reporter"], ["12"]),
        ["supplier-acme"] = SupplyTokens.Mint("supplier-acme", ["supplier-feed"], suppliers: ["acme-medtech"]),
        ["coordinator"] = SupplyTokens.Mint("coordinator", ["national-coordinator"]),
        ["reader-12"] = SupplyTokens.Mint("reader-12", ["regional-reader"], ["12"]),
        ["admin"] = SupplyTokens.Mint("admin", ["admin"]),
        ["forged"] = SupplyTokens.Mint("forged", ["admin", "national-coordinator"], key: Convert.ToBase64String(new byte[32])),
    };

    private enum Target { Own, Other, Supplier }

    /// <summary>(rpc, target) → callers allowed. Every other caller is refused.</summary>
    private static readonly (string Rpc, Target Target, string[] Allowed)[] Rules =
    [
        ("RegisterItems", Target.Own, ["admin"]),
        ("RegisterLocations", Target.Own, ["admin"]),
        ("ListItems", Target.Own, ["reporter-12", "supplier-acme", "coordinator", "reader-12", "admin"]),
        ("ListLocations", Target.Own, ["reporter-12", "supplier-acme", "coordinator", "reader-12", "admin"]),
        ("SubmitReport", Target.Own, ["reporter-12"]),
        ("SubmitReport", Target.Other, []),
        ("SubmitReport", Target.Supplier, ["supplier-acme"]),
        ("StreamReports", Target.Own, ["reporter-12"]),
        ("StreamReports", Target.Other, []),
        ("StreamReports", Target.Supplier, ["supplier-acme"]),
        ("GetLocationStock", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetLocationStock", Target.Other, ["coordinator"]),
        ("GetLocationStock", Target.Supplier, ["supplier-acme", "coordinator"]),
        ("GetReportHistory", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetReportHistory", Target.Other, ["coordinator"]),
        ("GetItemStock", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("FindLot", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("FindLot", Target.Other, ["coordinator"]),
        ("GetExpiryWave", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetExpiryWave", Target.Other, ["coordinator"]),
        ("SetReadinessTargets", Target.Own, ["admin"]),
        ("ListReadinessTargets", Target.Own, ["reporter-12", "supplier-acme", "coordinator", "reader-12", "admin"]),
        ("GetReadinessCompliance", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetReadinessCompliance", Target.Other, ["coordinator"]),
        ("GetComplianceHistory", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetComplianceHistory", Target.Other, ["coordinator"]),
        ("GetItemStock", Target.Other, ["coordinator"]),
        ("ListReportingStatus", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("ListReportingStatus", Target.Other, ["coordinator"]),
        ("ListAuditEntries", Target.Own, ["coordinator", "admin"]),
        ("ListFeedHealth", Target.Own, ["coordinator", "admin"]),
        ("PullFeedNow", Target.Own, ["admin"]),
        ("PublishShortageNotice", Target.Own, ["supplier-acme", "admin"]),
        ("ListShortageNotices", Target.Own, ["reporter-12", "supplier-acme", "coordinator", "reader-12", "admin"]),
        ("RunScenario", Target.Own, ["coordinator"]),
        ("GetCoverage", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetCoverage", Target.Other, ["coordinator"]),
        ("ListShortfalls", Target.Own, ["coordinator"]),
        ("ListStaleLocations", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("ListStaleLocations", Target.Other, ["coordinator"]),
        ("WatchAlerts", Target.Own, ["coordinator"]),
        ("RebuildAggregates", Target.Own, ["admin"]),
        ("GetProjection", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("GetProjection", Target.Other, ["coordinator"]),
        ("ListProjections", Target.Own, ["reporter-12", "coordinator", "reader-12"]),
        ("ListProjections", Target.Other, ["coordinator"]),
    ];

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (rpc, target, _) in Rules)
            foreach (var caller in Tokens.Keys)
                data.Add(rpc, target.ToString(), caller);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_rpc_role_and_scope(string rpc, string target, string caller)
    {
        var t = System.Enum.Parse<Target>(target);
        var allowed = Rules.Single(r => r.Rpc == rpc && r.Target == t).Allowed.Contains(caller);
        using var channel = fixture.Server.ChannelAs(Tokens[caller]);
        var location = t switch { Target.Own => fixture.Loc12, Target.Other => fixture.Loc14, _ => fixture.SupplierLoc };
        var before = await VersionOf(location);

        var status = await Call(rpc, channel, location, t);

        if (Tokens[caller] is null || caller == "forged") Assert.Equal(StatusCode.Unauthenticated, status);
        else if (allowed) Assert.True(status is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated), $"{caller} was refused {rpc} ({status})");
        else Assert.Equal(StatusCode.PermissionDenied, status);
        if (!allowed) Assert.Equal(before, await VersionOf(location)); // a refused call changes nothing
    }

    [Fact]
    public void Every_rpc_of_the_contract_has_an_access_rule_and_is_in_this_matrix()
    {
        var services = new[] { Catalog.Descriptor, StockReporting.Descriptor, StockQuery.Descriptor, Audit.Descriptor, FeedsRpc.Descriptor, ShortageNotices.Descriptor, Scenarios.Descriptor, CoverageRpc.Descriptor,
            Contracts.V1.Readiness.Descriptor };
        var methods = services.SelectMany(s => s.Methods.Select(m => (Service: s.FullName, m.Name))).ToList();
        Assert.All(methods, m => Assert.True(Server.Security.AccessPolicy.Covers($"/{m.Service}/{m.Name}"), $"{m.Service}/{m.Name} has no rule"));
        Assert.Equal(methods.Select(m => m.Name).Order(), Rules.Select(r => r.Rpc).Distinct().Order());
    }

    [Fact]
    public async Task Refused_writes_are_audited_with_caller_role_and_scope()
    {
        using var channel = fixture.Server.ChannelAs(Tokens["reporter-12"]);
        var reportId = "trespass-" + Guid.NewGuid().ToString("N")[..8];
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new StockReporting.StockReportingClient(channel).SubmitReportAsync(Snapshot(fixture.Loc14, reportId, Now.AddHours(-1), Line(Ffp2, 1))).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);

        var audit = await new Audit.AuditClient(fixture.Server.Channel).ListAuditEntriesAsync(new ListAuditEntriesRequest { LocationId = fixture.Loc14, Limit = 10_000 });
        var entry = audit.Entries.Single(x => x.ReportId == reportId);
        Assert.Equal(("reporter-12", "permission-denied", "region-reporter", "region:12"), (entry.Caller, entry.Outcome, entry.Role, entry.Scope));
        Assert.Contains("outside the caller's scope", entry.Detail);
    }

    [Fact]
    public async Task A_stream_stops_at_the_first_report_outside_scope_and_keeps_what_came_before()
    {
        using var channel = fixture.Server.ChannelAs(Tokens["reporter-12"]);
        using var call = new StockReporting.StockReportingClient(channel).StreamReports();
        var ok = "mixed-ok-" + Guid.NewGuid().ToString("N")[..8];
        await call.RequestStream.WriteAsync(Snapshot(fixture.Loc12, ok, Now.AddMinutes(-50), Line(Ffp2, 7)));
        await call.RequestStream.WriteAsync(Snapshot(fixture.Loc14, "mixed-bad", Now.AddMinutes(-40), Line(Ffp2, 9)));
        await call.RequestStream.CompleteAsync();
        var acks = new List<ReportAck>();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);
        });
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal([ok], acks.Select(a => a.ReportId));
    }

    private async Task<long> VersionOf(string location) =>
        (await fixture.Server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location })).Version;

    private static async Task<StatusCode> Call(string rpc, GrpcChannel channel, string location, Target target)
    {
        var catalog = new Catalog.CatalogClient(channel);
        var reporting = new StockReporting.StockReportingClient(channel);
        var query = new StockQuery.StockQueryClient(channel);
        var region = target == Target.Own ? "12" : "14";
        var report = Snapshot(location, "m-" + Guid.NewGuid().ToString("N")[..10], Now.AddMinutes(-30), Line(Ffp2, 3));
        try
        {
            switch (rpc)
            {
                case "RegisterItems": await catalog.RegisterItemsAsync(Items()); break;
                case "RegisterLocations":
                    await catalog.RegisterLocationsAsync(new RegisterLocationsRequest
                    {
                        Locations = { new Location { Id = "se-03-matrix-extra", Name = "Extra", Kind = LocationKind.Pharmacy, RegionCode = "03" } },
                    });
                    break;
                case "ListItems": await catalog.ListItemsAsync(new ListItemsRequest()); break;
                case "ListLocations": await catalog.ListLocationsAsync(new ListLocationsRequest()); break;
                case "SubmitReport": await reporting.SubmitReportAsync(report); break;
                case "StreamReports":
                    using (var call = reporting.StreamReports())
                    {
                        await call.RequestStream.WriteAsync(report);
                        await call.RequestStream.CompleteAsync();
                        await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
                    }
                    break;
                case "GetLocationStock": await query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = location }); break;
                case "GetReportHistory": await query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = location }); break;
                case "GetItemStock": await query.GetItemStockAsync(new GetItemStockRequest { ItemId = Ffp2, RegionCodes = { region } }); break;
                case "FindLot": await query.FindLotAsync(new FindLotRequest { ItemId = Ffp2, LotNumber = "L1", RegionCodes = { region } }); break;
                case "GetExpiryWave": await new CoverageRpc.CoverageClient(channel).GetExpiryWaveAsync(new GetExpiryWaveRequest { RegionCodes = { region } }); break;
                case "SetReadinessTargets":
                    await new Contracts.V1.Readiness.ReadinessClient(channel).SetReadinessTargetsAsync(new SetReadinessTargetsRequest
                    {
                        Targets = { new ReadinessTarget { Key = Ffp2, Days = 30, Level = CoverageLevel.Region } },
                    });
                    break;
                case "ListReadinessTargets": await new Contracts.V1.Readiness.ReadinessClient(channel).ListReadinessTargetsAsync(new ListReadinessTargetsRequest()); break;
                case "GetReadinessCompliance":
                    await new Contracts.V1.Readiness.ReadinessClient(channel).GetReadinessComplianceAsync(new GetReadinessComplianceRequest { RegionCodes = { region } });
                    break;
                case "GetComplianceHistory":
                    await new Contracts.V1.Readiness.ReadinessClient(channel).GetComplianceHistoryAsync(
                        new GetComplianceHistoryRequest { Level = CoverageLevel.Region, Areas = { region } });
                    break;
                case "ListReportingStatus": await query.ListReportingStatusAsync(new ListReportingStatusRequest { RegionCode = region }); break;
                case "ListAuditEntries": await new Audit.AuditClient(channel).ListAuditEntriesAsync(new ListAuditEntriesRequest { From = Timestamp.FromDateTimeOffset(Now.AddDays(-1)) }); break;
                case "ListFeedHealth": await new FeedsRpc.FeedsClient(channel).ListFeedHealthAsync(new ListFeedHealthRequest()); break;
                case "PublishShortageNotice":
                    await new ShortageNotices.ShortageNoticesClient(channel).PublishShortageNoticeAsync(new ShortageNotice
                    {
                        Id = "matrix", ItemId = Ffp2, From = "2026-01-01", To = "2026-02-01", Source = "lakemedelsverket",
                    });
                    break;
                case "ListShortageNotices": await new ShortageNotices.ShortageNoticesClient(channel).ListShortageNoticesAsync(new ListShortageNoticesRequest()); break;
                case "RunScenario": await new Scenarios.ScenariosClient(channel).RunScenarioAsync(new RunScenarioRequest { Document = "id: [" }); break;
                case "GetCoverage": await new CoverageRpc.CoverageClient(channel).GetCoverageAsync(new GetCoverageRequest { RegionCodes = { region } }); break;
                case "ListShortfalls": await new CoverageRpc.CoverageClient(channel).ListShortfallsAsync(new ListShortfallsRequest { ThresholdDays = 7 }); break;
                case "GetProjection":
                    await new CoverageRpc.CoverageClient(channel).GetProjectionAsync(new GetProjectionRequest { Key = Ffp2, RegionCodes = { region } });
                    break;
                case "ListProjections":
                    await new CoverageRpc.CoverageClient(channel).ListProjectionsAsync(new ListProjectionsRequest { RegionCodes = { region } });
                    break;
                case "ListStaleLocations": await new CoverageRpc.CoverageClient(channel).ListStaleLocationsAsync(new ListStaleLocationsRequest { RegionCode = region }); break;
                case "WatchAlerts":
                    using (var watch = new CoverageRpc.CoverageClient(channel).WatchAlerts(new WatchAlertsRequest { ThresholdDays = 7 }))
                        await foreach (var _ in watch.ResponseStream.ReadAllAsync()) { }
                    break;
                case "RebuildAggregates": await new CoverageRpc.CoverageClient(channel).RebuildAggregatesAsync(new RebuildAggregatesRequest()); break;
                case "PullFeedNow": await new FeedsRpc.FeedsClient(channel).PullFeedNowAsync(new PullFeedNowRequest { Name = "no-such-feed" }); break;
                default: throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "not in the matrix");
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
