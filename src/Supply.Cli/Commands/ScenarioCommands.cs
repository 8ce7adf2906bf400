using System.CommandLine;
using System.Globalization;
using Supply.Cli.Output;
using Supply.Exports;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply scenario run FILE</c> and <c>supply shortages list</c>.</summary>
internal static class ScenarioCommands
{
    public static Command Scenario(CommandKit kit)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Scenario file, YAML or JSON (see docs/scenarios/README.md)" };
        var transfers = new Option<bool>("--transfers") { Description = "Also print the transfer plan" };
        var planner = new Option<string>("--planner") { Description = "fair (default: the whole horizon, fair shares, shortfalls explained) or greedy (day by day, quicker)", HelpName = "fair|greedy", DefaultValueFactory = _ => "fair" };
        planner.AcceptOnlyFromAmong("fair", "greedy");
        var output = new FileOutput(kit.JsonOption());
        var run = new Command("run", "Evaluate a mass-casualty scenario: demand, where it is met from, what falls short") { file, transfers, planner };
        output.AddTo(run);
        kit.SetAction(run, async (ctx, r, ct) =>
        {
            if (output.Refuse(ctx, r) is { } refused) return refused;
            string document;
            try { document = await File.ReadAllTextAsync(r.GetValue(file)!.FullName, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ctx.InputError($"cannot read {r.GetValue(file)!.FullName}: {e.Message}"); }
            using var conn = ctx.Connect();
            var result = await conn.CallAsync(c => conn.Scenarios.RunScenarioAsync(new V1.RunScenarioRequest { Document = document, Planner = r.GetValue(planner) ?? "fair" }, cancellationToken: c).ResponseAsync, ct);
            // xlsx: the results and the transfer plan, a sheet each; csv: one table, the plan with --transfers.
            return await output.WriteAsync(ctx, r, result, t => r.GetValue(transfers) && output.FormatOf(r) == "csv"
                    ? new Workbook().Add(t.Transfers(result))
                    : new Workbook().Add(t.ScenarioLines(result), Headers.Of("sheet-scenario", t.Language)).Add(t.Transfers(result), Headers.Of("sheet-transfers", t.Language)),
                w => PrintResult(w, result, r.GetValue(transfers)), null, ct);
        });
        return new Command("scenario", "Mass-casualty scenarios") { run };
    }

    private static void PrintResult(TextWriter output, V1.ScenarioResult result, bool withTransfers)
    {
        output.WriteLine($"{result.ScenarioId}: {result.HorizonDays} days from {result.Start}, on " +
                          (result.LiveStock ? $"current national stock ({result.ShortageNoticesApplied} shortage notices applied)" : "the file's own data"));
        var t = result.Totals;
        output.WriteLine($"demand {Fmt.N(t.Demand)}, met {Fmt.N(t.Met)} ({t.CoverageRatio:P1}), shortfall {Fmt.N(t.Shortfall)}" +
                          (result.Planner.Length > 0 ? $"; plan: {result.Planner}" : ""));
        var table = new Table("REGION", "SUPPLY", "CATEGORIES", "PRIORITY", "DEMAND", "OWN", "SAME HC", "OTHER", "STOCKPILE", "SUPPLIERS", "SHORT", "FIRST DAY SHORT", "COVERED", "BOUND BY")
            .Right("PRIORITY", "DEMAND", "OWN", "SAME HC", "OTHER", "STOCKPILE", "SUPPLIERS", "SHORT", "FIRST DAY SHORT", "COVERED");
        foreach (var l in result.Lines)
            table.Add(l.RegionCode, $"{l.SupplyKind} {l.SupplyId}", string.Join(",", l.Categories), l.Priority.ToString("0.##", CultureInfo.InvariantCulture),
                Fmt.N(l.Demand), Fmt.N(l.MetBy.OwnRegion), Fmt.N(l.MetBy.SameHealthcareRegion),
                Fmt.N(l.MetBy.OtherRegions), Fmt.N(l.MetBy.NationalStockpile), Fmt.N(l.MetBy.Suppliers), Fmt.N(l.Shortfall),
                l.HasFirstDayShort ? l.FirstDayShort.ToString() : "-", l.CoverageRatio.ToString("P0"), Bounds(l));
        table.WriteTo(output);
        if (result.Census.Count > 0)
        {
            // The census the demand follows, per region, category and day (patients in hospital, of whom in intensive care).
            var census = new Table(["REGION", "CATEGORY", .. Enumerable.Range(0, result.HorizonDays).Select(d => $"DAY {d}")])
                .Right(Enumerable.Range(0, result.HorizonDays).Select(d => $"DAY {d}").ToArray());
            foreach (var c in result.Census)
                census.Add([c.RegionCode, c.Category, .. c.Patients.Select((p, d) =>
                    c.IntensiveCare[d] > 0 ? $"{p:0.#} ({c.IntensiveCare[d]:0.#} ICU)" : p.ToString("0.#", CultureInfo.InvariantCulture))]);
            census.WriteTo(output);
        }
        if (withTransfers)
        {
            var plan = new Table("DAY", "DATE", "FROM", "FROM REGION", "TO REGION", "ITEM", "QUANTITY", "TIER", "FOR", "PRIORITY").Right("DAY", "QUANTITY", "PRIORITY");
            var start = DateOnly.ParseExact(result.Start, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var x in result.Transfers)
            {
                // Ids travel once in the result's tables; transfers point at them (see Transfer in scenarios.proto).
                var (source, line) = (result.Sources[x.Source], result.Lines[x.Line]);
                var toRegion = line.RegionCode;
                if (source.Region == toRegion) continue; // within a region: not a transfer between regions
                plan.Add(x.Day.ToString(CultureInfo.InvariantCulture), start.AddDays(x.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    source.LocationId, source.Region, toRegion, result.Items[x.Item], Fmt.N(x.Quantity), ScenarioWords.Tier(x.Tier),
                    $"{line.SupplyKind} {line.SupplyId} ({string.Join(",", line.Categories)})", x.Priority.ToString("0.##", CultureInfo.InvariantCulture));
            }
            plan.WriteTo(output);
        }
    }

    /// <summary>What bound a line's shortfalls, e.g. "d2 5 reserve; d3 4 lead-time" ("-" when none is given).</summary>
    private static string Bounds(V1.ScenarioLine l) => l.Shortfalls.Count == 0 ? "-"
        : string.Join("; ", l.Shortfalls.Select(s => $"d{s.Day} {Fmt.N(s.Quantity)} {ScenarioWords.Bound(s.Bound)}"));

    public static Command Shortages(CommandKit kit)
    {
        var item = new Option<string?>("--item") { Description = "Only this item", HelpName = "ITEM" };
        var activeOn = new Option<string?>("--active-on") { Description = "Only notices active on this date (YYYY-MM-DD)", HelpName = "DATE" };
        var json = kit.JsonOption();
        var list = new Command("list", "Shortage notices (restnoteringar)") { item, activeOn, json };
        kit.SetAction(list, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            var request = new V1.ListShortageNoticesRequest { ItemId = r.GetValue(item) ?? "", ActiveOn = r.GetValue(activeOn) ?? "" };
            var reply = await conn.CallAsync(c => conn.Shortages.ListShortageNoticesAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("ID", "ITEM", "FROM", "TO", "SOURCE", "DELIVERIES", "ALTERNATIVES", "REASON");
            foreach (var n in reply.Notices)
                table.Add(n.Id, n.ItemId, n.From, n.To, n.Source,
                    n.HasDeliveryFactor ? $"x{n.DeliveryFactor:0.##}" : n.HasDeliveryQuantity ? $"-{Fmt.N(n.DeliveryQuantity)}/day" : "none",
                    string.Join(" ", n.Alternatives), Fmt.Clip(n.Reason, 40));
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });
        return new Command("shortages", "Shortage notices") { list };
    }
}
