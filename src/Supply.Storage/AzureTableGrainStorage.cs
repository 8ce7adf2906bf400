using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// Orleans grain storage on Azure Table storage (Azure.Data.Tables), one entity per grain state, with the
/// service's ETags for optimistic concurrency, as Orleans' own Azure table provider works.
/// </summary>
/// <remarks>
/// <para>
/// Keys: see <see cref="AzureTableGrainStorageKeys"/> (reversibly escaped, hashed when over 1 KiB).
/// </para>
/// <para>
/// Data: the serialized state is split over binary properties <c>Data0</c>, <c>Data1</c>, … of at most 64 KiB
/// each, up to <see cref="MaxInlineStateBytes"/> in all, with its length in <c>DataLength</c>. A larger state
/// goes to a blob (new name per write) that is uploaded <em>first</em>; then the entity, holding only the blob
/// name, is written with the ETag check, so the entity stays the single point of truth and a lost race never
/// overwrites anything. The replaced blob is deleted after the entity write succeeds (best effort: a blob left
/// behind is unreferenced garbage, never wrong data). A kept-but-cleared entity has no <c>DataLength</c>.
/// </para>
/// <para>
/// Every write also stores a new random <c>WriteId</c> (the blob's name ends with it too). When the SDK retries a
/// request whose response was lost, the retry is refused (409/412) although the first attempt was stored; the
/// provider reads the entity back and, finding its own write id, reports success instead of a false conflict
/// (and never deletes the blob that entity points at).
/// </para>
/// </remarks>
public sealed class AzureTableGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Largest binary property value Azure Table storage accepts (64 KiB).</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Most serialized bytes stored in the entity itself (11 chunks = 704 KiB); larger states go to a blob.
    /// Binary properties travel base64-encoded in the JSON request (4/3 larger), and Azurite checks the 1 MiB
    /// entity limit against that body, so 11 full chunks (~940 KB of JSON) is the most that fits everywhere.
    /// </summary>
    public const int MaxInlineStateBytes = 11 * ChunkBytes;

    internal const string DataPropertyPrefix = "Data";
    internal const string DataLengthProperty = "DataLength";
    internal const string BlobNameProperty = "BlobName";
    internal const string FormatProperty = "Format";
    internal const string FullPartitionKeyProperty = "FullPartitionKey";
    internal const string FullRowKeyProperty = "FullRowKey";
    internal const string WriteIdProperty = "WriteId";
    private const int FormatVersion = 1;

    // Stored full keys longer than this (far beyond any real grain id) are replaced by a SHA-512, so the
    // property stays under the 64 KiB string limit.
    private const int MaxStoredFullKeyLength = 16_000;

    // A blob read can race a writer that replaced (and deleted) it; the entity is then read again.
    private const int MaxReadAttempts = 5;

    private static readonly string[] StoredSelect = [FormatProperty, WriteIdProperty];

    private readonly string _name;
    private readonly AzureTableGrainStorageOptions _options;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly TableClient _table;
    private readonly BlobContainerClient? _container;

    // Blob behind the last ETag this instance read or wrote, per entity (only for blob-backed states), so the
    // blob a successful write or clear replaces can be deleted without an extra read.
    private readonly ConcurrentDictionary<(string PartitionKey, string RowKey), KnownBlob> _knownBlobs = new();

    private readonly Lock _startLock = new();
    private Task? _startTask;

    public AzureTableGrainStorage(
        string name,
        AzureTableGrainStorageOptions options,
        IGrainStorageSerializer defaultSerializer,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<AzureTableGrainStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem(name) is { } problem)
            throw new ArgumentException(problem, nameof(options));

        _name = name;
        _options = options;
        _serializer = options.GrainStorageSerializer ?? defaultSerializer
            ?? throw new ArgumentNullException(nameof(defaultSerializer));
        _serviceId = clusterOptions.Value.ServiceId ?? "";
        _logger = logger ?? NullLogger<AzureTableGrainStorage>.Instance;

        try
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                _table = new TableClient(options.ConnectionString, options.TableName, options.TableClientOptions ?? new TableClientOptions());
                if (options.StoreLargeStatesInBlobs)
                {
                    _container = new BlobServiceClient(options.ConnectionString, options.BlobClientOptions ?? new BlobClientOptions())
                        .GetBlobContainerClient(options.BlobContainerName);
                }
            }
            else
            {
                _table = new TableServiceClient(options.ServiceUri!, options.Credential!, options.TableClientOptions ?? new TableClientOptions())
                    .GetTableClient(options.TableName);
                if (options.StoreLargeStatesInBlobs)
                {
                    _container = new BlobServiceClient(options.ResolveBlobServiceUri()!, options.Credential!, options.BlobClientOptions ?? new BlobClientOptions())
                        .GetBlobContainerClient(options.BlobContainerName);
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's messages name the missing or malformed part, never the account key.
            throw new ArgumentException($"Azure Table grain storage '{name}': unusable storage account settings: {ex.Message}", nameof(options), ex);
        }
    }

    /// <summary>Name of the table holding the grain states.</summary>
    public string TableName => _table.Name;

    /// <summary>Name of the blob container for large states, or null when they are not stored in blobs.</summary>
    public string? BlobContainerName => _container?.Name;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<AzureTableGrainStorage>(_name), _options.InitStage, StartAsync, static _ => Task.CompletedTask);

    /// <summary>
    /// Creates the table (and blob container) if missing. Idempotent; called by the silo lifecycle, or lazily by
    /// the first read/write when the provider is used on its own. A failed start is tried again on the next call.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Task start;
        lock (_startLock)
        {
            if (_startTask is null || _startTask.IsFaulted || _startTask.IsCanceled)
                _startTask = InitializeAsync();
            start = _startTask;
        }

        return cancellationToken.CanBeCanceled ? start.WaitAsync(cancellationToken) : start;
    }

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
        using var activity = StorageTracing.Start(StorageTracing.AzureTable, "read", _name, stateName, grainId);
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
        using var activity = StorageTracing.Start(StorageTracing.AzureTable, "write", _name, stateName, grainId);
        try
        {
            var bytes = await WriteCoreAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
            StorageTracing.Written(activity, bytes);
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
        using var activity = StorageTracing.Start(StorageTracing.AzureTable, "clear", _name, stateName, grainId);
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
    private async Task<long> ReadCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        var key = KeyOf(stateName, grainId);

        (string Etag, string Blob)? missing = null;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TableEntity? entity;
            try
            {
                var response = await _table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                entity = response.HasValue ? response.Value : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw Failure("read", key, ex);
            }

            if (entity is null)
            {
                _knownBlobs.TryRemove((key.PartitionKey, key.RowKey), out _);
                ResetState(grainState);
                grainState.ETag = null;
                grainState.RecordExists = false;
                return 0;
            }

            CheckIdentity(entity, key);
            var etag = entity.ETag.ToString();
            var stored = Decode(entity, key);
            var data = stored.Inline;
            if (stored.BlobName is { } blobName)
            {
                if (missing == (etag, blobName))
                {
                    throw Failure("read", key,
                        $"the entity (ETag {etag}) refers to blob '{_container?.Name}/{blobName}', which does not exist; the state is lost or the blob was removed by hand");
                }

                data = await DownloadAsync(blobName, key, cancellationToken).ConfigureAwait(false);
                if (data is null)
                {
                    // Most likely a writer replaced the state (and deleted this blob) since the entity was read.
                    if (attempt >= MaxReadAttempts)
                        throw Failure("read", key, $"the state kept changing under the read ({attempt} attempts, last blob '{blobName}' gone)");
                    missing = (etag, blobName);
                    continue;
                }

                if (data.LongLength != stored.Length)
                {
                    throw Failure("read", key,
                        $"blob '{_container?.Name}/{blobName}' holds {data.LongLength} bytes, the entity says {stored.Length}; refusing a truncated or foreign state");
                }
            }

            RememberBlob(key, etag, stored.BlobName);
            if (data is null)
            {
                // A kept entity of a cleared state: its ETag is kept so the next write can match it.
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
                throw new AzureTableGrainStorageException(Describe("deserialize", key) + $" as {typeof(T)}: " + ex.Message, ex);
            }

            if (state is null)
                ResetState(grainState);
            else
                grainState.State = state;
            grainState.ETag = etag;
            grainState.RecordExists = true;
            return data.LongLength;
        }
    }

    /// <returns>The serialized state's size in bytes.</returns>
    private async Task<long> WriteCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var key = KeyOf(stateName, grainId);
        var expected = grainState.ETag;
        if (expected is not null && !IsServiceEtag(expected))
            throw await ConflictAsync("write", key, expected, null).ConfigureAwait(false);

        byte[] data;
        try
        {
            data = ToArray(_serializer.Serialize(grainState.State));
        }
        catch (Exception ex)
        {
            throw new AzureTableGrainStorageException(Describe("serialize", key) + $" of type {typeof(T)}: " + ex.Message, ex);
        }

        var writeId = NewWriteId();
        var entity = NewEntity(key, writeId);
        entity[DataLengthProperty] = (long)data.Length;
        string? blobName = null;
        if (data.Length <= MaxInlineStateBytes)
        {
            for (int offset = 0, i = 0; offset < data.Length; offset += ChunkBytes, i++)
                entity[DataPropertyPrefix + i] = data.AsSpan(offset, Math.Min(ChunkBytes, data.Length - offset)).ToArray();
        }
        else if (_container is null)
        {
            throw Failure("write", key,
                $"the serialized state is {data.Length:N0} bytes, more than the {MaxInlineStateBytes:N0} bytes one table entity holds, " +
                $"and {nameof(AzureTableGrainStorageOptions.StoreLargeStatesInBlobs)} is off. Nothing was written");
        }
        else
        {
            // Blob first, entity second: until the entity points at it, the new blob is invisible.
            blobName = NewBlobName(key, writeId);
            await UploadAsync(blobName, data, key, cancellationToken).ConfigureAwait(false);
            entity[BlobNameProperty] = blobName;
        }

        // From here on not cancellable: abandoning a conditional write would leave the caller's ETag out of
        // step with storage.
        var newEtag = await ConditionalWriteAsync("write", key, entity, writeId, expected, blobName).ConfigureAwait(false);
        await ReplaceKnownBlobAsync(key, expected, newEtag, blobName).ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = true;
        return data.LongLength;
    }

    private async Task ClearCoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var key = KeyOf(stateName, grainId);
        var expected = grainState.ETag;

        if (expected is null)
        {
            // Nothing to clear is fine, but an entity the caller has not seen is a conflict.
            var (found, stored) = await ReadEtagAsync(key).ConfigureAwait(false);
            if (found)
                throw ConflictException("clear", key, stored, known: true, expected, null);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (!IsServiceEtag(expected))
            throw await ConflictAsync("clear", key, expected, null).ConfigureAwait(false);

        string? newEtag;
        try
        {
            if (_options.DeleteStateOnClear)
            {
                // The SDK reports a missing entity on delete as a 404 response, not an exception.
                var response = await _table.DeleteEntityAsync(key.PartitionKey, key.RowKey, new ETag(expected), CancellationToken.None)
                    .ConfigureAwait(false);
                if (response.Status == 404)
                    throw await ConflictAsync("clear", key, expected, null).ConfigureAwait(false);
                newEtag = null;
            }
            else
            {
                // The entity stays, without data, so its new ETag keeps guarding the next write.
                var writeId = NewWriteId();
                newEtag = await ConditionalWriteAsync("clear", key, NewEntity(key, writeId), writeId, expected, null).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (IsConflict(ex, insert: false))
        {
            throw await ConflictAsync("clear", key, expected, ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not AzureTableInconsistentStateException and not AzureTableGrainStorageException)
        {
            throw Failure("clear", key, ex);
        }

        await ReplaceKnownBlobAsync(key, expected, newEtag, null).ConfigureAwait(false);
        grainState.ETag = newEtag;
        grainState.RecordExists = false;
    }

    /// <summary>
    /// Adds (no ETag) or replaces (ETag must match) the entity; returns its new ETag. On a conflict or failure,
    /// reads the entity back: if it carries this write's id, the write did land (the SDK retried a request whose
    /// response was lost and the retry was refused) and counts as done. Otherwise the unreferenced new blob is
    /// deleted when the refusal is definite, and a conflict or failure is thrown.
    /// </summary>
    private async Task<string> ConditionalWriteAsync(string action, EntityKey key, TableEntity entity, string writeId, string? expected, string? blobName)
    {
        Exception failure;
        try
        {
            var response = expected is null
                ? await _table.AddEntityAsync(entity, CancellationToken.None).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(entity, new ETag(expected), TableUpdateMode.Replace, CancellationToken.None).ConfigureAwait(false);
            return EtagOf(response, key, action);
        }
        catch (Exception ex) when (ex is not AzureTableGrainStorageException)
        {
            failure = ex;
        }

        var stored = await ReadStoredAsync(key).ConfigureAwait(false);
        if (stored is { Known: true, Etag: not null } && stored.WriteId == writeId)
        {
            _logger.LogDebug(
                "Azure Table grain storage {Name}: {Action} of {StateName} for {GrainId} was stored although the call reported {Error}",
                _name, action, key.StateName, key.GrainId, failure.Message);
            return stored.Etag;
        }

        var conflict = failure is RequestFailedException refused && IsConflict(refused, insert: expected is null);
        // After a time-out the request may still be applied, and then the entity would point at the new blob.
        if (stored.Known && (conflict || failure is RequestFailedException { Status: >= 400 and < 500 and not 408 }))
            await DeleteBlobQuietlyAsync(blobName, key).ConfigureAwait(false);
        if (conflict)
            throw ConflictException(action, key, stored.Etag, stored.Known, expected, failure);
        throw Failure(action, key, failure);
    }

    /// <summary>409 on insert; 412, or 404 for the entity (not the table), on a conditional replace or delete.</summary>
    private static bool IsConflict(RequestFailedException ex, bool insert) =>
        insert ? ex.Status == 409 : ex.Status == 412 || (ex.Status == 404 && ex.ErrorCode != "TableNotFound");

    /// <summary>The stored entity's ETag and write id; Known is false when it could not be read.</summary>
    private async Task<(bool Known, string? Etag, string? WriteId)> ReadStoredAsync(EntityKey key)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, StoredSelect).ConfigureAwait(false);
            return response.HasValue ? (true, response.Value!.ETag.ToString(), response.Value.GetString(WriteIdProperty)) : (true, null, null);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Azure Table grain storage {Name}: could not read back the stored entity after a failed write", _name);
            return (false, null, null);
        }
    }

    private static string NewWriteId() => Guid.NewGuid().ToString("N");

    // ---- start-up -------------------------------------------------------------------------------------

    private Task EnsureStartedAsync() =>
        Volatile.Read(ref _startTask) is { IsCompletedSuccessfully: true } ? Task.CompletedTask : StartAsync();

    private async Task InitializeAsync()
    {
        try
        {
            await _table.CreateIfNotExistsAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Azure Table grain storage {Name} cannot create or open table {Table} at {Uri}", _name, _table.Name, _table.Uri);
            throw new AzureTableGrainStorageException(
                $"Azure Table grain storage '{_name}' cannot create or open table '{_table.Name}' at {_table.Uri}: {ex.Message}", ex);
        }

        if (_container is not null)
        {
            try
            {
                await _container.CreateIfNotExistsAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Azure Table grain storage {Name} cannot create or open blob container {Container} at {Uri}", _name, _container.Name, _container.Uri);
                throw new AzureTableGrainStorageException(
                    $"Azure Table grain storage '{_name}' cannot create or open blob container '{_container.Name}' (for large states) at {_container.Uri}: {ex.Message}", ex);
            }
        }

        _logger.LogInformation(
            "Azure Table grain storage {Name} using table {Table} at {Uri} (large states in blobs: {Container}, delete on clear: {DeleteOnClear})",
            _name, _table.Name, _table.Uri, _container?.Name ?? "off", _options.DeleteStateOnClear);
    }

    // ---- entities -------------------------------------------------------------------------------------

    private EntityKey KeyOf(string stateName, GrainId grainId)
    {
        var fullPartitionKey = AzureTableGrainStorageKeys.FullPartitionKey(_serviceId, grainId);
        var fullRowKey = AzureTableGrainStorageKeys.Escape(stateName);
        var partitionKey = AzureTableGrainStorageKeys.Limit(fullPartitionKey);
        var rowKey = AzureTableGrainStorageKeys.Limit(fullRowKey);
        return new EntityKey(
            partitionKey,
            rowKey,
            partitionKey == fullPartitionKey ? null : StoredFullKey(fullPartitionKey),
            rowKey == fullRowKey ? null : StoredFullKey(fullRowKey),
            grainId,
            stateName);
    }

    private static string StoredFullKey(string fullKey) =>
        fullKey.Length <= MaxStoredFullKeyLength
            ? fullKey
            : "sha512:" + Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(fullKey)));

    private static TableEntity NewEntity(EntityKey key, string writeId)
    {
        var entity = new TableEntity(key.PartitionKey, key.RowKey) { [FormatProperty] = FormatVersion, [WriteIdProperty] = writeId };
        if (key.FullPartitionKey is not null)
            entity[FullPartitionKeyProperty] = key.FullPartitionKey;
        if (key.FullRowKey is not null)
            entity[FullRowKeyProperty] = key.FullRowKey;
        return entity;
    }

    /// <summary>A hashed key must hold this grain's entity, never another one whose key hashes the same.</summary>
    private void CheckIdentity(TableEntity entity, EntityKey key)
    {
        if ((key.FullPartitionKey is not null && entity.GetString(FullPartitionKeyProperty) != key.FullPartitionKey)
            || (key.FullRowKey is not null && entity.GetString(FullRowKeyProperty) != key.FullRowKey))
        {
            throw Failure("read", key, "the entity under this hashed key belongs to another grain state (its stored full key differs); refusing to use it");
        }
    }

    private StoredData Decode(TableEntity entity, EntityKey key)
    {
        if (entity.TryGetValue(FormatProperty, out var formatValue) && formatValue is not null && Convert.ToInt32(formatValue) > FormatVersion)
            throw Failure("read", key, $"the entity has format {formatValue}, newer than this build understands ({FormatVersion})");

        if (!entity.TryGetValue(DataLengthProperty, out var lengthValue) || lengthValue is null)
            return new StoredData(null, null, 0);

        var length = Convert.ToInt64(lengthValue);
        if (length < 0 || length > Array.MaxLength)
            throw Failure("read", key, $"the entity has an impossible {DataLengthProperty} {length}");

        if (entity.GetString(BlobNameProperty) is { Length: > 0 } blobName)
            return new StoredData(null, blobName, length);

        var data = new byte[length];
        var offset = 0;
        for (var i = 0; offset < length; i++)
        {
            var chunk = BinaryValue(entity, DataPropertyPrefix + i);
            if (chunk is null || chunk.Length == 0 || offset + chunk.Length > length)
            {
                throw Failure("read", key,
                    $"property {DataPropertyPrefix}{i} is {(chunk is null ? "missing" : $"{chunk.Length} bytes")} after {offset} of {length} bytes; refusing a truncated or corrupt state");
            }

            chunk.CopyTo(data, offset);
            offset += chunk.Length;
        }

        return new StoredData(data, null, length);
    }

    private static byte[]? BinaryValue(TableEntity entity, string property) =>
        entity.TryGetValue(property, out var value)
            ? value switch
            {
                byte[] bytes => bytes,
                BinaryData binary => binary.ToArray(),
                string base64 => Convert.FromBase64String(base64),
                _ => null,
            }
            : null;

    private async Task<(bool Found, string? Etag)> ReadEtagAsync(EntityKey key)
    {
        try
        {
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, StoredSelect).ConfigureAwait(false);
            return response.HasValue ? (true, response.Value!.ETag.ToString()) : (false, null);
        }
        catch (Exception ex)
        {
            throw Failure("read the ETag of", key, ex);
        }
    }

    private string EtagOf(Response response, EntityKey key, string action) =>
        response.Headers.ETag?.ToString() ?? throw Failure(action, key, "the service answered without an ETag");

    /// <summary>True for ETags in the form the Table service issues; any other cannot match a stored entity.</summary>
    private static bool IsServiceEtag(string etag) =>
        etag.Length >= 2 && etag[^1] == '"' && (etag[0] == '"' || (etag.Length >= 4 && etag.StartsWith("W/\"", StringComparison.Ordinal)));

    // ---- blobs ----------------------------------------------------------------------------------------

    private string NewBlobName(EntityKey key, string writeId)
    {
        var keyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.PartitionKey + "\n" + key.RowKey)));
        return $"{_table.Name}/{keyHash}/{writeId}";
    }

    private async Task UploadAsync(string blobName, byte[] data, EntityKey key, CancellationToken cancellationToken)
    {
        try
        {
            // The name is new, so never overwrite: a clash would mean a reused name, not a state to replace.
            await _container!.GetBlobClient(blobName).UploadAsync(new BinaryData(data), overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failure("write", key, $"uploading the {data.Length:N0}-byte state to blob '{_container!.Name}/{blobName}' failed: {ex.Message}", ex);
        }
    }

    private async Task<byte[]?> DownloadAsync(string blobName, EntityKey key, CancellationToken cancellationToken)
    {
        if (_container is null)
            throw Failure("read", key, $"the entity refers to blob '{blobName}', but {nameof(AzureTableGrainStorageOptions.StoreLargeStatesInBlobs)} is off");
        try
        {
            var result = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return ToArray(result.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failure("read", key, $"downloading blob '{_container.Name}/{blobName}' failed: {ex.Message}", ex);
        }
    }

    private void RememberBlob(EntityKey key, string etag, string? blobName)
    {
        if (blobName is null)
            _knownBlobs.TryRemove((key.PartitionKey, key.RowKey), out _);
        else
            _knownBlobs[(key.PartitionKey, key.RowKey)] = new KnownBlob(etag, blobName);
    }

    /// <summary>
    /// After a successful conditional write or clear that replaced the version with ETag <paramref name="replacedEtag"/>:
    /// deletes that version's blob if this instance knows it, and remembers the new one.
    /// </summary>
    private async Task ReplaceKnownBlobAsync(EntityKey key, string? replacedEtag, string? newEtag, string? newBlob)
    {
        string? previous = null;
        if (replacedEtag is not null
            && _knownBlobs.TryGetValue((key.PartitionKey, key.RowKey), out var known)
            && known.Etag == replacedEtag
            && known.BlobName != newBlob)
        {
            previous = known.BlobName;
        }

        if (newBlob is not null && newEtag is not null)
            RememberBlob(key, newEtag, newBlob);
        else
            _knownBlobs.TryRemove((key.PartitionKey, key.RowKey), out _);

        await DeleteBlobQuietlyAsync(previous, key).ConfigureAwait(false);
    }

    private async Task DeleteBlobQuietlyAsync(string? blobName, EntityKey key)
    {
        if (blobName is null || _container is null)
            return;
        try
        {
            await _container.DeleteBlobIfExistsAsync(blobName).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex,
                "Azure Table grain storage {Name}: could not delete unreferenced blob {Container}/{Blob} of state {StateName} of grain {GrainId}; it is garbage, not live data",
                _name, _container.Name, blobName, key.StateName, key.GrainId);
        }
    }

    // ---- errors ---------------------------------------------------------------------------------------

    private async Task<AzureTableInconsistentStateException> ConflictAsync(string action, EntityKey key, string? callerEtag, Exception? inner)
    {
        var stored = await ReadStoredAsync(key).ConfigureAwait(false);
        return ConflictException(action, key, stored.Etag, stored.Known, callerEtag, inner);
    }

    private AzureTableInconsistentStateException ConflictException(string action, EntityKey key, string? stored, bool known, string? callerEtag, Exception? inner)
    {
        var storedText = known ? stored ?? "<no entity>" : "<unknown>";
        _logger.LogDebug(
            "Azure Table grain storage {Name}: ETag conflict on {Action} of {StateName} for {GrainId}: stored {Stored}, caller's {Caller}",
            _name, action, key.StateName, key.GrainId, storedText, callerEtag ?? "<none>");
        return new AzureTableInconsistentStateException(
            $"ETag conflict on {action} of state '{key.StateName}' for grain {key.GrainId} in Azure Table grain storage '{_name}' " +
            $"(table '{_table.Name}', PartitionKey '{key.PartitionKey}', RowKey '{key.RowKey}'): stored ETag {storedText}, " +
            $"caller's ETag {callerEtag ?? "<none>"}. Nothing was written.",
            stored,
            callerEtag,
            inner);
    }

    private AzureTableGrainStorageException Failure(string action, EntityKey key, Exception ex)
    {
        if (ex is AzureTableGrainStorageException own)
            return own;
        _logger.LogError(ex, "Azure Table grain storage {Name} failed to {Action} state {StateName} of grain {GrainId}", _name, action, key.StateName, key.GrainId);
        return new AzureTableGrainStorageException(Describe(action, key) + ": " + ex.Message, ex);
    }

    private AzureTableGrainStorageException Failure(string action, EntityKey key, string reason, Exception? inner = null)
    {
        _logger.LogError(inner, "Azure Table grain storage {Name} failed to {Action} state {StateName} of grain {GrainId}: {Reason}", _name, action, key.StateName, key.GrainId, reason);
        var message = Describe(action, key) + ": " + reason + ".";
        return inner is null ? new AzureTableGrainStorageException(message) : new AzureTableGrainStorageException(message, inner);
    }

    private string Describe(string action, EntityKey key) =>
        $"Azure Table grain storage '{_name}' failed to {action} state '{key.StateName}' of grain {key.GrainId} " +
        $"(table '{_table.Name}', PartitionKey '{key.PartitionKey}', RowKey '{key.RowKey}')";

    // ---- helpers --------------------------------------------------------------------------------------

    private static void ResetState<T>(IGrainState<T> grainState)
    {
        // A fresh instance when one can be made; otherwise keep what the caller has (Orleans seeds it).
        if (FreshState<T>.CanCreate)
            grainState.State = Activator.CreateInstance<T>();
    }

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    private readonly record struct EntityKey(
        string PartitionKey, string RowKey, string? FullPartitionKey, string? FullRowKey, GrainId GrainId, string StateName);

    private readonly record struct StoredData(byte[]? Inline, string? BlobName, long Length);

    private sealed record KnownBlob(string Etag, string BlobName);

    private static class FreshState<T>
    {
        public static readonly bool CanCreate =
            typeof(T).IsValueType || (!typeof(T).IsAbstract && typeof(T).GetConstructor(Type.EmptyTypes) is not null);
    }
}
