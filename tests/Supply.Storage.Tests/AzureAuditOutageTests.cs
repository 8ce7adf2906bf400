using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Supply.Domain.Audit;
using Supply.Storage.Audit;
using Supply.Testing;

namespace Supply.Storage.Tests;

/// <summary>
/// The Azure audit log when the storage account stops answering (Supply.FaultBench, storage-down-cluster): an append
/// must fail, not hang, and the writer must live on for the appends after it. Before the fix the SDK's
/// AggregateException (its retries spent) ended the writer loop, and every later append waited forever.
/// </summary>
public sealed class AzureAuditOutageTests
{
    private static AuditEntry Entry(string report) =>
        new(DateTimeOffset.UtcNow, "region-21-system", "submit-report", "se-21-a", report, "applied", 1, 1, "");

    [Fact]
    public async Task Appends_while_the_account_does_not_answer_fail_one_by_one_and_the_writer_lives_on()
    {
        var azurite = await Azurite.StartAsync();
        var log = new AzureTableAuditLog(new TableServiceClient(azurite.ConnectionString, new TableClientOptions
        {
            Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(50), NetworkTimeout = TimeSpan.FromSeconds(5) },
        }), "audit" + Guid.NewGuid().ToString("N")[..12], NullLogger<AzureTableAuditLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        try
        {
            await log.AppendAsync(Entry("before"));
            await azurite.DisposeAsync(); // the account stops answering

            // Each append fails on its own (a hang guard, not a speed bar: before the fix the second never returned).
            var first = await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(Entry("first-during")).WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.IsNotType<TimeoutException>(first);
            var second = await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(Entry("second-during")).WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.IsNotType<TimeoutException>(second);
        }
        finally
        {
            await log.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
        }
    }
}
