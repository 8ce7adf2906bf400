using System.CommandLine;
using Grpc.Core;
using Supply.Cli.Transport;
using Supply.Contracts.Mapping;
using Supply.Domain.Demo;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply demo</c>: loads <see cref="DemoDataset"/> into the server.</summary>
internal static class DemoCommand
{
    /// <summary>Reports per StreamReports call: a retry after a failure resends at most this many (harmlessly: ids are fixed).</summary>
    public const int BatchSize = 50;

    public static Command Create(CommandKit kit)
    {
        var nowOption = new Option<string?>("--now")
        {
            Description = "Pretend it is this time (ISO 8601); report times are set relative to it. Default: now",
            HelpName = "ISO",
        };
        var demo = new Command("demo", "Load a realistic demo data set: items, locations in all 21 regions, stock reports. Safe to run twice") { nowOption };
        kit.SetAction(demo, async (ctx, r, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            if (r.GetValue(nowOption) is { } text && !ReportCommands.TryParseTime(text, out now))
                return ctx.InputError($"--now: '{text}' is not an ISO 8601 time such as 2025-03-01T08:00:00Z");
            if (now > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5))
                return ctx.InputError("--now must not be in the future: the server refuses reports dated after its clock");

            var data = DemoDataset.Create(now);
            var o = ctx.Out;
            o.WriteLine($"Demo data as of {data.Now:yyyy-MM-dd HH:mm}Z: {data.Items.Count} items, {data.Locations.Count} locations, {data.Reports.Count} reports");
            using var conn = ctx.Connect();

            var items = new V1.RegisterItemsRequest();
            items.Items.AddRange(data.Items.Select(i => i.ToContract()));
            var itemReply = await conn.CallAsync(c => conn.Catalog.RegisterItemsAsync(items, cancellationToken: c).ResponseAsync, ct);
            o.WriteLine($"Items:     {CatalogCommands.Summary(itemReply)}");

            var locations = new V1.RegisterLocationsRequest();
            locations.Locations.AddRange(data.Locations.Select(l => l.ToContract()));
            var locationReply = await conn.CallAsync(c => conn.Catalog.RegisterLocationsAsync(locations, cancellationToken: c).ResponseAsync, ct);
            o.WriteLine($"Locations: {CatalogCommands.Summary(locationReply)}");

            var reports = data.Reports.Select(x => x.ToContract()).ToList();
            int applied = 0, historical = 0, duplicates = 0, lines = 0;
            var rejected = new List<V1.ReportAck>();
            for (var start = 0; start < reports.Count; start += BatchSize)
            {
                var batch = reports.Skip(start).Take(BatchSize).ToList();
                var acks = await conn.CallAsync(c => StreamAsync(conn, batch, c), ct);
                foreach (var ack in acks)
                {
                    if (ack.Outcome == V1.ReportOutcome.Rejected) { rejected.Add(ack); continue; }
                    if (ack.Duplicate) { duplicates++; continue; }
                    if (ack.Outcome == V1.ReportOutcome.Historical) historical++;
                    else applied++;
                    lines += ack.LinesApplied;
                }
                o.WriteLine($"Reports:   {Math.Min(start + BatchSize, reports.Count)}/{reports.Count} sent");
            }

            o.WriteLine($"Done: {applied} applied ({lines} lines), {historical} historical, {duplicates} already loaded, {rejected.Count} rejected.");
            foreach (var ack in rejected.Take(10))
            {
                ctx.Err.WriteLine($"error: report {ack.ReportId} for {ack.LocationId} was rejected:");
                foreach (var v in ack.Violations.Take(10)) ctx.Err.WriteLine($"  {v.Field}: {v.Description}");
            }
            if (rejected.Count > 0) return ExitCodes.ServerRefused;

            var hospital = data.Locations.First(l => l.Kind == Supply.Domain.Catalog.LocationKind.Hospital).Id;
            o.WriteLine("Try:");
            o.WriteLine("  supply status --region 01");
            o.WriteLine($"  supply stock location {hospital}");
            o.WriteLine("  supply stock item ppe:ffp2 --kind national-stockpile");
            o.WriteLine($"  supply history {hospital}");
            return ExitCodes.Ok;
        });
        return demo;
    }

    /// <summary>One StreamReports call: writes the batch, then reads one ack per report (in order).</summary>
    private static async Task<IReadOnlyList<V1.ReportAck>> StreamAsync(SupplyConnection conn, IReadOnlyList<V1.StockReport> batch, CancellationToken ct)
    {
        using var call = conn.Reporting.StreamReports(cancellationToken: ct);
        async Task<List<V1.ReportAck>> ReadAll()
        {
            var acks = new List<V1.ReportAck>(batch.Count);
            await foreach (var ack in call.ResponseStream.ReadAllAsync(ct)) acks.Add(ack);
            return acks;
        }
        var reading = ReadAll();
        try
        {
            foreach (var report in batch) await call.RequestStream.WriteAsync(report, ct);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            await reading; // the response side carries the server's status, which says more than a failed write
            throw;
        }
        var result = await reading;
        if (result.Count != batch.Count)
            throw new RpcException(new Status(StatusCode.Unavailable, $"the stream ended after {result.Count} of {batch.Count} acknowledgements"));
        return result;
    }
}
