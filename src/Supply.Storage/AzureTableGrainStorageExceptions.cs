using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// ETag conflict in <see cref="AzureTableGrainStorage"/> (the service answered 409, 412 or 404, or the caller's
/// ETag is not one the service issues): the stored entity is not the one the caller last saw, or exists when
/// the caller expected none. Nothing was written.
/// </summary>
/// <remarks><see cref="InconsistentStateException.StoredEtag"/> is the entity's ETag read right after the conflict (null: no entity).</remarks>
[GenerateSerializer]
public sealed class AzureTableInconsistentStateException : InconsistentStateException
{
    public AzureTableInconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message, storedEtag!, currentEtag!)
    {
    }

    public AzureTableInconsistentStateException(string message, string? storedEtag, string? currentEtag, Exception? innerException)
        : base(message, storedEtag!, currentEtag!, innerException!)
    {
    }
}

/// <summary>
/// Azure Table grain storage failure other than an ETag conflict (service unreachable or refusing, state too
/// large, unreadable or corrupt data). The message names the table and the entity's keys.
/// </summary>
[GenerateSerializer]
public sealed class AzureTableGrainStorageException : OrleansException
{
    public AzureTableGrainStorageException(string message) : base(message)
    {
    }

    public AzureTableGrainStorageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
