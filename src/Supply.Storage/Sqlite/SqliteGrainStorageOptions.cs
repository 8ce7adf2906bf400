using Orleans;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>Options for <see cref="SqliteGrainStorage"/>.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Path of the SQLite database file (required). Its directory is created if missing.</summary>
    public string DataSource { get; set; } = "";

    /// <summary>
    /// <c>true</c>: PRAGMA synchronous=FULL, every acknowledged write survives power loss.
    /// <c>false</c>: synchronous=NORMAL, survives a process crash but the last commits may be lost on power loss.
    /// </summary>
    public bool DurableCommits { get; set; } = true;

    /// <summary><c>true</c>: ClearStateAsync deletes the row; <c>false</c>: keeps it with null data and a new ETag.</summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// How long a write waits for the database's write lock (another process holding it, a stalled disk) before it
    /// fails, so the grain answers and the caller hears UNAVAILABLE instead of hanging past its deadline. Keep it
    /// below Orleans' grain call timeout (30 s), so the grain's answer, not the call's time-out, reaches the caller.
    /// </summary>
    public TimeSpan WriteWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most writes/clears committed together in one transaction (one fsync).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Serializer for state; null means the <see cref="IGrainStorageSerializer"/> registered in DI.</summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>Silo lifecycle stage at which the database is opened (and, on stop, drained and closed).</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    IGrainStorageSerializer IStorageProviderSerializerOptions.GrainStorageSerializer
    {
        get => GrainStorageSerializer!;
        set => GrainStorageSerializer = value;
    }
}
