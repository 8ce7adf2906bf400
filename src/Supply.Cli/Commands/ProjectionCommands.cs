using System.CommandLine;
using Supply.Cli.Output;
using V1 = Supply.Contracts.V1;

namespace Supply.Cli.Commands;

/// <summary><c>supply projection</c>: burn rates, trend and projected stock-out dates (docs/projection.md).</summary>
internal static class ProjectionCommands
{
    public static Command Create(CommandKit kit)
    {
        var level = CoverageCommands.LevelOption();
        var byGroup = CoverageCommands.GroupOption();
        var keys = new Option<string[]>("--item") { Description = "Only this item (or group with --by-group); repeatable", HelpName = "ITEM", AllowMultipleArgumentsPerToken = false };
        var regions = RegionOption.Many();
        var within = new Option<double>("--within") { Description = "Only what runs out within this many days (current or trending consumption)", HelpName = "DAYS" };
        var horizon = new Option<int>("--horizon") { Description = "Days to walk forward (default 730)", HelpName = "DAYS" };
        var limit = new Option<int>("--limit") { Description = "At most this many rows, earliest stock-out first (default 100)" };
        var json = kit.JsonOption();
        var projection = new Command("projection", "When stock runs out: burn rates, trend and projected stock-out date per item (or group), expiry counted")
            { level, byGroup, keys, regions, within, horizon, limit, json };
        kit.SetAction(projection, async (ctx, r, ct) =>
        {
            var request = new V1.ListProjectionsRequest
            {
                Level = CoverageCommands.Levels[r.GetValue(level)!], ByGroup = r.GetValue(byGroup), RunsOutWithinDays = r.GetValue(within),
                HorizonDays = r.GetValue(horizon), Limit = r.GetValue(limit),
            };
            request.Keys.AddRange(r.GetValue(keys) ?? []);
            request.RegionCodes.AddRange(r.GetValue(regions) ?? []);
            using var conn = ctx.Connect();
            var reply = await conn.CallAsync(c => conn.Coverage.ListProjectionsAsync(request, cancellationToken: c).ResponseAsync, ct);
            if (r.GetValue(json)) { JsonOut.Write(ctx.Out, reply); return ExitCodes.Ok; }
            Table(reply.Projections).WriteTo(ctx.Out);
            return ExitCodes.Ok;
        });
        return projection;
    }

    /// <summary>Current and trending side by side; the basis of each figure is in --json.</summary>
    public static Table Table(IEnumerable<V1.Projection> rows)
    {
        var table = new Table("AREA", "SUBJECT", "USABLE", "USE/DAY", "7D", "28D", "TREND", "DAYS", "OUT ON", "DAYS@TREND", "OUT ON@TREND", "WASTED")
            .Right("USABLE", "USE/DAY", "7D", "28D", "TREND", "DAYS", "DAYS@TREND", "WASTED");
        foreach (var p in rows)
            table.Add(p.Area, p.Key, Fmt.N(p.Usable), Fmt.D(p.Current.PerDay), Figure(p.BurnRate7D), Figure(p.BurnRate28D), Figure(p.Trending),
                Days(p.AtCurrent), Out(p.AtCurrent), Days(p.AtTrend), Out(p.AtTrend), Fmt.N(p.AtCurrent.WastedToExpiry));
        return table;
    }

    private static string Figure(V1.ConsumptionFigure f) => f.Observations == 0 ? "-" : Fmt.D(f.PerDay);
    private static string Days(V1.ProjectionWalk w) => w.RunsOut ? w.DaysOfSupply.ToString() : $">{w.DaysOfSupply}";
    private static string Out(V1.ProjectionWalk w) => w.RunsOut ? w.StockoutOn : "-";
}
