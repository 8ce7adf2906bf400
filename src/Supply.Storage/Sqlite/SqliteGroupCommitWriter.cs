using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Supply.Storage.Sqlite;

/// <summary>
/// One writer thread per SQLite connection that commits queued operations in groups: one transaction per
/// batch, so one fsync per batch instead of per operation when synchronous=FULL, which is what makes durable
/// commits fast. Each caller is released only after its batch has committed, with its own result, refusal or
/// error. Used by the grain storage (ETag-checked writes and clears) and the SQLite audit log (appends).
/// </summary>
internal sealed class SqliteGroupCommitWriter<TOp> where TOp : GroupCommitOp
{
    private readonly string _name;
    private readonly int _maxBatchSize;
    private readonly long _maxBatchBytes;
    private readonly ILogger _logger;
    private readonly Func<Exception> _stopped;
    private readonly Channel<TOp> _queue =
        Channel.CreateUnbounded<TOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly Action _setWake;

    /// <param name="name">Who writes, for logs and the thread name (e.g. "SQLite grain storage 'default'").</param>
    /// <param name="maxBatchSize">Most operations in one transaction.</param>
    /// <param name="maxBatchBytes">Caps one transaction's payload (see <see cref="GroupCommitOp.Bytes"/>).</param>
    /// <param name="stopped">The error for an operation offered after <see cref="Complete"/>.</param>
    public SqliteGroupCommitWriter(string name, int maxBatchSize, long maxBatchBytes, ILogger logger, Func<Exception> stopped)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _name = name;
        _maxBatchSize = maxBatchSize;
        _maxBatchBytes = maxBatchBytes;
        _logger = logger;
        _stopped = stopped;
        _setWake = _wake.Set;
    }

    /// <summary>True once <see cref="Start"/> has run; only then does <see cref="Exited"/> ever complete.</summary>
    public bool IsStarted => Volatile.Read(ref _thread) is not null;

    /// <summary>Completes when the thread has drained the queue and closed its connection.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Queues <paramref name="op"/>; may be called before <see cref="Start"/> (it waits in the queue).</summary>
    public void Enqueue(TOp op)
    {
        if (!_queue.Writer.TryWrite(op))
            throw _stopped();
    }

    /// <summary>No more operations; the thread commits what is queued, then exits.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Starts the writer thread on <paramref name="connection"/> (pragmas already set, see <see cref="SqliteDatabase"/>)
    /// with <paramref name="statements"/> prepared on it. From here on the writer owns and disposes both.
    /// </summary>
    public void Start(SqliteConnection connection, IGroupCommitStatements<TOp> statements)
    {
        var transaction = new TransactionStatements(connection);
        var thread = new Thread(() => Run(connection, transaction, statements))
        {
            IsBackground = true,
            Name = $"{_name} writer",
        };
        thread.Start();
        Volatile.Write(ref _thread, thread);
    }

    private void Run(SqliteConnection connection, TransactionStatements transaction, IGroupCommitStatements<TOp> statements)
    {
        var batch = new List<TOp>(Math.Min(_maxBatchSize, 1024));
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var first))
                {
                    // False means completed and drained.
                    if (!WaitToRead(reader))
                        break;
                    continue;
                }

                batch.Add(first);
                var bytes = first.Bytes;
                while (batch.Count < _maxBatchSize && bytes < _maxBatchBytes && reader.TryRead(out var next))
                {
                    batch.Add(next);
                    bytes += next.Bytes;
                }

                try
                {
                    ExecuteBatch(transaction, statements, batch);
                }
                catch (Exception ex)
                {
                    // ExecuteBatch handles SQLite errors itself; this is a last resort so no caller hangs.
                    _logger.LogError(ex, "{Writer}: unexpected writer failure", _name);
                    foreach (var op in batch)
                        op.Fail(statements.Failure(op, "write", ex));
                }

                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            _logger.LogCritical(ex, "{Writer}: writer loop crashed", _name);
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var orphan))
                orphan.Fail(_stopped());
            statements.Dispose();
            transaction.Dispose();
            connection.Dispose();
            _exited.TrySetResult();
        }
    }

    /// <summary>
    /// Blocks this dedicated thread until the queue has an operation, without spinning: waiting on a task spins
    /// first, and the writer waits between almost every batch, so that spinning took a tenth of a 2-core node's CPU
    /// under report load (benchmarks/README.md). The event is set by whoever queues (the channel's continuation).
    /// </summary>
    private bool WaitToRead(ChannelReader<TOp> reader)
    {
        var waiting = reader.WaitToReadAsync();
        if (!waiting.IsCompleted)
        {
            _wake.Reset();
            waiting.GetAwaiter().UnsafeOnCompleted(_setWake);
            _wake.Wait();
        }
        return waiting.Result;
    }

    private void ExecuteBatch(TransactionStatements transaction, IGroupCommitStatements<TOp> statements, List<TOp> batch)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // An operation failing with an unexpected SQLite error is failed alone and the transaction is
        // re-run without it, so it cannot sink the rest of the batch. Each retry drops at least one
        // operation, so this ends. Refusals (ETag conflicts) are ordinary outcomes, not errors.
        while (true)
        {
            try
            {
                transaction.Begin.ExecuteNonQuery();
            }
            catch (Exception ex)
            {
                TryRollback(transaction); // in case a transaction was somehow left open; the next batch starts clean
                FailPending(statements, batch, "begin a transaction", ex);
                return;
            }

            TOp? broken = null;
            Exception? error = null;
            foreach (var op in batch)
            {
                if (op.IsCompleted)
                    continue;
                try
                {
                    op.Refusal = statements.Apply(op, now);
                }
                catch (Exception ex)
                {
                    broken = op;
                    error = ex;
                    break;
                }
            }

            if (broken is not null)
            {
                TryRollback(transaction);
                var failure = statements.Failure(broken, "write", error!);
                _logger.LogError(error, "{Writer}: {Failure} (failed alone; the rest of its batch is retried)", _name, failure.Message);
                broken.Fail(failure);
                continue;
            }

            try
            {
                transaction.Commit.ExecuteNonQuery();
            }
            catch (Exception ex)
            {
                TryRollback(transaction);
                FailPending(statements, batch, "commit", ex);
                return;
            }

            foreach (var op in batch)
                op.Committed(batch.Count);
            return;
        }
    }

    private void FailPending(IGroupCommitStatements<TOp> statements, List<TOp> batch, string step, Exception ex)
    {
        _logger.LogError(ex, "{Writer}: failed to {Step}; failing {Count} queued operations", _name, step, batch.Count);
        foreach (var op in batch)
        {
            if (!op.IsCompleted)
                op.Fail(statements.Failure(op, step, ex));
        }
    }

    private static void TryRollback(TransactionStatements transaction)
    {
        try
        {
            transaction.Rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (e.g. after an I/O error).
        }
    }
}
