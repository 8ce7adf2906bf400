using Grpc.Core;
using Grpc.Net.Client;
using Supply.Contracts.V1;
using Supply.LoadTest;

namespace Supply.FaultBench;

/// <summary>What reading every location back found, against the client's record of acknowledgements.</summary>
public sealed record Verification(
    long AckedReports, long AckedFound, long AckedLost, long StoredUnacked, long HalfApplied, long LocationsChecked,
    long NewestBehind, long OutsideHistory, List<string> Problems)
{
    /// <summary>The only failures of the benchmark: an acknowledged report lost, or a report applied in part.</summary>
    public bool Failed => AckedLost > 0 || HalfApplied > 0 || NewestBehind > 0;
}

/// <summary>
/// Reads back each location's report history (receipts of its stored reports) and stock, and compares them with what
/// the client recorded: every acknowledged report must be among the stored ones, and the stock must be exactly the
/// snapshot of the newest stored report, every line of it (a report is all or nothing). A stored report the client
/// never saw acknowledged (stored, then the ack was lost to the fault) is allowed, as long as it is whole.
/// </summary>
public static class Verifier
{
    public static async Task<Verification> RunAsync(string url, Metadata? reader, Workload workload, ReportStream record)
    {
        using var channel = ReportStream.Channel(url);
        var stock = new StockQuery.StockQueryClient(channel);
        long acked = 0, found = 0, lost = 0, storedUnacked = 0, half = 0, behind = 0, outside = 0;
        var problems = new List<string>();
        for (var i = 0; i < workload.LocationIds.Length; i++)
        {
            var id = workload.LocationIds[i];
            var history = await Retry(() => stock.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = id, Limit = 500 }, reader,
                DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            var stored = history.Receipts.Select(r => ReportStream.RoundOf(r.ReportId)).ToHashSet();
            var ackedRounds = record.AckedRounds[i];
            var oldestKept = history.Total > history.Receipts.Count ? stored.DefaultIfEmpty(0).Min() : 0;
            acked += ackedRounds.Count;
            foreach (var r in ackedRounds)
            {
                if (stored.Contains(r)) found++;
                else if (r < oldestKept) { found++; outside++; } // older than the newest 500 receipts the ledger keeps
                else { lost++; if (problems.Count < 10) problems.Add($"{id}: acknowledged round {r} not stored"); }
            }
            storedUnacked += stored.Count(r => !ackedRounds.Contains(r));
            if (stored.Count == 0) continue;

            // The stock must be the newest stored snapshot, whole.
            var newest = stored.Max();
            if (ackedRounds.Count > 0 && ackedRounds.Max() > newest)
            {
                behind++;
                if (problems.Count < 10) problems.Add($"{id}: newest stored round {newest} is older than acknowledged round {ackedRounds.Max()}");
            }
            var view = await Retry(() => stock.GetLocationStockAsync(new GetLocationStockRequest { LocationId = id }, reader,
                DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            var variant = Workload.VariantOf(i);
            var wrong = view.Lines.Count(line =>
            {
                var j = workload.ItemIndex[line.ItemId];
                var onHand = Workload.OnHand(newest, variant, j);
                return line.OnHand != onHand || line.Reserved != Workload.Reserved(onHand, j) || line.Quarantined != Workload.Quarantined(j);
            });
            if (wrong > 0 || view.Lines.Count != workload.Items)
            {
                half++;
                if (problems.Count < 10) problems.Add($"{id}: {wrong} of {view.Lines.Count} lines differ from round {newest}'s snapshot");
            }
        }
        return new Verification(acked, found, lost, storedUnacked, half, workload.LocationIds.Length, behind, outside, problems);
    }

    /// <summary>Reads right after a fault may meet a location still reloading: retry UNAVAILABLE for up to a minute.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await call(); }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && attempt < 60)
            {
                await Task.Delay(1_000);
            }
        }
    }
}
