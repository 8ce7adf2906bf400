using System.Threading.Channels;
using Supply.Domain.Audit;

namespace Supply.Storage.Audit;

/// <summary>
/// Where audit appends wait for their writer: callers get a task that completes once their entry
/// is stored; the writer takes them in batches (group commit) and settles each batch at once.
/// Used by the Azure Table audit log; the SQLite one uses the shared SqliteGroupCommitWriter.
/// </summary>
internal sealed class AuditAppendQueue
{
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(AuditEntry, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public Task Append(AuditEntry entry, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entry, done))) throw new InvalidOperationException("the audit log is stopped");
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>No more appends; the writer drains what is queued and ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>What is queued, up to <paramref name="max"/> entries at a time, until completed and drained.</summary>
    public async IAsyncEnumerable<IReadOnlyList<(AuditEntry Entry, TaskCompletionSource Done)>> Batches(int max)
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            var batch = new List<(AuditEntry, TaskCompletionSource)>();
            while (batch.Count < max && _queue.Reader.TryRead(out var item)) batch.Add(item);
            yield return batch;
        }
    }

    /// <summary>Releases the callers of a stored (error null) or failed batch.</summary>
    public static void Settle(IEnumerable<(AuditEntry Entry, TaskCompletionSource Done)> batch, Exception? error)
    {
        foreach (var (_, done) in batch)
        {
            if (error is null) done.TrySetResult();
            else done.TrySetException(error);
        }
    }
}
