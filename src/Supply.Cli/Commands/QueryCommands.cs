using System.CommandLine;
using Supply.Cli.Output;
using Supply.Cli.Transport;
using Supply.Contracts.Mapping;
using Supply.Domain.Catalog;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply stock ...</c>, <c>supply status</c>, <c>supply history</c>.</summary>
internal static class QueryCommands
{
    public static Command Stock(CommandKit kit)
    {
        var locationId = new Argument<string>("LOCATION") { Description = "Location id, e.g. se-01-hosp-karolinska" };
        var itemFilter = new Option<string?>("--item") { Description = "Only this item", HelpName = "ITEM" };
        var json1 = kit.JsonOption();
        var location = new Command("location", "Current stock of one location") { locationId, itemFilter, json1 };
        kit.SetAction(location, async (ctx, r, ct) =>
        {
            var request = new V1.GetLocationStockRequest { LocationId = r.GetValue(locationId)!, ItemId = r.GetValue(itemFilter) ?? "" };
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Query.GetLocationStockAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json1)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }

            var names = await ItemNamesAsync(conn, ct);
            var now = DateTimeOffset.UtcNow;
            ctx.Out.WriteLine($"{reply.LocationId} ({Words.Of((LocationKind)reply.Kind)}, region {reply.RegionCode}) — " +
                              $"as of {Fmt.Time(reply.LastAsOf)}, received {Fmt.Time(reply.LastReceivedAt)}, version {reply.Version}");
            var table = new Table("ITEM", "NAME", "ON HAND", "RESERVED", "QUARANT.", "AVAILABLE", "USE/DAY", "DAYS", "NEXT EXPIRY", "LOTS", "AS OF")
                .Right("ON HAND", "RESERVED", "QUARANT.", "AVAILABLE", "USE/DAY", "DAYS", "LOTS");
            var expired = 0;
            var discrepancies = 0;
            foreach (var line in reply.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal))
            {
                var next = line.Lots.Select(l => l.ExpiresOn).Where(e => e.Length > 0).Order(StringComparer.Ordinal).FirstOrDefault();
                var isExpired = next is not null && string.CompareOrdinal(next, now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) <= 0;
                if (isExpired) expired++;
                if (line.Discrepancy > 0) discrepancies++;
                table.Add(line.ItemId, Fmt.Clip(names.GetValueOrDefault(line.ItemId, ""), 40),
                    Fmt.N(line.OnHand) + (line.Discrepancy > 0 ? "!" : ""), Fmt.N(line.Reserved), Fmt.N(line.Quarantined), Fmt.N(line.Available),
                    Fmt.D(line.AverageDailyConsumption), line.HasDaysOfSupply ? Fmt.D(line.DaysOfSupply) : "-",
                    next is null ? "-" : next + (isExpired ? " *" : ""), line.Lots.Count.ToString(), Fmt.Time(line.AsOf));
            }
            table.WriteTo(ctx.Out);
            ctx.Out.WriteLine($"{reply.Lines.Count} items" +
                              (expired > 0 ? $"; * {expired} with expired stock" : "") +
                              (discrepancies > 0 ? $"; ! {discrepancies} with more stock out than in (a physical count resolves it)" : ""));
            return ExitCodes.Ok;
        });

        var itemId = new Argument<string>("ITEM") { Description = "Item id, e.g. npl:20010100000001, gtin:7350001000114, ppe:ffp2" };
        var regions = RegionOption.Many();
        var kinds = KindOption.Many();
        var json2 = kit.JsonOption();
        var item = new Command("item", "One item across locations, with totals") { itemId, regions, kinds, json2 };
        kit.SetAction(item, async (ctx, r, ct) =>
        {
            var request = new V1.GetItemStockRequest { ItemId = r.GetValue(itemId)! };
            request.RegionCodes.AddRange(r.GetValue(regions) ?? []);
            foreach (var k in r.GetValue(kinds) ?? [])
                if (Words.TryParse(Words.LocationKinds, k, out var kind)) request.Kinds.Add((V1.LocationKind)kind);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Query.GetItemStockAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json2)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }

            var names = await ItemNamesAsync(conn, ct);
            ctx.Out.WriteLine(names.TryGetValue(reply.ItemId, out var name) ? $"{reply.ItemId} — {name}" : reply.ItemId);
            var table = new Table("LOCATION", "REGION", "KIND", "ON HAND", "RESERVED", "QUARANT.", "AVAILABLE", "USE/DAY", "DAYS", "AS OF")
                .Right("ON HAND", "RESERVED", "QUARANT.", "AVAILABLE", "USE/DAY", "DAYS");
            foreach (var l in reply.Locations.OrderBy(l => l.RegionCode, StringComparer.Ordinal).ThenBy(l => l.LocationId, StringComparer.Ordinal))
            {
                var s = l.Line ?? new V1.StockLine();
                table.Add(l.LocationId, l.RegionCode, Words.Of((LocationKind)l.Kind), Fmt.N(s.OnHand) + (s.Discrepancy > 0 ? "!" : ""),
                    Fmt.N(s.Reserved), Fmt.N(s.Quarantined), Fmt.N(s.Available), Fmt.D(s.AverageDailyConsumption),
                    s.HasDaysOfSupply ? Fmt.D(s.DaysOfSupply) : "-", Fmt.Time(s.AsOf));
            }
            var t = reply.Totals ?? new V1.StockTotals();
            table.AddFooter($"TOTAL ({t.Locations} locations)", "", "", Fmt.N(t.OnHand), Fmt.N(t.Reserved), Fmt.N(t.Quarantined),
                Fmt.N(t.Available), Fmt.D(t.AverageDailyConsumption), t.HasDaysOfSupply ? Fmt.D(t.DaysOfSupply) : "-", "");
            table.WriteTo(ctx.Out);
            if (t.LocationsWithDiscrepancy > 0)
                ctx.Out.WriteLine($"! {t.LocationsWithDiscrepancy} locations have more stock out than in; counted as zero in the totals");
            return ExitCodes.Ok;
        });

        return new Command("stock", "Current stock") { location, item };
    }

    public static Command Status(CommandKit kit)
    {
        var region = RegionOption.Single();
        var kind = KindOption.Single();
        var staleOnly = new Option<bool>("--stale") { Description = "Only the locations not reporting within the server's window (Supply:Coverage:StaleAfter)" };
        var output = new FileOutput(kit.JsonOption());
        var status = new Command("status", "When each location last reported") { region, kind, staleOnly };
        output.AddTo(status);
        kit.SetAction(status, async (ctx, r, ct) =>
        {
            if (output.Refuse(ctx, r) is { } refused) return refused;
            using var conn = ctx.Connect();
            var now = DateTimeOffset.UtcNow;
            // The window the server calls stale; also what --stale lists.
            var stale = await conn.CallAsync(c => conn.Coverage.ListStaleLocationsAsync(
                new V1.ListStaleLocationsRequest { RegionCode = r.GetValue(region) ?? "" }, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(staleOnly))
                return await output.WriteAsync(ctx, r, stale, t => new Exports.Workbook().Add(t.NotReporting(stale.Locations, now)),
                    w => StaleTable(stale, now).WriteTo(w), null, ct);

            var request = new V1.ListReportingStatusRequest { RegionCode = r.GetValue(region) ?? "" };
            if (Words.TryParse(Words.LocationKinds, r.GetValue(kind), out var k)) request.Kind = (V1.LocationKind)k;
            var reply = await conn.CallAsync(c => conn.Query.ListReportingStatusAsync(request, cancellationToken: c).ResponseAsync, ct);
            return await output.WriteAsync(ctx, r, reply,
                t => new Exports.Workbook().Add(t.Reporting(reply.Locations, now, TimeSpan.FromHours(stale.StaleAfterHours))),
                w => StatusTable(reply, now, w), null, ct);
        });
        return status;
    }

    private static void StatusTable(V1.ListReportingStatusResponse reply, DateTimeOffset now, TextWriter w)
    {
        var table = new Table("LOCATION", "REGION", "KIND", "REPORTS", "LAST AS OF", "AGE", "LAST RECEIVED").Right("REPORTS", "AGE");
        foreach (var s in reply.Locations.OrderBy(s => s.RegionCode, StringComparer.Ordinal).ThenBy(s => s.LocationId, StringComparer.Ordinal))
        {
            table.Add(s.LocationId, s.RegionCode, Words.Of((LocationKind)s.Kind), Fmt.N(s.ReportsAccepted),
                s.HasReported ? Fmt.Time(s.LastAsOf) : "never",
                s.HasReported && s.LastAsOf is not null ? Fmt.Age(ContractMapping.ToDateTimeOffset(s.LastAsOf), now) : "-",
                s.HasReported ? Fmt.Time(s.LastReceivedAt) : "-");
        }
        table.WriteTo(w);
        var reported = reply.Locations.Count(s => s.HasReported);
        var stale = reply.Locations.Count(s => s.HasReported && s.LastAsOf is not null
                                               && now - ContractMapping.ToDateTimeOffset(s.LastAsOf) > TimeSpan.FromDays(1));
        w.WriteLine($"{reply.Locations.Count} locations: {reported} have reported, {reply.Locations.Count - reported} never" +
                    (stale > 0 ? $", {stale} not within the last 24 h" : ""));
    }

    private static Table StaleTable(V1.ListStaleLocationsResponse reply, DateTimeOffset now)
    {
        var table = new Table("LOCATION", "REGION", "LAST AS OF", "AGE").Right("AGE");
        foreach (var s in reply.Locations.OrderBy(s => s.RegionCode, StringComparer.Ordinal).ThenBy(s => s.LocationId, StringComparer.Ordinal))
            table.Add(s.LocationId, s.RegionCode, s.LastAsOf is null ? "never" : Fmt.Time(s.LastAsOf),
                s.LastAsOf is null ? "-" : Fmt.Age(ContractMapping.ToDateTimeOffset(s.LastAsOf), now));
        return table;
    }

    public static Command History(CommandKit kit)
    {
        var locationId = new Argument<string>("LOCATION") { Description = "Location id" };
        var limit = new Option<int>("--limit") { Description = "At most this many reports (1-1000)", DefaultValueFactory = _ => 100, HelpName = "N" };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError("--limit must be between 1 and 1000"); });
        var json = kit.JsonOption();
        var history = new Command("history", "Accepted reports of one location, newest first") { locationId, limit, json };
        kit.SetAction(history, async (ctx, r, ct) =>
        {
            var request = new V1.GetReportHistoryRequest { LocationId = r.GetValue(locationId)!, Limit = r.GetValue(limit) };
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Query.GetReportHistoryAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }

            var table = new Table("REPORT ID", "KIND", "AS OF", "RECEIVED", "LINES", "OUTCOME", "APPLIED").Right("LINES", "APPLIED");
            foreach (var x in reply.Receipts)
                table.Add(x.ReportId, x.Kind, Fmt.Time(x.AsOf), Fmt.Time(x.ReceivedAt), Fmt.N(x.Lines), Outcome(x.Outcome), Fmt.N(x.LinesApplied));
            table.WriteTo(ctx.Out);
            ctx.Out.WriteLine($"{reply.Receipts.Count} of {reply.Total} reports");
            return ExitCodes.Ok;
        });
        return history;
    }

    internal static string Outcome(V1.ReportOutcome o) => o switch
    {
        V1.ReportOutcome.Applied => "applied",
        V1.ReportOutcome.Historical => "historical",
        V1.ReportOutcome.Rejected => "rejected",
        _ => "unknown",
    };

    /// <summary>Item names for readable tables; best effort (an empty map if the catalog cannot be listed).</summary>
    internal static async Task<IReadOnlyDictionary<string, string>> ItemNamesAsync(SupplyConnection conn, CancellationToken ct)
    {
        try
        {
            var reply = await conn.CallAsync(c => conn.Catalog.ListItemsAsync(new V1.ListItemsRequest(), cancellationToken: c).ResponseAsync, ct);
            return reply.Items.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Dictionary<string, string>();
        }
    }
}
