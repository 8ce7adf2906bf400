using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Supply.Domain.Audit;
using Supply.Storage.Sqlite;

namespace Supply.Storage.Audit;

/// <summary>
/// The audit log as an append-only SQLite table (by default in the same file as grain state).
/// Appends are group-committed by the same writer as grain state (<see cref="SqliteGroupCommitWriter{TOp}"/>,
/// its own instance and connection): one transaction and one fsync per batch, each caller released once its
/// entry is stored; an entry SQLite refuses fails alone.
/// </summary>
public sealed class SqliteAuditLog : IAuditLog, IHostedService, IAsyncDisposable
{
    private const int MaxBatch = 512;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_log (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            at_utc_ticks INTEGER NOT NULL,
            caller       TEXT    NOT NULL,
            action       TEXT    NOT NULL,
            location_id  TEXT    NOT NULL,
            report_id    TEXT    NOT NULL,
            outcome      TEXT    NOT NULL,
            lines        INTEGER NOT NULL,
            version      INTEGER NOT NULL,
            detail       TEXT    NOT NULL,
            role         TEXT    NOT NULL DEFAULT '',
            scope        TEXT    NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS audit_by_location ON audit_log (location_id, at_utc_ticks);
        CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (at_utc_ticks);
        -- Append-only: the database itself refuses to change or remove an entry.
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """;

    private readonly string _connectionString;
    private readonly bool _durable;
    private readonly SqliteGroupCommitWriter<Append> _writer;

    public SqliteAuditLog(string path, bool durableCommits, ILogger<SqliteAuditLog> logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _durable = durableCommits;
        _writer = new SqliteGroupCommitWriter<Append>($"SQLite audit log ({path})", MaxBatch, long.MaxValue, logger,
            static () => new InvalidOperationException("the audit log is stopped"));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = SqliteDatabase.OpenForWriting(_connectionString, _durable);
        try
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = Schema;
                command.ExecuteNonQuery();
                // Files made before role and scope were recorded get the columns added (SQLite has no ADD COLUMN IF NOT EXISTS).
                command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('audit_log') WHERE name = 'role'";
                if (Convert.ToInt64(command.ExecuteScalar()) == 0)
                {
                    command.CommandText = "ALTER TABLE audit_log ADD COLUMN role TEXT NOT NULL DEFAULT ''; ALTER TABLE audit_log ADD COLUMN scope TEXT NOT NULL DEFAULT '';";
                    command.ExecuteNonQuery();
                }
            }

            _writer.Start(connection, new AppendStatements(connection));
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops taking appends, stores every one already queued, then closes the writer's connection.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _writer.Complete();
        if (_writer.IsStarted) await _writer.Exited.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var append = new Append(entry);
        _writer.Enqueue(append);
        return append.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT at_utc_ticks, caller, action, location_id, report_id, outcome, lines, version, detail, role, scope FROM audit_log
            WHERE at_utc_ticks >= $from AND at_utc_ticks < $to {(query.LocationId is null ? "" : "AND location_id = $loc")}
            ORDER BY at_utc_ticks, seq LIMIT $limit
            """;
        command.Parameters.AddWithValue("$from", query.From.UtcTicks);
        command.Parameters.AddWithValue("$to", query.To.UtcTicks);
        command.Parameters.AddWithValue("$limit", query.Limit);
        if (query.LocationId is not null) command.Parameters.AddWithValue("$loc", query.LocationId);
        var result = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new AuditEntry(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt64(7), reader.GetString(8))
            {
                Role = reader.GetString(9),
                Scope = reader.GetString(10),
            });
        }
        return result;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout={SqliteDatabase.BusyTimeoutMs}; PRAGMA synchronous={(_durable ? "FULL" : "NORMAL")};";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>One caller's entry waiting for the group commit.</summary>
    private sealed class Append(AuditEntry entry) : GroupCommitOp
    {
        public AuditEntry Entry { get; } = entry;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override bool IsCompleted => Done.Task.IsCompleted;
        protected override void Succeed(int batchSize) => Done.TrySetResult();
        public override void Fail(Exception error) => Done.TrySetException(error);
    }

    /// <summary>The prepared INSERT: the only statement the log ever runs on audit_log (its triggers refuse the rest).</summary>
    private sealed class AppendStatements : IGroupCommitStatements<Append>
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _p;

        public AppendStatements(SqliteConnection connection)
        {
            _insert = connection.CreateCommand();
            _insert.CommandText = """
                INSERT INTO audit_log (at_utc_ticks, caller, action, location_id, report_id, outcome, lines, version, detail, role, scope)
                VALUES ($at, $caller, $action, $loc, $report, $outcome, $lines, $version, $detail, $role, $scope)
                """;
            _p = new[] { "$at", "$caller", "$action", "$loc", "$report", "$outcome", "$lines", "$version", "$detail", "$role", "$scope" }
                .Select(name => _insert.Parameters.Add(name, SqliteType.Text)).ToArray();
            _insert.Prepare();
        }

        public Exception? Apply(Append op, long now)
        {
            var (e, p) = (op.Entry, _p);
            p[0].Value = e.At.UtcTicks; p[1].Value = e.Caller; p[2].Value = e.Action; p[3].Value = e.LocationId;
            p[4].Value = e.ReportId; p[5].Value = e.Outcome; p[6].Value = e.Lines; p[7].Value = e.LocationVersion; p[8].Value = e.Detail;
            p[9].Value = e.Role; p[10].Value = e.Scope;
            _insert.ExecuteNonQuery();
            return null;
        }

        // The caller gets SQLite's own error, unwrapped.
        public Exception Failure(Append op, string step, Exception error) => error;

        public void Dispose() => _insert.Dispose();
    }
}
