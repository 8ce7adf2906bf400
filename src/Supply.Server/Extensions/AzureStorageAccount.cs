using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Supply.Server.Extensions;

/// <summary>
/// The blob and table clients of cluster mode's one Azure Storage account, built once from
/// <see cref="SupplyOptions.AzureStorageOptions"/> and shared by membership, grain storage and the audit log.
/// </summary>
public sealed record AzureStorageAccount(BlobServiceClient Blobs, TableServiceClient Tables)
{
    private const string Keys = "Supply:Storage:Azure";

    public static AzureStorageAccount From(SupplyOptions.AzureStorageOptions options)
    {
        var hasUris = options.BlobServiceUri is not null || options.TableServiceUri is not null;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (hasUris)
                throw new InvalidOperationException(
                    $"Set either {Keys}:ConnectionString or {Keys}:BlobServiceUri and TableServiceUri (with a managed identity), not both.");
            return new AzureStorageAccount(new BlobServiceClient(options.ConnectionString), new TableServiceClient(options.ConnectionString));
        }
        if (options.BlobServiceUri is null || options.TableServiceUri is null)
            throw new InvalidOperationException(
                $"Supply:Cluster:Mode=Cluster keeps membership, grain state and the audit log in one Azure Storage account: set {Keys}:ConnectionString, " +
                $"or {Keys}:BlobServiceUri and {Keys}:TableServiceUri (authenticated with DefaultAzureCredential, e.g. a managed identity). " +
                "A node-local SQLite file (Supply:Storage:SqlitePath) cannot be cluster storage: each node would hold a different truth.");
        // One credential for both clients: one token cache. DefaultAzureCredential tries the environment, workload identity,
        // then the managed identity (AZURE_CLIENT_ID picks a user-assigned one).
        TokenCredential credential = new DefaultAzureCredential();
        return new AzureStorageAccount(new BlobServiceClient(options.BlobServiceUri, credential), new TableServiceClient(options.TableServiceUri, credential));
    }
}
