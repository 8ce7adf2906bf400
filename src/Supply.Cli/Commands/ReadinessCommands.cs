using System.CommandLine;
using Google.Protobuf;
using Supply.Cli.Output;
using Supply.Exports;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary>
/// <c>supply readiness targets set|list</c>, <c>supply readiness compliance</c>, <c>supply readiness history</c>,
/// <c>supply expiry-wave</c>, <c>supply find-lot</c>.
/// </summary>
internal static class ReadinessCommands
{
    private static readonly Dictionary<string, V1.CoverageLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["location"] = V1.CoverageLevel.Location,
        ["region"] = V1.CoverageLevel.Region,
        ["healthcare-region"] = V1.CoverageLevel.HealthcareRegion,
        ["nation"] = V1.CoverageLevel.Nation,
    };

    private static Option<string> LevelOption(string fallback = "nation", params string[] allowed)
    {
        var level = new Option<string>("--level") { Description = string.Join(", ", allowed.Length > 0 ? allowed : Levels.Keys), DefaultValueFactory = _ => fallback };
        level.AcceptOnlyFromAmong(allowed.Length > 0 ? allowed : [.. Levels.Keys]);
        return level;
    }

    public static Command Readiness(CommandKit kit)
    {
        var file = new Option<FileInfo>("--file")
        {
            Description = "The targets as JSON: {\"targets\":[{\"key\":\"A10\",\"byGroup\":true,\"days\":30,\"level\":\"COVERAGE_LEVEL_REGION\"}],\"note\":\"...\"}",
            Required = true,
        };
        var set = new Command("set", "Replace every readiness target (admin); a target for an unknown item or group is refused, naming it") { file };
        kit.SetAction(set, async (ctx, r, ct) =>
        {
            var path = r.GetValue(file)!;
            V1.SetReadinessTargetsRequest request;
            try
            {
                request = V1.SetReadinessTargetsRequest.Parser.ParseJson(await File.ReadAllTextAsync(path.FullName, ct));
            }
            catch (Exception e) when (e is IOException or InvalidProtocolBufferException or InvalidJsonException or UnauthorizedAccessException)
            {
                ctx.Err.WriteLine($"{path.Name}: {e.Message}");
                return ExitCodes.InputError;
            }
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Readiness.SetReadinessTargetsAsync(request, cancellationToken: c).ResponseAsync, ct);
            ctx.Out.WriteLine($"{reply.Targets} targets set (version {reply.Version})");
            return ExitCodes.Ok;
        });

        var listJson = kit.JsonOption();
        var list = new Command("list", "The readiness targets in force (the illustrative defaults until an admin sets some)") { listJson };
        kit.SetAction(list, async (ctx, r, ct) =>
        {
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Readiness.ListReadinessTargetsAsync(new V1.ListReadinessTargetsRequest(), cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(listJson)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            if (reply.Illustrative) ctx.Out.WriteLine("ILLUSTRATIVE shipped defaults, not policy: set real targets with 'supply readiness targets set'");
            var table = new Table("KEY", "SUBJECT", "DAYS", "LEVEL", "KIND", "REGION").Right("DAYS");
            foreach (var t in reply.Targets)
                table.Add(t.Key, t.ByGroup ? "group" : "item", Fmt.D(t.Days), LevelName(t.Level),
                    t.Kind == V1.LocationKind.Unspecified ? "" : Words.Of((Domain.Catalog.LocationKind)t.Kind), t.RegionCode);
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });

        var level = LevelOption();
        var regions = RegionOption.Many();
        var key = new Option<string?>("--key") { Description = "Only this item or group", HelpName = "KEY" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines (0: 100)" };
        var output = new FileOutput(kit.JsonOption());
        var compliance = new Command("compliance", "Compliance with the readiness targets at a level, worst first") { level, regions, key, limit };
        output.AddTo(compliance);
        kit.SetAction(compliance, async (ctx, r, ct) =>
        {
            if (output.Refuse(ctx, r) is { } refused) return refused;
            var request = new V1.GetReadinessComplianceRequest { Level = Levels[r.GetValue(level)!], Key = r.GetValue(key) ?? "", Limit = r.GetValue(limit) };
            request.RegionCodes.AddRange(r.GetValue(regions) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Readiness.GetReadinessComplianceAsync(request, cancellationToken: c).ResponseAsync, ct);
            var names = output.NeedsNames(r) ? await QueryCommands.ItemNamesAsync(conn, ct) : null;
            return await output.WriteAsync(ctx, r, reply, t => new Workbook().Add(t.Compliance(reply.Lines)), w =>
            {
                if (reply.IllustrativeTargets) w.WriteLine("against the ILLUSTRATIVE default targets");
                var table = new Table("AREA", "KEY", "TARGET DAYS", "TARGET", "USABLE", "GAP", "GAP DAYS", "COMPLIANT")
                    .Right("TARGET DAYS", "TARGET", "USABLE", "GAP", "GAP DAYS", "COMPLIANT");
                foreach (var l in reply.Lines)
                    table.Add(l.Area, l.Key, Fmt.D(l.TargetDays), Fmt.N(l.TargetUnits), Fmt.N(l.UsableUnits), Fmt.N(l.GapUnits), Fmt.D(l.GapDays),
                        Fmt.D(l.PercentCompliant) + " %");
                table.WriteTo(w);
            }, names, ct);
        });

        var hLevel = LevelOption("nation", "nation", "healthcare-region", "region");
        var area = new Option<string[]>("--area") { Description = "Only this area (region code or healthcare region); repeat for several", DefaultValueFactory = _ => [] };
        var days = new Option<int>("--days") { Description = "How many days back (0: 90)" };
        var hJson = kit.JsonOption();
        var history = new Command("history", "The daily compliance record: readiness over the weeks") { hLevel, area, days, hJson };
        kit.SetAction(history, async (ctx, r, ct) =>
        {
            var request = new V1.GetComplianceHistoryRequest { Level = Levels[r.GetValue(hLevel)!], Days = r.GetValue(days) };
            request.Areas.AddRange(r.GetValue(area) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Readiness.GetComplianceHistoryAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(hJson)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("DAY", "AREA", "TARGET", "TOWARD TARGET", "GAP", "COMPLIANT", "LINES OK").Right("TARGET", "TOWARD TARGET", "GAP", "COMPLIANT", "LINES OK");
            foreach (var d in reply.Days)
                table.Add(d.Day, d.Area, Fmt.N(d.TargetUnits), Fmt.N(d.UsableTowardTarget), Fmt.N(d.GapUnits), Fmt.D(d.PercentCompliant) + " %",
                    $"{d.LinesCompliant}/{d.Lines}");
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });

        return new Command("readiness", "Readiness targets (beredskapslager) and compliance with them")
        {
            new Command("targets", "The readiness targets") { set, list },
            compliance,
            history,
        };
    }

    public static IEnumerable<Command> Expiry(CommandKit kit)
    {
        var level = LevelOption();
        var byGroup = new Option<bool>("--by-group") { Description = "Count substitution groups instead of items" };
        var item = new Option<string?>("--item") { Description = "Only this item", HelpName = "ITEM" };
        var regions = RegionOption.Many();
        var weeks = new Option<int>("--weeks") { Description = "Weeks ahead (1..104; default 12)" };
        var json = kit.JsonOption();
        var wave = new Command("expiry-wave", "Units expiring per week ahead, per item or group: what will be wasted unless moved")
        {
            level, byGroup, item, regions, weeks, json,
        };
        kit.SetAction(wave, async (ctx, r, ct) =>
        {
            var request = new V1.GetExpiryWaveRequest
            {
                Level = Levels[r.GetValue(level)!], ByGroup = r.GetValue(byGroup), ItemId = r.GetValue(item) ?? "", Weeks = r.GetValue(weeks),
            };
            request.RegionCodes.AddRange(r.GetValue(regions) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Coverage.GetExpiryWaveAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            ctx.Out.WriteLine($"week 0 starts {reply.Start}");
            var weekHeads = Enumerable.Range(0, reply.Weeks).Select(w => $"W{w}").ToArray();
            var table = new Table(["AREA", "KEY", "EXPIRED", .. weekHeads, "WASTED UNLESS MOVED"]).Right(["EXPIRED", .. weekHeads, "WASTED UNLESS MOVED"]);
            foreach (var row in reply.Rows)
                table.Add([row.Area, row.Key, Fmt.N(row.Expired), .. row.Expiring.Select(Fmt.N), Fmt.N(row.WastedUnlessMoved)]);
            table.WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });

        var lotItem = new Option<string>("--item") { Description = "The item", HelpName = "ITEM", Required = true };
        var lot = new Option<string>("--lot") { Description = "The lot number", HelpName = "LOT", Required = true };
        var lotRegions = RegionOption.Many();
        var lotJson = kit.JsonOption();
        var findLot = new Command("find-lot", "Which locations hold a lot of an item, with quantities (a recall)") { lotItem, lot, lotRegions, lotJson };
        kit.SetAction(findLot, async (ctx, r, ct) =>
        {
            var request = new V1.FindLotRequest { ItemId = r.GetValue(lotItem)!, LotNumber = r.GetValue(lot)! };
            request.RegionCodes.AddRange(r.GetValue(lotRegions) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Query.FindLotAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(lotJson)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            var table = new Table("LOCATION", "REGION", "KIND", "QUANTITY", "EXPIRES", "AS OF").Right("QUANTITY");
            foreach (var h in reply.Holdings)
                table.Add(h.LocationId, h.RegionCode, Words.Of((Domain.Catalog.LocationKind)h.Kind), Fmt.N(h.Quantity), h.ExpiresOn, Fmt.Time(h.AsOf));
            table.WriteTo(ctx.Out);
            ctx.Out.WriteLine($"{reply.Holdings.Count} locations hold {Fmt.N(reply.TotalQuantity)} units of lot {reply.LotNumber} of {reply.ItemId}");
            return ExitCodes.Ok;
        });
        return [wave, findLot];
    }

    private static string LevelName(V1.CoverageLevel level) => Levels.FirstOrDefault(kv => kv.Value == level).Key ?? "nation";
}
