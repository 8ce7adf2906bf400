using Microsoft.Data.Sqlite;

namespace Supply.Storage.Sqlite;

internal enum OpKind
{
    Write,
    Delete,
    ClearKeepRow,
}

/// <summary>A grain-state write or clear waiting for the group commit. One per call: the hot path's only object besides the data.</summary>
internal sealed class PendingOp(OpKind kind, string grainId, string stateName, string? expectedEtag, string? newEtag, ReadOnlyMemory<byte>? data)
    : GroupCommitOp
{
    public OpKind Kind { get; } = kind;
    public string GrainId { get; } = grainId;
    public string StateName { get; } = stateName;
    public string? ExpectedEtag { get; } = expectedEtag;
    public string? NewEtag { get; } = newEtag;
    /// <summary>The serialized state (null for a clear); its buffer may be pooled, so it is read only until the op completes.</summary>
    public ReadOnlyMemory<byte>? Data { get; } = data;

    // Set by the writer thread; read by it after commit.
    public string? ResultEtag { get; set; }

    /// <summary>How many operations shared this one's commit (for the caller's trace span).</summary>
    public int BatchSize { get; private set; }

    public TaskCompletionSource<string?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override long Bytes => Data?.Length ?? 0;

    public override bool IsCompleted => Completion.Task.IsCompleted;

    protected override void Succeed(int batchSize)
    {
        BatchSize = batchSize;
        Completion.TrySetResult(ResultEtag);
    }

    public override void Fail(Exception error) => Completion.TrySetException(error);
}

/// <summary>
/// The grain storage's statements on the writer's connection, prepared once and reused for every batch,
/// and the per-write ETag checks: a write or clear applies only if the stored ETag is the caller's.
/// </summary>
internal sealed class GrainStateStatements : IGroupCommitStatements<PendingOp>
{
    private const string KeyFilter = GrainStateTable.KeyFilter;

    private readonly string _name;
    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _clearKeep;
    private readonly SqliteCommand _selectEtag;

    public GrainStateStatements(SqliteConnection connection, string serviceId, string name, string path)
    {
        _connection = connection;
        _name = name;
        _path = path;
        _insert = Prepare(
            "INSERT INTO grain_state (service_id, grain_id, state_name, etag, data, version, updated_utc) " +
            "VALUES ($s, $g, $n, $etag, $data, 1, $now) ON CONFLICT DO NOTHING;",
            serviceId, ("$etag", SqliteType.Text), ("$data", SqliteType.Blob), ("$now", SqliteType.Integer));
        _update = Prepare(
            "UPDATE grain_state SET etag = $etag, data = $data, version = version + 1, updated_utc = $now " +
            $"WHERE {KeyFilter} AND etag = $expected;",
            serviceId, ("$etag", SqliteType.Text), ("$data", SqliteType.Blob), ("$now", SqliteType.Integer), ("$expected", SqliteType.Text));
        _delete = Prepare(
            $"DELETE FROM grain_state WHERE {KeyFilter} AND etag = $expected;",
            serviceId, ("$expected", SqliteType.Text));
        _clearKeep = Prepare(
            "UPDATE grain_state SET etag = $etag, data = NULL, version = version + 1, updated_utc = $now " +
            $"WHERE {KeyFilter} AND etag = $expected;",
            serviceId, ("$etag", SqliteType.Text), ("$now", SqliteType.Integer), ("$expected", SqliteType.Text));
        _selectEtag = Prepare($"SELECT etag FROM grain_state WHERE {KeyFilter};", serviceId);
    }

    /// <summary>Runs one operation inside the open transaction; returns the ETag conflict, if any.</summary>
    public Exception? Apply(PendingOp op, long now)
    {
        switch (op.Kind)
        {
            case OpKind.Write when op.ExpectedEtag is null:
                // Caller believes there is no row: insert, never overwrite.
                SetKey(_insert, op);
                _insert.Parameters[3].Value = op.NewEtag;
                _insert.Parameters[4].Value = op.Data!.Value; // SQLite copies the bytes when they are bound
                _insert.Parameters[5].Value = now;
                if (_insert.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;

            case OpKind.Write:
                SetKey(_update, op);
                _update.Parameters[3].Value = op.NewEtag;
                _update.Parameters[4].Value = op.Data!.Value;
                _update.Parameters[5].Value = now;
                _update.Parameters[6].Value = op.ExpectedEtag;
                if (_update.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;

            case OpKind.Delete or OpKind.ClearKeepRow when op.ExpectedEtag is null:
                // Nothing to clear is fine, but a row the caller has not seen is a conflict.
                if (ReadEtag(op) is null)
                    return Succeed(op, null);
                break;

            case OpKind.Delete:
                SetKey(_delete, op);
                _delete.Parameters[3].Value = op.ExpectedEtag;
                if (_delete.ExecuteNonQuery() == 1)
                    return Succeed(op, null);
                break;

            case OpKind.ClearKeepRow:
                SetKey(_clearKeep, op);
                _clearKeep.Parameters[3].Value = op.NewEtag;
                _clearKeep.Parameters[4].Value = now;
                _clearKeep.Parameters[5].Value = op.ExpectedEtag;
                if (_clearKeep.ExecuteNonQuery() == 1)
                    return Succeed(op, op.NewEtag);
                break;
        }

        var stored = ReadEtag(op);
        var action = op.Kind == OpKind.Write ? "write" : "clear";
        return new SqliteInconsistentStateException(
            $"ETag conflict on {action} of state '{op.StateName}' for grain {op.GrainId} in SQLite grain storage '{_name}': " +
            $"stored ETag {stored ?? "<no row>"}, caller's ETag {op.ExpectedEtag ?? "<none>"}. Nothing was written.",
            stored,
            op.ExpectedEtag);
    }

    public Exception Failure(PendingOp op, string step, Exception error) => new SqliteGrainStorageException(
        step == "write"
            ? $"SQLite grain storage '{_name}' ({_path}) failed to write state '{op.StateName}' of grain {op.GrainId}: {error.Message}"
            : $"SQLite grain storage '{_name}' ({_path}) failed to {step} for state '{op.StateName}' of grain {op.GrainId}: {error.Message}",
        error);

    private static SqliteInconsistentStateException? Succeed(PendingOp op, string? etag)
    {
        op.ResultEtag = etag;
        return null;
    }

    private string? ReadEtag(PendingOp op)
    {
        SetKey(_selectEtag, op);
        return _selectEtag.ExecuteScalar() as string;
    }

    /// <summary>Binds grain id and state name (parameters 1 and 2; 0 is the fixed service id).</summary>
    private static void SetKey(SqliteCommand command, PendingOp op)
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

    /// <summary>Disposes the commands; the writer disposes the connection.</summary>
    public void Dispose()
    {
        foreach (var command in _commands)
            command.Dispose();
    }
}
