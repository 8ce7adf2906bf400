using Grpc.Core;
using Microsoft.Data.Sqlite;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests.Faults;

/// <summary>
/// Storage that refuses writes (issue 18, part 2; benchmarks/Supply.FaultBench, storage-down): another process holds
/// the SQLite file's write lock, as a backup tool or an operator's shell can, and every write of the server fails
/// after its write wait. Nothing may be acknowledged without being stored, nothing half-applied, and the server
/// recovers by itself when the lock goes.
/// </summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task A_write_the_database_refuses_is_answered_unavailable_and_the_same_report_is_accepted_once_storage_returns()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Storage:WriteWaitSeconds=1");
        var loc = (await RegisterAsync(server, ("13", LocationKind.Hospital)))[0];
        await server.Reporting.SubmitReportAsync(Snapshot(loc, "before", Now.AddMinutes(-30), Line(Ffp2, 100), Line(Morphine, 10)));
        var refused = Snapshot(loc, "during", Now.AddMinutes(-20), Line(Ffp2, 222), Line(Morphine, 22));

        await using (var writeLock = await WriteLock.TakeAsync(server.DatabasePath))
        {
            var unary = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.SubmitReportAsync(refused).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, unary.StatusCode);

            // On a stream: the stream ends UNAVAILABLE and acknowledges nothing.
            using var call = server.Reporting.StreamReports();
            await call.RequestStream.WriteAsync(refused);
            await call.RequestStream.CompleteAsync();
            var acks = new List<ReportAck>();
            var streamed = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);
            });
            Assert.Equal(StatusCode.Unavailable, streamed.StatusCode);
            Assert.Empty(acks);

            // Reads still work meanwhile, and show nothing of the refused report: it was applied in memory only,
            // and that activation is gone.
            var during = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
            Assert.Equal((1L, 100L, 10L), (during.Version, OnHand(during, Ffp2), OnHand(during, Morphine)));
        }

        // Storage is back: the same report (same id) is accepted as new, with no restart.
        var accepted = await server.Reporting.SubmitReportAsync(refused);
        Assert.Equal((ReportOutcome.Applied, false, 2L), (accepted.Outcome, accepted.Duplicate, accepted.LocationVersion));
        var after = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
        Assert.Equal((222L, 22L), (OnHand(after, Ffp2), OnHand(after, Morphine)));
        var history = await server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = loc });
        Assert.Equal(["during", "before"], history.Receipts.Select(r => r.ReportId));
    }

    [Fact]
    public async Task A_report_stored_whose_audit_row_cannot_be_written_is_answered_unavailable_and_its_resend_is_a_duplicate()
    {
        // The audit log is its own file (audit.db beside the state): its write lock held, the state is stored but the
        // report cannot be audited, so it is not acknowledged. Before the fix SQLite's error reached the caller as
        // INTERNAL, which clients do not retry.
        await using var server = await SupplyServer.StartAsync();
        var loc = (await RegisterAsync(server, ("14", LocationKind.Pharmacy)))[0];
        var report = Snapshot(loc, "unaudited", Now.AddMinutes(-10), Line(Ffp2, 333));
        var auditPath = Path.Combine(Path.GetDirectoryName(server.DatabasePath)!, "audit.db");

        await using (var auditLock = await WriteLock.TakeAsync(auditPath))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.SubmitReportAsync(report, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        }

        var resend = await server.Reporting.SubmitReportAsync(report);
        Assert.Equal((ReportOutcome.Applied, true), (resend.Outcome, resend.Duplicate));
        var audit = await new Audit.AuditClient(server.Channel).ListAuditEntriesAsync(new ListAuditEntriesRequest { LocationId = loc });
        Assert.Contains(audit.Entries, a => a.ReportId == "unaudited");
    }

    private static long OnHand(LocationStock stock, string item) => stock.Lines.Single(l => l.ItemId == item).OnHand;

    /// <summary>The database's write lock, held from outside the server's storage (BEGIN IMMEDIATE on a connection of our own).</summary>
    private sealed class WriteLock : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private WriteLock(SqliteConnection connection) => _connection = connection;

        public static async Task<WriteLock> TakeAsync(string path)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
            await connection.OpenAsync();
            await using var begin = connection.CreateCommand();
            begin.CommandText = "PRAGMA busy_timeout = 60000; BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
            return new WriteLock(connection);
        }

        public async ValueTask DisposeAsync()
        {
            await using (var rollback = _connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
            }
            await _connection.DisposeAsync();
        }
    }
}
