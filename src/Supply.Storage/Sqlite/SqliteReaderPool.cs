using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Supply.Storage.Sqlite;

/// <summary>
/// Idle read-only connections of the grain storage, each with its prepared SELECT: reads run concurrently
/// beside the writer (WAL allows it) without opening a connection per read.
/// </summary>
internal sealed class SqliteReaderPool(string connectionString, string serviceId)
{
    private const int MaxIdleReaders = 16;

    private readonly ConcurrentQueue<ReadSlot> _idle = new();
    private int _idleCount;
    private volatile bool _closed;

    /// <summary>An idle reader, or a new one (opening a connection) when none is idle.</summary>
    public ReadSlot Rent()
    {
        if (_idle.TryDequeue(out var slot))
        {
            Interlocked.Decrement(ref _idleCount);
            return slot;
        }

        return new ReadSlot(connectionString, serviceId);
    }

    /// <summary>Keeps <paramref name="slot"/> for the next read, or disposes it when enough are idle or the pool is closed.</summary>
    public void Return(ReadSlot slot)
    {
        if (_closed)
        {
            slot.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref _idleCount);
            slot.Dispose();
            return;
        }

        _idle.Enqueue(slot);
        // Close may have drained the pool between the check above and the enqueue.
        if (_closed)
            DisposeIdle();
    }

    /// <summary>Disposes the idle readers; readers still in use are disposed as they come back.</summary>
    public void Close()
    {
        _closed = true;
        DisposeIdle();
    }

    private void DisposeIdle()
    {
        while (_idle.TryDequeue(out var slot))
            slot.Dispose();
    }
}

/// <summary>A reader connection with its prepared SELECT, pooled by <see cref="SqliteReaderPool"/>.</summary>
internal sealed class ReadSlot : IDisposable
{
    private readonly SqliteConnection _connection;

    public ReadSlot(string connectionString, string serviceId)
    {
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA query_only = 1; PRAGMA busy_timeout = {SqliteDatabase.BusyTimeoutMs};";
                pragma.ExecuteNonQuery();
            }

            Select = _connection.CreateCommand();
            Select.CommandText = $"SELECT etag, data FROM grain_state WHERE {GrainStateTable.KeyFilter};";
            Select.Parameters.Add("$s", SqliteType.Text).Value = serviceId;
            Grain = Select.Parameters.Add("$g", SqliteType.Text);
            State = Select.Parameters.Add("$n", SqliteType.Text);
            Select.Prepare();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public SqliteCommand Select { get; }
    public SqliteParameter Grain { get; }
    public SqliteParameter State { get; }

    public void Dispose()
    {
        Select.Dispose();
        _connection.Dispose();
    }
}
