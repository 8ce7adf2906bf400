using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Supply.Storage.Sqlite;

namespace Supply.Storage;

/// <summary>
/// Durable single-node Orleans grain storage on one SQLite file (WAL mode).
/// </summary>
/// <remarks>
/// All writes and clears funnel through one writer thread that commits them in groups: one transaction
/// and one fsync per batch instead of per write, which is what makes durable commits fast. Each caller's
/// task completes only after its batch has committed. Reads run on their own connections, concurrently.
/// This class holds the IGrainStorage semantics; the writer is <see cref="SqliteGroupCommitWriter{TOp}"/> (with
/// <see cref="GrainStateStatements"/> for the ETag checks), the readers <see cref="SqliteReaderPool"/>, the setup
/// <see cref="SqliteDatabase"/> (see src/Supply.Storage/README.md).
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // Caps one transaction's payload so a burst of multi-MB states cannot make the WAL (or one commit) huge.
    private const long MaxBatchBytes = 64L << 20;

    private readonly string _name;
    private readonly SqliteGrainStorageOptions _options;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _connectionString;

    private readonly SqliteGroupCommitWriter<PendingOp> _writer;
    private readonly SqliteReaderPool _readers;
    private readonly Lock _startLock = new();
    private Task? _startTask;
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
            // Microsoft.Data.Sqlite retries a locked statement until this many seconds have passed: the write wait.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.WriteWaitTimeout.TotalSeconds)),
        }.ToString();
        _writer = new SqliteGroupCommitWriter<PendingOp>($"SQLite grain storage '{name}'", options.MaxBatchSize, MaxBatchBytes, _logger, Stopped);
        _readers = new SqliteReaderPool(_connectionString, _serviceId);
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

        _writer.Complete();
        if (start is not null)
        {
            // Let an open in progress finish, so its writer thread is known and waited for below.
            await start.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }

        if (_writer.IsStarted)
        {
            try
            {
                await _writer.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The writer thread keeps draining and closes its own connection when done.
                _logger.LogWarning("SQLite grain storage {Name}: stop timed out while pending writes were still committing", _name);
            }
        }

        // Readers still in use are disposed as they come back.
        _readers.Close();
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
            if (_stopped)
                throw Stopped();
            slot = _readers.Rent();
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
                _readers.Return(slot);
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

        // Serialize on the caller so serialization runs in parallel; the writer thread only does I/O. Into a pooled buffer
        // with the binary serializer: states are written whole on every report, and an exact-size copy of each was a
        // tenth of the bytes a national load allocated (benchmarks/README.md). The buffer goes back once the op completes:
        // from then on the writer no longer reads it.
        var binary = _serializer as BinaryGrainStorageSerializer;
        using var buffer = binary is null ? null : new ArrayPoolBufferWriter<byte>(SerializeBufferSize);
        ReadOnlyMemory<byte> data;
        if (binary is not null)
        {
            binary.Serialize(grainState.State, buffer!);
            data = buffer!.WrittenMemory;
        }
        else data = _serializer.Serialize(grainState.State).ToMemory();
        var op = new PendingOp(OpKind.Write, grainId.ToString(), stateName, grainState.ETag, NewEtag(), data);
        _writer.Enqueue(op);

        // Not cancellable once queued: the write may already be committing, and abandoning it would leave
        // the caller's ETag out of step with storage.
        var newEtag = await op.Completion.Task.ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = true;
        return (data.Length, op.BatchSize);
    }

    /// <summary>A buffer's first size: most states fit; a location's ledger (a few hundred KB) grows it a few times.</summary>
    private const int SerializeBufferSize = 64 * 1024;

    private async Task ClearCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var kind = _options.DeleteStateOnClear ? OpKind.Delete : OpKind.ClearKeepRow;
        var op = new PendingOp(kind, grainId.ToString(), stateName, grainState.ETag, kind == OpKind.Delete ? null : NewEtag(), null);
        _writer.Enqueue(op);

        var newEtag = await op.Completion.Task.ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = false;
    }

    private Task EnsureStartedAsync()
    {
        var start = Volatile.Read(ref _startTask) ?? StartAsync();
        return start;
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

    private void Open()
    {
        SqliteConnection? connection = null;
        try
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory);

            connection = SqliteDatabase.OpenForWriting(_connectionString, _options.DurableCommits,
                (int)Math.Min(SqliteDatabase.BusyTimeoutMs, _options.WriteWaitTimeout.TotalMilliseconds));
            GrainStateTable.Prepare(connection);
            _writer.Start(connection, new GrainStateStatements(connection, _serviceId, _name, _path));
            connection = null; // owned by the writer now

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

    private static class FreshState<T>
    {
        public static readonly bool CanCreate =
            typeof(T).IsValueType || (!typeof(T).IsAbstract && typeof(T).GetConstructor(Type.EmptyTypes) is not null);
    }
}
