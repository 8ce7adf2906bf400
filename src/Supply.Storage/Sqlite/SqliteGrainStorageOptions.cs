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
