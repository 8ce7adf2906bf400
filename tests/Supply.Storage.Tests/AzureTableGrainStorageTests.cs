using Azure;
using Azure.Data.Tables;
using Orleans.Runtime;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Supply.Storage.Tests;

/// <summary>
/// The conformance suite against Orleans' table provider on Azurite (cluster mode's storage for the small states).
/// Each test gets its own table.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableGrainStorageTests(AzuriteFixture azurite, ITestOutputHelper output) : GrainStorageConformanceTests(output), IDisposable
{
    private readonly string _tableName = "t" + Guid.NewGuid().ToString("N");

    private TableClient Table => new(azurite.ConnectionString, _tableName);

    protected override async Task<IGrainStorage> CreateStorageAsync(ConformanceStorageOptions options) =>
        await OrleansAzureProviders.StartTableAsync(o =>
        {
            o.TableServiceClient = new TableServiceClient(azurite.ConnectionString);
            o.TableName = _tableName;
            o.DeleteStateOnClear = options.DeleteStateOnClear;
        });

    protected override bool ConflictNamesStoredEtag => false;

    protected override bool ClearKeepingRecordsOfAMissingRecordWritesOne => true;

    protected override BlindClear ClearDeletingWithoutEtag => BlindClear.Ignored;

    // Orleans' table provider splits a state over at most 15 binary properties of 64 KiB (983,040 bytes).
    protected override int LargeStateBytes => 900 * 1024;

    public void Dispose()
    {
        // Azurite keeps everything in memory: drop this test's table.
        try
        {
            Table.Delete();
        }
        catch (RequestFailedException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task A_state_over_the_entity_limit_is_refused_and_nothing_is_written()
    {
        // Why cluster mode keeps grain state in blobs: a table entity holds about 1 MB.
        var id = NewGrainId();
        var tooLarge = new GrainState<TestState>(TestState.Create("too large", 1, 1024 * 1024, seed: 3));

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.WriteStateAsync("state", id, tooLarge));
        Assert.Contains("too large", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False((await ReadAsync(id)).RecordExists);
    }
}
