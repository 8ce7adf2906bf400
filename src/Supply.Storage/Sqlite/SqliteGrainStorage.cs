using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// Durable single-node Orleans grain storage on one SQLite file (WAL mode).
/// </summary>
/// <remarks>
/// All writes and clears funnel through one writer thread that commits them in groups: one transaction
/// and one fsync per batch instead of per write, which is what makes durable commits fast. Each caller's
/// task completes only after its batch has committed. Reads run on their own connections, concurrently.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // Caps one transaction's payload so a burst of multi-MB states cannot make the WAL (or one commit) huge.
    private const long MaxBatchBytes = 64L << 20;
    private const int MaxIdleReaders = 16;
    // Grow the WAL to ~64 MB between checkpoints (default is 4 MB): fewer, larger checkpoints under load.
    private const int WalAutoCheckpointPages = 16_384;
    private const long JournalSizeLimitBytes = 64L << 20;
    // Another writer on the same file (e.g. two test silos in one process): let SQLite's busy handler wait
    // in short steps rather than Microsoft.Data.Sqlite's coarser retry loop.
    private const int BusyTimeoutMs = 10_000;

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

    private const string KeyFilter = "service_id = $s AND grain_id = $g AND state_name = $n";

    private readonly string _name;
    private readonly SqliteGrainStorageOptions _options;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _connectionString;

    private readonly Channel<PendingOp> _queue =
        Channel.CreateUnbounded<PendingOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<ReadSlot> _idleReaders = new();
    private int _idleReaderCount;
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startLock = new();
    private Task? _startTask;
    private Thread? _writerThread;
    private volatile bool _stopped;

    public SqliteGrainStorage(
        string name,
        SqliteGrainStorageOptions options,
        IGrainStorageSerializer defaultSerializer,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<SqliteGrainStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataSource))
            throw new ArgumentException($"SQLite grain storage '{name}': {nameof(options.DataSource)} is required.", nameof(options));
        if (options.MaxBatchSize < 1)
            throw new ArgumentException($"SQLite grain storage '{name}': {nameof(options.MaxBatchSize)} must be at least 1.", nameof(options));

        _name = name;
        _options = options;
        _serializer = options.GrainStorageSerializer ?? defaultSerializer
            ?? throw new ArgumentNullException(nameof(defaultSerializer));
        _serviceId = clusterOptions.Value.ServiceId ?? "";
        _logger = logger ?? NullLogger<SqliteGrainStorage>.Instance;
        _path = Path.GetFullPath(options.DataSource);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Connections are long-lived and owned here; pooling would keep the file open after stop.
            Pooling = false,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath => _path;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<SqliteGrainStorage>(_name), _options.InitStage, StartAsync, StopAsync);

    /// <summary>
    /// Opens the database, creates the schema and starts the writer. Idempotent; called by the silo
    /// lifecycle, or lazily by the first read/write when the provider is used on its own.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_startLock)
        {
            if (_startTask is null && _stopped)
                return Task.FromException(Stopped());
            return _startTask ??= Task.Run(Open, CancellationToken.None);
        }
    }

    /// <summary>Stops accepting writes, commits everything already queued, then closes the database.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task? start;
        lock (_startLock)
        {
            _stopped = true;
            start = _startTask;
        }

        _queue.Writer.TryComplete();
        if (start is not null)
        {
            // Let an open in progress finish, so its writer thread is known and waited for below.
            await start.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }

        if (Volatile.Read(ref _writerThread) is not null)
        {
            try
            {
                await _writerExited.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The writer thread keeps draining and closes its own connection when done.
                _logger.LogWarning("SQLite grain storage {Name}: stop timed out while pending writes were still committing", _name);
            }
        }

        // Readers still in use are disposed as they come back.
        DisposeIdleReaders();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    // Traced only when someone listens: the untraced path stays one plain call.
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        StorageTracing.IsEnabled
            ? TracedReadAsync(stateName, grainId, grainState, cancellationToken)
            : ReadCoreAsync(stateName, grainId, grainState, cancellationToken);

    private async Task TracedReadAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        using var activity = StorageTracing.Start(StorageTracing.Sqlite, "read", _name, stateName, grainId);
        try
        {
            var bytes = await ReadCoreAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
            StorageTracing.Read(activity, grainState.RecordExists, bytes);
        }
        catch (Exception ex) when (StorageTracing.Failed(activity, ex))
        {
            throw; // not reached: the filter only records the failure
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        StorageTracing.IsEnabled
            ? TracedWriteAsync(stateName, grainId, grainState, cancellationToken)
            : WriteCoreAsync(stateName, grainId, grainState, cancellationToken);

    private async Task TracedWriteAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        using var activity = StorageTracing.Start(StorageTracing.Sqlite, "write", _name, stateName, grainId);
        try
        {
            var (bytes, batchSize) = await WriteCoreAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
            StorageTracing.Written(activity, bytes, batchSize);
        }
        catch (Exception ex) when (StorageTracing.Failed(activity, ex))
        {
            throw;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        StorageTracing.IsEnabled
            ? TracedClearAsync(stateName, grainId, grainState, cancellationToken)
            : ClearCoreAsync(stateName, grainId, grainState, cancellationToken);

    private async Task TracedClearAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        using var activity = StorageTracing.Start(StorageTracing.Sqlite, "clear", _name, stateName, grainId);
        try
        {
            await ClearCoreAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageTracing.Failed(activity, ex))
        {
            throw;
        }
    }

    /// <returns>The stored state's size in bytes (0 when there is none).</returns>
    private async Task<int> ReadCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var grainKey = grainId.ToString();
        string? etag;
        byte[]? data;
        ReadSlot? slot = null;
        try
        {
            slot = RentReader();
            slot.Grain.Value = grainKey;
            slot.State.Value = stateName;
            using var reader = slot.Select.ExecuteReader();
            if (reader.Read())
            {
                etag = reader.GetString(0);
                data = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
            }
            else
            {
                etag = null;
                data = null;
            }
        }
        catch (Exception ex) when (ex is not SqliteGrainStorageException)
        {
            slot?.Dispose();
            slot = null;
            throw new SqliteGrainStorageException(Describe("read", stateName, grainKey) + ": " + ex.Message, ex);
        }
        finally
        {
            if (slot is not null)
                ReturnReader(slot);
        }

        // Deserialize after the connection is back in the pool.
        if (data is null)
        {
            // Missing row, or a row kept by a clear (its ETag is kept so the next write can match it).
            ResetState(grainState);
            grainState.ETag = etag;
            grainState.RecordExists = false;
            return 0;
        }

        T? state;
        try
        {
            state = _serializer.Deserialize<T>(new BinaryData(data));
        }
        catch (Exception ex)
        {
            throw new SqliteGrainStorageException(Describe("deserialize", stateName, grainKey) + $" as {typeof(T)}: " + ex.Message, ex);
        }

        if (state is null)
            ResetState(grainState);
        else
            grainState.State = state;
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return data.Length;
    }

    /// <returns>The serialized state's size and how many operations its batch committed together.</returns>
    private async Task<(int Bytes, int BatchSize)> WriteCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // Serialize on the caller so serialization runs in parallel; the writer thread only does I/O.
        var data = ToArray(_serializer.Serialize(grainState.State));
        var op = new PendingOp(OpKind.Write, grainId.ToString(), stateName, grainState.ETag, NewEtag(), data);
        Enqueue(op);

        // Not cancellable once queued: the write may already be committing, and abandoning it would leave
        // the caller's ETag out of step with storage.
        var newEtag = await op.Completion.Task.ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = true;
        return (data.Length, op.BatchSize);
    }

    private async Task ClearCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var kind = _options.DeleteStateOnClear ? OpKind.Delete : OpKind.ClearKeepRow;
        var op = new PendingOp(kind, grainId.ToString(), stateName, grainState.ETag, kind == OpKind.Delete ? null : NewEtag(), null);
        Enqueue(op);

        var newEtag = await op.Completion.Task.ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = false;
    }

    private Task EnsureStartedAsync()
    {
        var start = Volatile.Read(ref _startTask) ?? StartAsync();
        return start;
    }

    private void Enqueue(PendingOp op)
    {
        if (!_queue.Writer.TryWrite(op))
            throw Stopped();
    }

    private SqliteGrainStorageException Stopped() =>
        new($"SQLite grain storage '{_name}' ({_path}) is stopped.");

    private string Describe(string action, string stateName, string grainKey) =>
        $"SQLite grain storage '{_name}' ({_path}) failed to {action} state '{stateName}' of grain {grainKey}";

    private static void ResetState<T>(IGrainState<T> grainState)
    {
        // A fresh instance when one can be made; otherwise keep what the caller has (Orleans seeds it).
        if (FreshState<T>.CanCreate)
            grainState.State = Activator.CreateInstance<T>();
    }

    private static string NewEtag() => Guid.NewGuid().ToString("N");

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    // ---- start-up -------------------------------------------------------------------------------------

    private void Open()
    {
        SqliteConnection? connection = null;
        try
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory);

            connection = new SqliteConnection(_connectionString);
            connection.Open();

            ExecuteScalar(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs};");
            var journalMode = ExecuteScalar(connection, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new SqliteGrainStorageException($"journal_mode is '{journalMode}', WAL is required.");

            ExecuteScalar(connection, $"PRAGMA synchronous = {(_options.DurableCommits ? "FULL" : "NORMAL")};");
            ExecuteScalar(connection, $"PRAGMA wal_autocheckpoint = {WalAutoCheckpointPages};");
            ExecuteScalar(connection, $"PRAGMA journal_size_limit = {JournalSizeLimitBytes};");
            var version = Convert.ToInt32(ExecuteScalar(connection, "PRAGMA user_version;"));
            if (version > SchemaVersion)
                throw new SqliteGrainStorageException($"schema version {version} is newer than this build understands ({SchemaVersion}).");
            ExecuteScalar(connection, Schema);
            if (version < SchemaVersion)
                ExecuteScalar(connection, $"PRAGMA user_version = {SchemaVersion};");

            var writer = new Writer(connection, _serviceId);
            connection = null; // owned by the writer now

            var thread = new Thread(() => WriterLoop(writer))
            {
                IsBackground = true,
                Name = $"SqliteGrainStorage writer ({_name})",
            };
            thread.Start();
            Volatile.Write(ref _writerThread, thread);

            _logger.LogInformation(
                "SQLite grain storage {Name} opened {Path} (durable commits: {Durable}, delete on clear: {DeleteOnClear})",
                _name, _path, _options.DurableCommits, _options.DeleteStateOnClear);
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            _logger.LogError(ex, "SQLite grain storage {Name} cannot open database file {Path}", _name, _path);
            throw new SqliteGrainStorageException(
                $"SQLite grain storage '{_name}' cannot open database file '{_path}': {ex.Message}", ex);
        }
    }

    private static string? ExecuteScalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }

    // ---- writer ---------------------------------------------------------------------------------------

    private void WriterLoop(Writer writer)
    {
        var batch = new List<PendingOp>(Math.Min(_options.MaxBatchSize, 1024));
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var first))
                {
                    // Blocking is fine: this is a dedicated thread. False means completed and drained.
                    if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                        break;
                    continue;
                }

                batch.Add(first);
                long bytes = first.Data?.Length ?? 0;
                while (batch.Count < _options.MaxBatchSize && bytes < MaxBatchBytes && reader.TryRead(out var next))
                {
                    batch.Add(next);
                    bytes += next.Data?.Length ?? 0;
                }

                try
                {
                    ExecuteBatch(writer, batch);
                }
                catch (Exception ex)
                {
                    // ExecuteBatch handles SQLite errors itself; this is a last resort so no caller hangs.
                    _logger.LogError(ex, "SQLite grain storage {Name}: unexpected writer failure", _name);
                    foreach (var op in batch)
                        op.Completion.TrySetException(new SqliteGrainStorageException(Describe("write", op.StateName, op.GrainId) + ": " + ex.Message, ex));
                }

                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            _logger.LogCritical(ex, "SQLite grain storage {Name}: writer loop crashed", _name);
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var orphan))
                orphan.Completion.TrySetException(Stopped());
            writer.Dispose();
            _writerExited.TrySetResult();
        }
    }

    private void ExecuteBatch(Writer writer, List<PendingOp> batch)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // An operation failing with an unexpected SQLite error is failed alone and the transaction is
        // re-run without it, so it cannot sink the rest of the batch. Each retry drops at least one
        // operation, so this ends. ETag conflicts are ordinary outcomes, not errors.
        while (true)
        {
            try
            {
                writer.Begin.ExecuteNonQuery();
            }
            catch (Exception ex)
            {
                TryRollback(writer); // in case a transaction was somehow left open; the next batch starts clean
                FailPending(batch, "begin a transaction", ex);
                return;
            }

            PendingOp? broken = null;
            Exception? error = null;
            foreach (var op in batch)
            {
                if (op.Completion.Task.IsCompleted)
                    continue;
                try
                {
                    op.Conflict = Apply(writer, op, now);
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
                TryRollback(writer);
                _logger.LogError(error, "SQLite grain storage {Name}: write of {StateName} for {GrainId} failed", _name, broken.StateName, broken.GrainId);
                broken.Completion.TrySetException(new SqliteGrainStorageException(
                    Describe("write", broken.StateName, broken.GrainId) + ": " + error!.Message, error));
                continue;
            }

            try
            {
                writer.Commit.ExecuteNonQuery();
            }
            catch (Exception ex)
            {
                TryRollback(writer);
                FailPending(batch, "commit", ex);
                return;
            }

            foreach (var op in batch)
            {
                op.BatchSize = batch.Count; // for the caller's trace span
                if (op.Conflict is { } conflict)
                    op.Completion.TrySetException(conflict);
                else
                    op.Completion.TrySetResult(op.ResultEtag);
            }

            return;
        }
    }

    private void FailPending(List<PendingOp> batch, string step, Exception ex)
    {
        _logger.LogError(ex, "SQLite grain storage {Name}: failed to {Step}; failing {Count} queued operations", _name, step, batch.Count);
        foreach (var op in batch)
        {
            op.Completion.TrySetException(new SqliteGrainStorageException(
                $"SQLite grain storage '{_name}' ({_path}) failed to {step} for state '{op.StateName}' of grain {op.GrainId}: {ex.Message}", ex));
        }
    }

    private static void TryRollback(Writer writer)
    {
        try
        {
            writer.Rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (e.g. after an I/O error).
        }
    }

    /// <summary>Runs one operation inside the open transaction; returns the conflict, if any.</summary>
    private SqliteInconsistentStateException? Apply(Writer w, PendingOp op, long now)
    {
        switch (op.Kind)
        {
            case OpKind.Write when op.ExpectedEtag is null:
                // Caller believes there is no row: insert, never overwrite.
                w.SetKey(w.Insert, op);
                w.Insert.Parameters[3].Value = op.NewEtag;
                w.Insert.Parameters[4].Value = op.Data;
                w.Insert.Parameters[5].Value = now;
                if (w.Insert.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;

            case OpKind.Write:
                w.SetKey(w.Update, op);
                w.Update.Parameters[3].Value = op.NewEtag;
                w.Update.Parameters[4].Value = op.Data;
                w.Update.Parameters[5].Value = now;
                w.Update.Parameters[6].Value = op.ExpectedEtag;
                if (w.Update.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;

            case OpKind.Delete or OpKind.ClearKeepRow when op.ExpectedEtag is null:
                // Nothing to clear is fine, but a row the caller has not seen is a conflict.
                if (ReadEtag(w, op) is null)
                    return Succeed(op, null);
                break;

            case OpKind.Delete:
                w.SetKey(w.Delete, op);
                w.Delete.Parameters[3].Value = op.ExpectedEtag;
                if (w.Delete.ExecuteNonQuery() == 1)
                    return Succeed(op, null);
                break;

            case OpKind.ClearKeepRow:
                w.SetKey(w.ClearKeep, op);
                w.ClearKeep.Parameters[3].Value = op.NewEtag;
                w.ClearKeep.Parameters[4].Value = now;
                w.ClearKeep.Parameters[5].Value = op.ExpectedEtag;
                if (w.ClearKeep.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;
        }

        var stored = ReadEtag(w, op);
        var action = op.Kind == OpKind.Write ? "write" : "clear";
        return new SqliteInconsistentStateException(
            $"ETag conflict on {action} of state '{op.StateName}' for grain {op.GrainId} in SQLite grain storage '{_name}': " +
            $"stored ETag {stored ?? "<no row>"}, caller's ETag {op.ExpectedEtag ?? "<none>"}. Nothing was written.",
            stored,
            op.ExpectedEtag);
    }

    private static SqliteInconsistentStateException? Succeed(PendingOp op, string? etag)
    {
        op.ResultEtag = etag;
        return null;
    }

    private static string? ReadEtag(Writer w, PendingOp op)
    {
        w.SetKey(w.SelectEtag, op);
        return w.SelectEtag.ExecuteScalar() as string;
    }

    // ---- readers --------------------------------------------------------------------------------------

    private ReadSlot RentReader()
    {
        if (_stopped)
            throw Stopped();
        if (_idleReaders.TryDequeue(out var slot))
        {
            Interlocked.Decrement(ref _idleReaderCount);
            return slot;
        }

        return new ReadSlot(_connectionString, _serviceId);
    }

    private void ReturnReader(ReadSlot slot)
    {
        if (_stopped)
        {
            slot.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleReaderCount) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref _idleReaderCount);
            slot.Dispose();
            return;
        }

        _idleReaders.Enqueue(slot);
        // Stop may have drained the pool between the check above and the enqueue.
        if (_stopped)
            DisposeIdleReaders();
    }

    private void DisposeIdleReaders()
    {
        while (_idleReaders.TryDequeue(out var slot))
            slot.Dispose();
    }

    private enum OpKind
    {
        Write,
        Delete,
        ClearKeepRow,
    }

    private sealed class PendingOp(OpKind kind, string grainId, string stateName, string? expectedEtag, string? newEtag, byte[]? data)
    {
        public OpKind Kind { get; } = kind;
        public string GrainId { get; } = grainId;
        public string StateName { get; } = stateName;
        public string? ExpectedEtag { get; } = expectedEtag;
        public string? NewEtag { get; } = newEtag;
        public byte[]? Data { get; } = data;

        // Set by the writer thread; read by it after commit.
        public string? ResultEtag { get; set; }
        public SqliteInconsistentStateException? Conflict { get; set; }
        public int BatchSize { get; set; }

        public TaskCompletionSource<string?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's connection and its prepared statements, reused for every batch.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly List<SqliteCommand> _commands = [];

        public Writer(SqliteConnection connection, string serviceId)
        {
            _connection = connection;
            // Plain BEGIN/COMMIT statements rather than SqliteTransaction: prepared once, no per-batch objects.
            Begin = Prepare("BEGIN IMMEDIATE;", serviceId);
            Commit = Prepare("COMMIT;", serviceId);
            Rollback = Prepare("ROLLBACK;", serviceId);
            Insert = Prepare(
                "INSERT INTO grain_state (service_id, grain_id, state_name, etag, data, version, updated_utc) " +
                "VALUES ($s, $g, $n, $etag, $data, 1, $now) ON CONFLICT DO NOTHING;",
                serviceId, ("$etag", SqliteType.Text), ("$data", SqliteType.Blob), ("$now", SqliteType.Integer));
            Update = Prepare(
                "UPDATE grain_state SET etag = $etag, data = $data, version = version + 1, updated_utc = $now " +
                $"WHERE {KeyFilter} AND etag = $expected;",
                serviceId, ("$etag", SqliteType.Text), ("$data", SqliteType.Blob), ("$now", SqliteType.Integer), ("$expected", SqliteType.Text));
            Delete = Prepare(
                $"DELETE FROM grain_state WHERE {KeyFilter} AND etag = $expected;",
                serviceId, ("$expected", SqliteType.Text));
            ClearKeep = Prepare(
                "UPDATE grain_state SET etag = $etag, data = NULL, version = version + 1, updated_utc = $now " +
                $"WHERE {KeyFilter} AND etag = $expected;",
                serviceId, ("$etag", SqliteType.Text), ("$now", SqliteType.Integer), ("$expected", SqliteType.Text));
            SelectEtag = Prepare($"SELECT etag FROM grain_state WHERE {KeyFilter};", serviceId);
        }

        public SqliteCommand Begin { get; }
        public SqliteCommand Commit { get; }
        public SqliteCommand Rollback { get; }
        public SqliteCommand Insert { get; }
        public SqliteCommand Update { get; }
        public SqliteCommand Delete { get; }
        public SqliteCommand ClearKeep { get; }
        public SqliteCommand SelectEtag { get; }

        /// <summary>Binds grain id and state name (parameters 1 and 2; 0 is the fixed service id).</summary>
        public void SetKey(SqliteCommand command, PendingOp op)
        {
            command.Parameters[1].Value = op.GrainId;
            command.Parameters[2].Value = op.StateName;
        }

        private SqliteCommand Prepare(string sql, string serviceId, params (string Name, SqliteType Type)[] extra)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            if (sql.Contains("$s", StringComparison.Ordinal))
            {
                command.Parameters.Add("$s", SqliteType.Text).Value = serviceId;
                command.Parameters.Add("$g", SqliteType.Text);
                command.Parameters.Add("$n", SqliteType.Text);
            }

            foreach (var (name, type) in extra)
                command.Parameters.Add(name, type);
            command.Prepare();
            _commands.Add(command);
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands)
                command.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>A reader connection with its prepared SELECT, pooled by the storage.</summary>
    private sealed class ReadSlot : IDisposable
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
                    pragma.CommandText = $"PRAGMA query_only = 1; PRAGMA busy_timeout = {BusyTimeoutMs};";
                    pragma.ExecuteNonQuery();
                }

                Select = _connection.CreateCommand();
                Select.CommandText = $"SELECT etag, data FROM grain_state WHERE {KeyFilter};";
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

    private static class FreshState<T>
    {
        public static readonly bool CanCreate =
            typeof(T).IsValueType || (!typeof(T).IsAbstract && typeof(T).GetConstructor(Type.EmptyTypes) is not null);
    }
}

/// <summary>
/// Spans around grain-state reads, writes and clears of the Supply storage providers, on the ActivitySource
/// <c>Supply.Storage</c> (register it with OpenTelemetry: <c>.AddSource(StorageTracing.ActivitySourceName)</c>).
/// They nest under Orleans' own "read/write storage" spans (source <c>Microsoft.Orleans.Storage</c>) and show
/// the provider's share: for SQLite, the wait for the group commit. Tagged with the grain type and state name,
/// never the grain key or the state's contents.
/// </summary>
public static class StorageTracing
{
    public const string ActivitySourceName = "Supply.Storage";

    internal const string Sqlite = "sqlite";
    internal const string AzureTable = "azure-table";

    private static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    /// <summary>True when a listener (an OpenTelemetry tracer provider) wants these spans.</summary>
    internal static bool IsEnabled => Source.HasListeners();

    /// <summary>Starts "{provider} {operation}" (e.g. "sqlite write"); null when nobody samples it.</summary>
    internal static Activity? Start(string provider, string operation, string providerName, string stateName, GrainId grainId)
    {
        var activity = Source.StartActivity($"{provider} {operation}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", provider == Sqlite ? "sqlite" : "azure.tables");
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("supply.storage.name", providerName); // the provider's registered name
            activity.SetTag("orleans.storage.state.name", stateName);
            activity.SetTag("orleans.grain.type", grainId.Type.ToString());
        }

        return activity;
    }

    internal static void Read(Activity? activity, bool found, long bytes)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        activity.SetTag("supply.storage.found", found);
        activity.SetTag("supply.storage.bytes", bytes);
    }

    internal static void Written(Activity? activity, long bytes, int batchSize = 0)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        activity.SetTag("supply.storage.bytes", bytes);
        if (batchSize > 0)
            activity.SetTag("supply.storage.batch_size", batchSize);
    }

    /// <summary>Marks the span failed (an ETag conflict is tagged as such); returns false, for use as an exception filter.</summary>
    internal static bool Failed(Activity? activity, Exception ex)
    {
        if (activity is null)
            return false;
        var conflict = ex is InconsistentStateException;
        activity.SetStatus(ActivityStatusCode.Error, conflict ? "ETag conflict" : ex.GetType().Name);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("error.type", ex.GetType().FullName);
            if (conflict)
                activity.SetTag("supply.storage.etag_conflict", true);
            activity.AddException(ex);
        }

        return false;
    }
}
