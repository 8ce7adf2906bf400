using Microsoft.Data.Sqlite;

namespace Supply.Storage.Sqlite;

/// <summary>
/// One caller's operation queued for a <see cref="SqliteGroupCommitWriter{TOp}"/>. A subclass carries the data
/// and the caller's completion; the writer decides when (only after the commit) and with what it completes.
/// </summary>
internal abstract class GroupCommitOp
{
    /// <summary>Set by the writer from <see cref="IGroupCommitStatements{TOp}.Apply"/>; delivered once the batch commits.</summary>
    public Exception? Refusal { get; set; }

    /// <summary>Bytes counted toward the writer's per-batch cap.</summary>
    public virtual long Bytes => 0;

    /// <summary>True once the caller has its outcome (e.g. failed alone earlier in a retried batch).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>Releases the caller: its batch (<paramref name="batchSize"/> operations) has committed.</summary>
    protected abstract void Succeed(int batchSize);

    public abstract void Fail(Exception error);

    internal void Committed(int batchSize)
    {
        if (Refusal is { } refusal)
            Fail(refusal);
        else
            Succeed(batchSize);
    }
}

/// <summary>
/// What a <see cref="SqliteGroupCommitWriter{TOp}"/> runs for one job (grain state, audit appends): statements
/// prepared on the writer's connection, disposed when the writer closes it.
/// </summary>
internal interface IGroupCommitStatements<in TOp> : IDisposable
{
    /// <summary>
    /// Runs <paramref name="op"/> inside the open transaction. Returns the caller's refusal (an outcome such as an
    /// ETag conflict, not an error: the batch still commits) or null. Throwing fails this operation alone.
    /// </summary>
    /// <param name="now">The batch's timestamp (Unix milliseconds), one for all its operations.</param>
    Exception? Apply(TOp op, long now);

    /// <summary>The error <paramref name="op"/>'s caller gets when <paramref name="step"/> ("write", "commit", ...) failed.</summary>
    Exception Failure(TOp op, string step, Exception error);
}

/// <summary>BEGIN/COMMIT/ROLLBACK as plain prepared statements rather than SqliteTransaction: no per-batch objects.</summary>
internal sealed class TransactionStatements : IDisposable
{
    public TransactionStatements(SqliteConnection connection)
    {
        // IMMEDIATE: take the write lock up front, so another writer on the file makes us wait at BEGIN
        // (busy_timeout) rather than fail mid-batch.
        Begin = Prepare(connection, "BEGIN IMMEDIATE;");
        Commit = Prepare(connection, "COMMIT;");
        Rollback = Prepare(connection, "ROLLBACK;");
    }

    public SqliteCommand Begin { get; }
    public SqliteCommand Commit { get; }
    public SqliteCommand Rollback { get; }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        Begin.Dispose();
        Commit.Dispose();
        Rollback.Dispose();
    }
}
