using Microsoft.Data.Sqlite;

namespace Supply.Storage.Sqlite;

/// <summary>Database setup shared by the SQLite grain storage and audit log: connection pragmas, WAL, the grain_state schema.</summary>
internal static class SqliteDatabase
{
    // Another writer on the same file (e.g. two test silos in one process, or the audit log beside grain
    // state): let SQLite's busy handler wait in short steps rather than Microsoft.Data.Sqlite's coarser retry loop.
    public const int BusyTimeoutMs = 10_000;

    /// <summary>
    /// Opens the connection a <see cref="SqliteGroupCommitWriter{TOp}"/> writes on: WAL (required: readers then
    /// run beside the writer), and synchronous=FULL when <paramref name="durable"/> (every acknowledged commit
    /// survives power loss) or NORMAL (survives a process crash). The caller owns the connection.
    /// </summary>
    public static SqliteConnection OpenForWriting(string connectionString, bool durable, int busyTimeoutMs = BusyTimeoutMs)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {busyTimeoutMs};");
            var journalMode = Execute(connection, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"journal_mode is '{journalMode}', WAL is required.");
            Execute(connection, $"PRAGMA synchronous = {(durable ? "FULL" : "NORMAL")};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/>; returns its first value as text.</summary>
    public static string? Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }
}

/// <summary>The grain_state table: one row per (service, grain, state name).</summary>
internal static class GrainStateTable
{
    // Grow the WAL to ~64 MB between checkpoints (default is 4 MB): fewer, larger checkpoints under load.
    private const int WalAutoCheckpointPages = 16_384;
    private const long JournalSizeLimitBytes = 64L << 20;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            service_id  TEXT    NOT NULL,
            grain_id    TEXT    NOT NULL,
            state_name  TEXT    NOT NULL,
            etag        TEXT    NOT NULL,
            data        BLOB,
            version     INTEGER NOT NULL,
            updated_utc INTEGER NOT NULL,
            PRIMARY KEY (service_id, grain_id, state_name)
        );
        """;

    // Stored in PRAGMA user_version so a future layout change can be detected (and migrated) on open.
    private const int SchemaVersion = 1;

    /// <summary>Selects one row; parameters $s (service id), $g (grain id), $n (state name).</summary>
    public const string KeyFilter = "service_id = $s AND grain_id = $g AND state_name = $n";

    /// <summary>Sets the grain writer's checkpoint pragmas and creates (or checks) the schema.</summary>
    public static void Prepare(SqliteConnection writerConnection)
    {
        SqliteDatabase.Execute(writerConnection, $"PRAGMA wal_autocheckpoint = {WalAutoCheckpointPages};");
        SqliteDatabase.Execute(writerConnection, $"PRAGMA journal_size_limit = {JournalSizeLimitBytes};");
        var version = Convert.ToInt32(SqliteDatabase.Execute(writerConnection, "PRAGMA user_version;"));
        if (version > SchemaVersion)
            throw new SqliteGrainStorageException($"schema version {version} is newer than this build understands ({SchemaVersion}).");
        SqliteDatabase.Execute(writerConnection, Schema);
        if (version < SchemaVersion)
            SqliteDatabase.Execute(writerConnection, $"PRAGMA user_version = {SchemaVersion};");
    }
}
