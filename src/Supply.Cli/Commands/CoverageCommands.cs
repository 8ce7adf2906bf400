using System.CommandLine;
using Grpc.Core;
using Supply.Cli.Output;
using Supply.Exports;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply coverage</c>, <c>supply shortfalls</c>, <c>supply alerts --follow</c>, <c>supply aggregates rebuild</c>.</summary>
internal static class CoverageCommands
{
    internal static readonly Dictionary<string, V1.CoverageLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["location"] = V1.CoverageLevel.Location,
        ["region"] = V1.CoverageLevel.Region,
        ["healthcare-region"] = V1.CoverageLevel.HealthcareRegion,
        ["nation"] = V1.CoverageLevel.Nation,
    };

    internal static Option<string> LevelOption()
    {
        var level = new Option<string>("--level") { Description = "location, region, healthcare-region or nation", DefaultValueFactory = _ => "nation" };
        level.AcceptOnlyFromAmong([.. Levels.Keys]);
        return level;
    }

    internal static Option<bool> GroupOption() => new("--by-group") { Description = "Count substitution groups instead of items" };

    public static IEnumerable<Command> Create(CommandKit kit)
    {
        var level = LevelOption();
        var byGroup = GroupOption();
        var item = new Option<string?>("--item") { Description = "Only this item", HelpName = "ITEM" };
        var regions = RegionOption.Many();
        var output = new FileOutput(kit.JsonOption());
        var coverage = new Command("coverage", "Days of supply per item (or group) at a level") { level, byGroup, item, regions };
        output.AddTo(coverage);
        kit.SetAction(coverage, async (ctx, r, ct) =>
        {
            if (output.Refuse(ctx, r) is { } refused) return refused;
            var request = new V1.GetCoverageRequest { Level = Levels[r.GetValue(level)!], ByGroup = r.GetValue(byGroup), ItemId = r.GetValue(item) ?? "" };
            request.RegionCodes.AddRange(r.GetValue(regions) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Coverage.GetCoverageAsync(request, cancellationToken: c).ResponseAsync, ct);
            var names = output.NeedsNames(r) ? await QueryCommands.ItemNamesAsync(conn, ct) : null;
            return await output.WriteAsync(ctx, r, reply, t => new Workbook().Add(t.Coverage($"coverage-{r.GetValue(level)}", reply.Rows)),
                w => Rows(reply.Rows).WriteTo(w), names, ct);
        });

        var threshold = new Option<double>("--days") { Description = "Threshold in days of supply", DefaultValueFactory = _ => 14 };
        var level2 = LevelOption();
        var byGroup2 = GroupOption();
        var output2 = new FileOutput(kit.JsonOption());
        var projected2 = ProjectedOption("List what runs out within --days by the projection (expiry and trend counted), not today's days of supply");
        var shortfalls = new Command("shortfalls", "Everything under a number of days of supply, worst first") { threshold, level2, byGroup2, projected2 };
        output2.AddTo(shortfalls);
        kit.SetAction(shortfalls, async (ctx, r, ct) =>
        {
            if (output2.Refuse(ctx, r) is { } refused) return refused;
            var request = new V1.ListShortfallsRequest
            {
                ThresholdDays = r.GetValue(threshold), Level = Levels[r.GetValue(level2)!], ByGroup = r.GetValue(byGroup2), Projected = r.GetValue(projected2),
            };
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Coverage.ListShortfallsAsync(request, cancellationToken: c).ResponseAsync, ct);
            var names = output2.NeedsNames(r) ? await QueryCommands.ItemNamesAsync(conn, ct) : null;
            return await output2.WriteAsync(ctx, r, reply, t => new Workbook().Add(t.Shortfalls(reply.Shortfalls)),
                w =>
                {
                    if (request.Projected) ProjectionCommands.Table(reply.Shortfalls.Select(s => s.Projection)).WriteTo(w);
                    else Rows(reply.Shortfalls.Select(s => s.Row), ("TO THRESHOLD", reply.Shortfalls.Select(s => Fmt.N(s.UnitsToThreshold)).ToList())).WriteTo(w);
                },
                names, ct);
        });

        var threshold3 = new Option<double>("--days") { Description = "Alert when coverage falls below this many days", DefaultValueFactory = _ => 7 };
        var level3 = LevelOption();
        var follow = new Option<bool>("--follow") { Description = "Keep watching and print alerts as they happen (Ctrl+C to stop)" };
        var projected3 = ProjectedOption("Alert when the projection runs out within --days (expiry and trend counted)");
        var alerts = new Command("alerts", "Coverage below a threshold, recoveries, locations going stale") { threshold3, level3, follow, projected3 };
        kit.SetAction(alerts, async (ctx, r, ct) =>
        {
            var request = new V1.WatchAlertsRequest
            {
                ThresholdDays = r.GetValue(threshold3), Level = Levels[r.GetValue(level3)!], Follow = r.GetValue(follow), Projected = r.GetValue(projected3),
            };
            using var conn = ctx.Connect();
            using var call = conn.Coverage.WatchAlerts(request, cancellationToken: ct);
            await foreach (var alert in call.ResponseStream.ReadAllAsync(ct))
            {
                var what = alert.Projection is { } p
                    ? $"{p.Area} {p.Key}: runs out {(p.AtCurrent.RunsOut ? p.AtCurrent.StockoutOn : "-")} at current, {(p.AtTrend.RunsOut ? p.AtTrend.StockoutOn : "-")} at trend (usable {Fmt.N(p.Usable)})"
                    : alert.Row is { } row
                    ? $"{row.Area} {row.Key}: {(row.HasDaysOfSupply ? Fmt.D(row.DaysOfSupply) + " days" : "-")} (usable {Fmt.N(row.Usable)})"
                    : alert.LocationId;
                ctx.Out.WriteLine($"{alert.At.ToDateTimeOffset():yyyy-MM-dd HH:mm:ssZ} {alert.Kind,-9} {what}");
                await ctx.Out.FlushAsync(ct);
            }
            return ExitCodes.Ok;
        });

        var rebuild = new Command("rebuild", "Rebuild the region and national aggregates from the locations (admin)");
        kit.SetAction(rebuild, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Coverage.RebuildAggregatesAsync(new V1.RebuildAggregatesRequest(), cancellationToken: c).ResponseAsync, ct);
            ctx.Out.WriteLine($"rebuilt from {reply.Locations} locations in {reply.Regions} regions");
            return ExitCodes.Ok;
        });
        return [coverage, shortfalls, alerts, new Command("aggregates", "The aggregation path") { rebuild }];
    }

    private static Option<bool> ProjectedOption(string description) => new("--projected") { Description = description };

    private static Table Rows(IEnumerable<V1.CoverageRow> rows, (string Name, List<string> Values)? extra = null)
    {
        var headers = new List<string> { "AREA", "SUBJECT", "USABLE", "USE/DAY", "DAYS", "STALE", "LOCATIONS" };
        if (extra is { } e) headers.Add(e.Name);
        var table = new Table([.. headers]).Right("USABLE", "USE/DAY", "DAYS", "STALE", "LOCATIONS");
        var i = 0;
        foreach (var row in rows)
        {
            var cells = new List<string> { row.Area, row.Key, Fmt.N(row.Usable), Fmt.D(row.DailyConsumption),
                row.HasDaysOfSupply ? Fmt.D(row.DaysOfSupply) : "-", row.StaleShare > 0 ? row.StaleShare.ToString("P0") : "", row.Locations.ToString() };
            if (extra is { } x) cells.Add(x.Values[i]);
            table.Add([.. cells]);
            i++;
        }
        return table;
    }
}
