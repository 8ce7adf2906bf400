using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Every report received is in the append-only audit log: accepted, resent or refused.</summary>
public sealed class AuditTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SupplyServer Server => fixture.Server;

    [Fact]
    public async Task Accepted_duplicate_and_refused_reports_are_audited_and_queryable_by_location_and_time()
    {
        var loc = (await RegisterAsync(Server, ("17", LocationKind.Hospital)))[0];
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "a1", Now.AddHours(-1), Line(Morphine, 50)));
        await Server.Reporting.SubmitReportAsync(Snapshot(loc, "a1", Now.AddHours(-1), Line(Morphine, 50)));
        await Assert.ThrowsAsync<RpcException>(() => Server.Reporting.SubmitReportAsync(Snapshot(loc, "a2", Now.AddHours(-1), Line(Morphine, -1))).ResponseAsync);
        var audit = new Audit.AuditClient(Server.Channel);

        var entries = (await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { LocationId = loc })).Entries;

        Assert.Equal([("a1", "applied"), ("a1", "duplicate"), ("a2", "refused")], entries.Select(e => (e.ReportId, e.Outcome)));
        Assert.All(entries, e => Assert.Equal("test-superuser", e.Caller));
        Assert.All(entries, e => Assert.Contains("region-reporter", e.Role));
        Assert.All(entries, e => Assert.Contains("region:17", e.Scope));
        Assert.All(entries, e => Assert.Equal("submit-report", e.Action));
        Assert.Equal((1, 1L), (entries[0].Lines, entries[0].LocationVersion));
        Assert.Contains("snapshot.lines[0].on_hand", entries[2].Detail);

        var none = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { LocationId = loc, To = Timestamp.FromDateTimeOffset(start) });
        Assert.Empty(none.Entries);
        var all = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = Timestamp.FromDateTimeOffset(start), Limit = 10_000 });
        Assert.Equal(3, all.Entries.Count(e => e.LocationId == loc));
    }

    [Fact]
    public async Task Audit_queries_name_bad_arguments()
    {
        var audit = new Audit.AuditClient(Server.Channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Limit = 20_000 }).ResponseAsync);
        Assert.Equal(["limit"], FieldsAtFault(e));
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        e = await Assert.ThrowsAsync<RpcException>(() => audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { From = now, To = now }).ResponseAsync);
        Assert.Equal(["to"], FieldsAtFault(e));
    }
}
