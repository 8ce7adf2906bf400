using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// ETag conflict in <see cref="SqliteGrainStorage"/>: the stored row is not the one the caller last saw
/// (or exists when the caller expected none). Nothing was written.
/// </summary>
[GenerateSerializer]
public sealed class SqliteInconsistentStateException : InconsistentStateException
{
    public SqliteInconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message, storedEtag!, currentEtag!)
    {
    }
}

/// <summary>SQLite grain storage failure other than an ETag conflict (cannot open the file, I/O error, stopped).</summary>
[GenerateSerializer]
public sealed class SqliteGrainStorageException : OrleansException
{
    public SqliteGrainStorageException(string message) : base(message)
    {
    }

    public SqliteGrainStorageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
