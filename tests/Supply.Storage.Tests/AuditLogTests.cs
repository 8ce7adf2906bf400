using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Supply.Domain.Audit;
using Supply.Storage.Audit;

namespace Supply.Storage.Tests;

/// <summary>What every audit log must do: keep each entry, answer by location and time range, in time order.</summary>
public abstract class AuditLogConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    protected IAuditLog Log { get; private set; } = null!;

    protected abstract Task<IAuditLog> OpenAsync();
    protected abstract Task CloseAsync(IAuditLog log);

    public async Task InitializeAsync() => Log = await OpenAsync();
    public Task DisposeAsync() => CloseAsync(Log);

    private static AuditEntry Entry(string location, int minute, string report, string outcome = "applied") =>
        new(T0.AddMinutes(minute), "region-12-system", "submit-report", location, report, outcome, 200, minute, "");

    [Fact]
    public async Task Entries_come_back_by_location_and_time_range_oldest_first()
    {
        await Task.WhenAll(
            Log.AppendAsync(Entry("se-12-a", 5, "r5")), Log.AppendAsync(Entry("se-12-a", 1, "r1")),
            Log.AppendAsync(Entry("se-12-b", 2, "x2")), Log.AppendAsync(Entry("se-12-a", 9, "r9", "refused")));

        var a = await Log.QueryAsync(new AuditQuery("se-12-a", T0, T0.AddHours(1), 100));
        Assert.Equal(["r1", "r5", "r9"], a.Select(e => e.ReportId));
        Assert.Equal(Entry("se-12-a", 9, "r9", "refused"), a[2]);

        var window = await Log.QueryAsync(new AuditQuery("se-12-a", T0.AddMinutes(1), T0.AddMinutes(9), 100));
        Assert.Equal(["r1", "r5"], window.Select(e => e.ReportId)); // from inclusive, to exclusive

        var everyone = await Log.QueryAsync(new AuditQuery(null, T0, T0.AddHours(1), 100));
        Assert.Equal(["r1", "x2", "r5", "r9"], everyone.Select(e => e.ReportId));
        Assert.Equal(2, (await Log.QueryAsync(new AuditQuery(null, T0, T0.AddHours(1), 2))).Count);
    }

    [Fact]
    public async Task Many_concurrent_appends_are_all_kept_and_a_resend_is_a_new_entry()
    {
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Log.AppendAsync(Entry($"se-01-{i % 7}", i % 50, $"r{i}"))));
        await Log.AppendAsync(Entry("se-01-0", 1, "r0", "duplicate"));

        var all = await Log.QueryAsync(new AuditQuery(null, T0, T0.AddDays(1), 10_000));
        Assert.Equal(501, all.Count);
        Assert.Equal(["applied", "duplicate"], all.Where(e => e.ReportId == "r0").Select(e => e.Outcome).Order());
        Assert.Equal(all.OrderBy(e => e.At).Select(e => e.At), all.Select(e => e.At));
    }
}

public sealed class SqliteAuditLogTests : AuditLogConformanceTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "supply-audit-tests", Guid.NewGuid().ToString("N"), "audit.db");

    protected override async Task<IAuditLog> OpenAsync()
    {
        var log = new SqliteAuditLog(_path, durableCommits: true, NullLogger<SqliteAuditLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        return log;
    }

    protected override async Task CloseAsync(IAuditLog log) => await ((SqliteAuditLog)log).DisposeAsync();

    [Fact]
    public async Task The_table_refuses_changes_and_entries_survive_a_restart()
    {
        await Log.AppendAsync(new AuditEntry(DateTimeOffset.UtcNow, "me", "submit-report", "se-03-x", "r1", "applied", 1, 1, ""));
        await CloseAsync(Log);

        await using (var connection = new SqliteConnection($"Data Source={_path}"))
        {
            await connection.OpenAsync();
            foreach (var sql in new[] { "UPDATE audit_log SET outcome = 'refused'", "DELETE FROM audit_log" })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                var e = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
                Assert.Contains("append-only", e.Message);
            }
        }

        var reopened = await OpenAsync();
        var entries = await reopened.QueryAsync(new AuditQuery("se-03-x", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
        Assert.Equal("applied", entries.Single().Outcome);
        await CloseAsync(reopened);
    }

    private static AuditEntry Entry(string report) =>
        new(DateTimeOffset.UtcNow, "region-05-system", "submit-report", "se-05-a", report, "applied", 1, 1, "");

    private async Task<long> StoredCountAsync()
    {
        // Another connection, as another process would see the file.
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_log";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task An_entry_sqlite_refuses_fails_alone_and_the_rest_of_its_batch_is_kept()
    {
        await using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER poison BEFORE INSERT ON audit_log WHEN NEW.report_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END;";
            await command.ExecuteNonQueryAsync();
        }

        var good = Enumerable.Range(0, 30).Select(i => Log.AppendAsync(Entry($"g{i}"))).ToList();
        var poisoned = Log.AppendAsync(Entry("poison"));
        good.AddRange(Enumerable.Range(30, 30).Select(i => Log.AppendAsync(Entry($"g{i}"))));

        var ex = await Assert.ThrowsAsync<SqliteException>(() => poisoned);
        Assert.Contains("poisoned entry", ex.Message);
        await Task.WhenAll(good);
        Assert.Equal(60, await StoredCountAsync());
    }

    [Fact]
    public async Task Appends_from_many_threads_are_committed_when_acknowledged()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await Log.AppendAsync(Entry($"t{i}")));

        // The log is still running: what was acknowledged is in the file already.
        Assert.Equal(400, await StoredCountAsync());
    }

    [Fact]
    public async Task Stop_stores_every_queued_append_then_refuses_new_ones()
    {
        var appends = Enumerable.Range(0, 300).Select(i => Log.AppendAsync(Entry($"q{i}"))).ToArray();
        await CloseAsync(Log);
        await Task.WhenAll(appends);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Log.AppendAsync(Entry("late")));
        Assert.Equal(300, await StoredCountAsync());
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableAuditLogTests(AzuriteFixture azurite) : AuditLogConformanceTests
{
    protected override async Task<IAuditLog> OpenAsync()
    {
        var log = new AzureTableAuditLog(new TableServiceClient(azurite.ConnectionString), "audit" + Guid.NewGuid().ToString("N")[..12], NullLogger<AzureTableAuditLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        return log;
    }

    protected override async Task CloseAsync(IAuditLog log) => await ((AzureTableAuditLog)log).DisposeAsync();
}
