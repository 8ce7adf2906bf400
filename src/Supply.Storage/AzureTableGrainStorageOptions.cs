using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Orleans;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>Options for <see cref="AzureTableGrainStorage"/>.</summary>
/// <remarks>
/// Give the account one way: either <see cref="ConnectionString"/>, or <see cref="ServiceUri"/> with
/// <see cref="Credential"/> (then large states need <see cref="BlobServiceUri"/>, derived from a
/// <c>*.table.*</c> host when not set).
/// </remarks>
public sealed partial class AzureTableGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Default <see cref="TableName"/>.</summary>
    public const string DefaultTableName = "SupplyGrainState";

    /// <summary>Default <see cref="BlobContainerName"/>.</summary>
    public const string DefaultBlobContainerName = "supply-grain-state";

    /// <summary>Storage account connection string (table and, for large states, blob endpoints).</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>Table service endpoint, e.g. <c>https://ACCOUNT.table.core.windows.net/</c>; needs <see cref="Credential"/>.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Token credential for <see cref="ServiceUri"/> (and <see cref="BlobServiceUri"/>).</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// Blob service endpoint for large states when <see cref="ServiceUri"/> is used. Null: derived from
    /// <see cref="ServiceUri"/> by replacing <c>.table.</c> with <c>.blob.</c> in its host.
    /// </summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Table holding one entity per grain state; created at silo start if missing.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary><c>true</c>: ClearStateAsync deletes the entity; <c>false</c>: keeps it without data and with a new ETag.</summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// <c>true</c> (default): a state too large for one table entity goes to a blob in
    /// <see cref="BlobContainerName"/>, the entity pointing at it. <c>false</c>: such a write fails with an
    /// <see cref="AzureTableGrainStorageException"/> naming the size and the limit.
    /// </summary>
    public bool StoreLargeStatesInBlobs { get; set; } = true;

    /// <summary>Blob container for large states; created at silo start if missing.</summary>
    public string BlobContainerName { get; set; } = DefaultBlobContainerName;

    /// <summary>Client options (retries, transport, diagnostics) for the table client; null = SDK defaults.</summary>
    public TableClientOptions? TableClientOptions { get; set; }

    /// <summary>Client options for the blob client; null = SDK defaults.</summary>
    public BlobClientOptions? BlobClientOptions { get; set; }

    /// <summary>Serializer for state; null means the <see cref="IGrainStorageSerializer"/> registered in DI.</summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>Silo lifecycle stage at which the table (and blob container) are created.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    IGrainStorageSerializer IStorageProviderSerializerOptions.GrainStorageSerializer
    {
        get => GrainStorageSerializer!;
        set => GrainStorageSerializer = value;
    }

    /// <summary>The blob endpoint to use with <see cref="ServiceUri"/>: <see cref="BlobServiceUri"/> or one derived from the table host.</summary>
    internal Uri? ResolveBlobServiceUri()
    {
        if (BlobServiceUri is not null || ServiceUri is null)
            return BlobServiceUri;
        var host = ServiceUri.Host;
        var index = host.IndexOf(".table.", StringComparison.OrdinalIgnoreCase);
        if (index < 0)
            return null;
        var builder = new UriBuilder(ServiceUri) { Host = string.Concat(host.AsSpan(0, index), ".blob.", host.AsSpan(index + 7)) };
        return builder.Uri;
    }

    /// <summary>What is wrong with these options, or null when they are usable.</summary>
    internal string? FindProblem(string name)
    {
        var prefix = $"Azure Table grain storage '{name}': ";
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasConnectionString && (ServiceUri is not null || Credential is not null))
        {
            return prefix + $"set either {nameof(ConnectionString)}, or {nameof(ServiceUri)} with {nameof(Credential)} - not both.";
        }

        if (!hasConnectionString && ServiceUri is null)
        {
            return prefix + $"no storage account configured: set {nameof(ConnectionString)}, or {nameof(ServiceUri)} with {nameof(Credential)}.";
        }

        if (ServiceUri is not null)
        {
            if (!ServiceUri.IsAbsoluteUri)
                return prefix + $"{nameof(ServiceUri)} '{ServiceUri}' must be an absolute URI.";
            if (Credential is null)
                return prefix + $"{nameof(ServiceUri)} needs a {nameof(Credential)} (a TokenCredential).";
            if (StoreLargeStatesInBlobs && ResolveBlobServiceUri() is null)
            {
                return prefix + $"cannot derive the blob endpoint from {nameof(ServiceUri)} '{ServiceUri}': set {nameof(BlobServiceUri)}, " +
                       $"or set {nameof(StoreLargeStatesInBlobs)} = false.";
            }

            if (BlobServiceUri is { IsAbsoluteUri: false })
                return prefix + $"{nameof(BlobServiceUri)} '{BlobServiceUri}' must be an absolute URI.";
        }

        if (string.IsNullOrEmpty(TableName) || !TableNamePattern().IsMatch(TableName) || TableName.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            return prefix + $"{nameof(TableName)} '{TableName}' is not a valid Azure table name " +
                   "(3-63 letters and digits, starting with a letter; not 'tables').";
        }

        if (StoreLargeStatesInBlobs && (string.IsNullOrEmpty(BlobContainerName) || !ContainerNamePattern().IsMatch(BlobContainerName)))
        {
            return prefix + $"{nameof(BlobContainerName)} '{BlobContainerName}' is not a valid blob container name " +
                   "(3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit).";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ContainerNamePattern();
}
