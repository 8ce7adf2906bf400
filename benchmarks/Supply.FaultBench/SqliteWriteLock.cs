using Microsoft.Data.Sqlite;

namespace Supply.FaultBench;

/// <summary>
/// Makes the server's SQLite database refuse writes without touching the server: another process (this one) takes
/// the database's write lock (<c>BEGIN IMMEDIATE</c>) and holds it. Every write the server tries then waits for
/// SQLite's busy timeout and fails (SQLITE_BUSY), exactly as a disk refusing writes fails them (SQLITE_IOERR,
/// SQLITE_FULL): the group commit cannot begin its transaction. Reads go on (WAL). Releasing the lock is the disk
/// coming back. Chosen over a fault switch in the server (no code path exists only for the benchmark) and over a
/// small filesystem filled up (needs root and a mount, and a WAL file that has already grown keeps accepting writes
/// until it must grow again, so the outage would not start when the scenario says).
/// </summary>
public sealed class SqliteWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteWriteLock(SqliteConnection connection) => _connection = connection;

    public static async Task<SqliteWriteLock> TakeAsync(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60,
        }.ToString());
        await connection.OpenAsync();
        await using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout = 60000;";
            await busy.ExecuteNonQueryAsync();
        }
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;"; // waits for the server's current commit, then holds the write lock
        await begin.ExecuteNonQueryAsync();
        return new SqliteWriteLock(connection);
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
