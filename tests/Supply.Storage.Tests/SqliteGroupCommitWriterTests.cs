using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Supply.Storage.Sqlite;

namespace Supply.Storage.Tests;

/// <summary>
/// The group-commit writer shared by the grain storage and the audit log, on a table of its own: batching,
/// each caller's own outcome, release only after commit, drain on stop.
/// </summary>
public sealed class SqliteGroupCommitWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string ConnectionString => $"Data Source={_temp.File("writer.db")};Pooling=False";

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Each_operation_of_one_batch_gets_its_own_outcome()
    {
        var writer = NewWriter();
        // Queued before the thread starts, so all five are taken as one batch.
        var ops = new long[] { 1, 2, -3, 13, 5 }.Select(v => new Insert(v)).ToArray();
        foreach (var op in ops)
            writer.Enqueue(op);
        Start(writer);

        await Task.WhenAll(ops.Where(o => o.Value is 1 or 2 or 5).Select(o => o.Done.Task));
        Assert.All(ops.Where(o => o.Value is 1 or 2 or 5), o => Assert.Equal(5, o.BatchSize));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ops[2].Done.Task);
        Assert.Equal("refused -3", refused.Message);
        var failed = await Assert.ThrowsAsync<IOException>(() => ops[3].Done.Task);
        Assert.StartsWith("write of 13:", failed.Message);
        Assert.Contains("CHECK constraint failed", failed.Message);

        Assert.Equal([1, 2, 5], StoredValues());
        await StopAsync(writer);
    }

    [Fact]
    public async Task Callers_are_released_only_after_their_batch_is_committed()
    {
        var writer = NewWriter();
        Start(writer);
        // Each op looks from another connection, at the moment it is released, whether its row is there.
        var ops = Enumerable.Range(100, 50).Select(v => new Insert(v, ConnectionString)).ToArray();
        await Task.WhenAll(ops.Select(op => Task.Run(() => writer.Enqueue(op))));
        await Task.WhenAll(ops.Select(o => o.Done.Task));

        Assert.All(ops, o => Assert.True(o.CommittedWhenReleased, $"{o.Value} released before its commit"));
        await StopAsync(writer);
    }

    [Theory]
    [InlineData(4, long.MaxValue, new[] { 4, 4, 2 })]
    [InlineData(100, 250, new[] { 3, 3, 3, 1 })] // 100 bytes each: the third passes the cap, the batch ends
    public async Task Batches_keep_to_the_size_and_byte_caps(int maxBatchSize, long maxBatchBytes, int[] batches)
    {
        var writer = NewWriter(maxBatchSize, maxBatchBytes);
        var ops = Enumerable.Range(100, batches.Sum()).Select(v => new Insert(v)).ToArray();
        foreach (var op in ops)
            writer.Enqueue(op);
        Start(writer);
        await Task.WhenAll(ops.Select(o => o.Done.Task));

        Assert.Equal(batches.SelectMany(size => Enumerable.Repeat(size, size)), ops.Select(o => o.BatchSize));
        await StopAsync(writer);
    }

    [Fact]
    public async Task Concurrent_callers_share_batches_and_stop_commits_everything_queued()
    {
        var writer = NewWriter();
        Start(writer);
        var ops = Enumerable.Range(100, 2000).Select(v => new Insert(v)).ToArray();
        Parallel.ForEach(ops, new ParallelOptions { MaxDegreeOfParallelism = 8 }, writer.Enqueue);
        await StopAsync(writer);

        Assert.All(ops, o => Assert.True(o.Done.Task.IsCompletedSuccessfully));
        Assert.Contains(ops, o => o.BatchSize > 1); // enqueueing outpaces the commits
        Assert.Equal(2000, StoredValues().Count);
        Assert.Throws<ObjectDisposedException>(() => writer.Enqueue(new Insert(9999)));
    }

    [Theory]
    [InlineData(true, 2)]  // FULL: fsync on every commit
    [InlineData(false, 1)] // NORMAL
    public void The_writer_connection_is_wal_and_syncs_as_asked(bool durable, long synchronous)
    {
        using var connection = SqliteDatabase.OpenForWriting(ConnectionString, durable);
        Assert.Equal("wal", SqliteDatabase.Execute(connection, "PRAGMA journal_mode;"));
        Assert.Equal(synchronous.ToString(), SqliteDatabase.Execute(connection, "PRAGMA synchronous;"));
    }

    private static SqliteGroupCommitWriter<Insert> NewWriter(int maxBatchSize = 256, long maxBatchBytes = long.MaxValue) =>
        new("test writer", maxBatchSize, maxBatchBytes, NullLogger.Instance, static () => new ObjectDisposedException("test writer"));

    private void Start(SqliteGroupCommitWriter<Insert> writer)
    {
        var connection = SqliteDatabase.OpenForWriting(ConnectionString, durable: true);
        SqliteDatabase.Execute(connection, "CREATE TABLE IF NOT EXISTS t (v INTEGER NOT NULL CHECK (v <> 13));");
        writer.Start(connection, new Statements(connection));
    }

    private static async Task StopAsync(SqliteGroupCommitWriter<Insert> writer)
    {
        writer.Complete();
        await writer.Exited.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private List<long> StoredValues()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT v FROM t ORDER BY v;";
        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
            values.Add(reader.GetInt64(0));
        return values;
    }

    private sealed class Insert(long value, string? checkFrom = null) : GroupCommitOp
    {
        public long Value => value;
        public int BatchSize { get; private set; }
        public bool CommittedWhenReleased { get; private set; }
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override long Bytes => 100;
        public override bool IsCompleted => Done.Task.IsCompleted;

        protected override void Succeed(int batchSize)
        {
            BatchSize = batchSize;
            if (checkFrom is not null)
            {
                using var connection = new SqliteConnection(checkFrom);
                connection.Open();
                CommittedWhenReleased = SqliteDatabase.Execute(connection, $"SELECT COUNT(*) FROM t WHERE v = {value};") == "1";
            }

            Done.TrySetResult();
        }

        public override void Fail(Exception error) => Done.TrySetException(error);
    }

    /// <summary>Negative values are refused (an outcome, as an ETag conflict is); 13 breaks the table's CHECK (an error).</summary>
    private sealed class Statements : IGroupCommitStatements<Insert>
    {
        private readonly SqliteCommand _insert;

        public Statements(SqliteConnection connection)
        {
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO t (v) VALUES ($v);";
            _insert.Parameters.Add("$v", SqliteType.Integer);
            _insert.Prepare();
        }

        public Exception? Apply(Insert op, long now)
        {
            if (op.Value < 0)
                return new InvalidOperationException($"refused {op.Value}");
            _insert.Parameters[0].Value = op.Value;
            _insert.ExecuteNonQuery();
            return null;
        }

        public Exception Failure(Insert op, string step, Exception error) => new IOException($"{step} of {op.Value}: {error.Message}", error);

        public void Dispose() => _insert.Dispose();
    }
}
