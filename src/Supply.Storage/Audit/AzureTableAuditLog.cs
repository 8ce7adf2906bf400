using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Supply.Domain.Audit;

namespace Supply.Storage.Audit;

/// <summary>
/// The audit log in an Azure table (cluster mode). Partition = location id (location ids are
/// key-safe by the domain's rules), row = time ticks + a unique suffix, so a location's entries read
/// back in time order with a range query. Appends are batched per partition (entity-group
/// transactions of up to 100), each caller released once its entry is stored.
/// </summary>
public sealed partial class AzureTableAuditLog : IAuditLog, IHostedService, IAsyncDisposable
{
    private const int MaxBatch = 100; // Azure's limit per entity-group transaction

    private readonly TableClient _table;
    private readonly ILogger<AzureTableAuditLog> _logger;
    private readonly AuditAppendQueue _queue = new();
    private Task? _writer;

    /// <param name="tables">The account's table service, authenticated as the grain storage is (connection string or token credential).</param>
    public AzureTableAuditLog(TableServiceClient tables, string tableName, ILogger<AzureTableAuditLog> logger)
    {
        _table = tables.GetTableClient(tableName);
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        _writer = Task.Run(WriteLoop, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        if (_writer is not null) await _writer.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => _queue.Append(entry, cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var from = query.From.UtcTicks.ToString("D19");
        var to = query.To.UtcTicks.ToString("D19");
        var filter = query.LocationId is { } loc
            ? TableClient.CreateQueryFilter($"PartitionKey eq {loc} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"AtTicks ge {query.From.UtcTicks} and AtTicks lt {query.To.UtcTicks}");
        var result = new List<AuditEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(new AuditEntry(new DateTimeOffset(e.GetInt64("AtTicks")!.Value, TimeSpan.Zero), e.GetString("Caller"), e.GetString("Action"),
                e.PartitionKey, e.GetString("ReportId"), e.GetString("Outcome"), e.GetInt32("Lines") ?? 0, e.GetInt64("Version") ?? 0,
                e.GetString("Detail") ?? "")
            {
                Role = e.GetString("Role") ?? "",
                Scope = e.GetString("Scope") ?? "",
            });
            // Within one partition rows come in time order; across partitions, collect then sort.
            if (query.LocationId is not null && result.Count >= query.Limit) break;
        }
        return result.OrderBy(e => e.At).Take(query.Limit).ToList();
    }

    private async Task WriteLoop()
    {
        await foreach (var batch in _queue.Batches(1000))
        {
            foreach (var partition in batch.GroupBy(b => b.Entry.LocationId))
            {
                foreach (var chunk in partition.Chunk(MaxBatch))
                {
                    try
                    {
                        await _table.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(c.Entry))));
                        AuditAppendQueue.Settle(chunk, null);
                    }
                    catch (Exception ex)
                    {
                        // Any failure, not only the service's answers: with the account unreachable the SDK throws an
                        // AggregateException once its retries are spent, which used to end this loop for good, so every
                        // later report hung after being stored (Supply.FaultBench, storage-down-cluster). Fail the chunk
                        // (the callers answer UNAVAILABLE) and go on with the next.
                        LogWriteFailed(ex, chunk.Length);
                        AuditAppendQueue.Settle(chunk, ex);
                    }
                }
            }
        }
    }

    private static TableEntity ToEntity(AuditEntry e) => new(e.LocationId, $"{e.At.UtcTicks:D19}-{Guid.NewGuid():N}")
    {
        ["AtTicks"] = e.At.UtcTicks,
        ["Caller"] = e.Caller,
        ["Action"] = e.Action,
        ["ReportId"] = e.ReportId,
        ["Outcome"] = e.Outcome,
        ["Lines"] = e.Lines,
        ["Version"] = e.LocationVersion,
        ["Detail"] = e.Detail,
        ["Role"] = e.Role,
        ["Scope"] = e.Scope,
    };

    [LoggerMessage(LogLevel.Error, "Could not store {Count} audit entries")]
    private partial void LogWriteFailed(Exception e, int count);
}
