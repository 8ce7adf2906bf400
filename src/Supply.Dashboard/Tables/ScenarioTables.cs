using Microsoft.Extensions.Localization;
using Supply.Application;
using Supply.Dashboard.Resources;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>A stored scenario run's result lines, per-day figures and transfer plan as tables (parameter: run).</summary>
public sealed class ScenarioTables(ScenarioResultStore store, IStringLocalizer<PageStrings> T)
{
    public Task<TableData> LinesAsync(TableRequest request, Caller caller) => Task.FromResult(Lines(Find(request, caller).Result));

    public Task<TableData> PlanAsync(TableRequest request, Caller caller) => Task.FromResult(Plan(Find(request, caller).Result));

    public Task<TableData> DaysAsync(TableRequest request, Caller caller) => Task.FromResult(Days(Find(request, caller).Result));

    public Task<TableData> CensusAsync(TableRequest request, Caller caller) => Task.FromResult(Census(Find(request, caller).Result));

    public TableData Lines(ScenarioResult result)
    {
        TableColumn[] columns =
        [
            new("region", T["LevelRegion"]), new("region-name", T["RegionName"]), new("supply", T["Supply"]), new("demand", T["Demand"], CellKind.Integer),
            new("own-region", T["TierOwnRegion"], CellKind.Integer), new("same-hcr", T["TierSameHealthcareRegion"], CellKind.Integer),
            new("other-regions", T["TierOtherRegions"], CellKind.Integer), new("stockpile", T["TierNationalStockpile"], CellKind.Integer),
            new("suppliers", T["TierSuppliers"], CellKind.Integer), new("shortfall", T["Shortfall"], CellKind.Integer),
            new("first-day-short", T["FirstDayShort"], CellKind.Integer), new("coverage", T["Met"], CellKind.Percent),
            new("categories", T["Categories"]), new("priority", T["Priority"], CellKind.Number), new("bound", T["ShortBecause"]),
        ];
        return new TableData("scenario-lines", columns, result.Lines
            .OrderByDescending(l => l.Shortfall).ThenBy(l => l.RegionCode, StringComparer.Ordinal).ThenBy(l => l.Supply.Id, StringComparer.Ordinal)
            .Select(l => (object?[])
            [
                l.RegionCode, RegionName(l.RegionCode), l.Supply.Id, l.Demand, l.MetBy.OwnRegion, l.MetBy.SameHealthcareRegion, l.MetBy.OtherRegions,
                l.MetBy.NationalStockpile, l.MetBy.Suppliers, l.Shortfall, l.FirstDayShort is { } d ? (long)d : null, l.CoverageRatio,
                string.Join(", ", l.Categories), l.Priority, Bounds(l),
            ]).ToList());
    }

    public TableData Plan(ScenarioResult result)
    {
        TableColumn[] columns =
        [
            new("day", T["Day"], CellKind.Integer), new("date", T["Date"], CellKind.Date), new("dispatch-day", T["DispatchDay"], CellKind.Integer),
            new("from-location", T["FromLocation"]), new("from-region", T["FromRegion"]), new("to-region", T["ToRegion"]),
            new("item", T["Item"]), new("quantity", T["Quantity"], CellKind.Integer), new("tier", T["Tier"]), new("for", T["Supply"]),
            new("priority", T["Priority"], CellKind.Number),
        ];
        return new TableData("scenario-plan", columns, result.Transfers.Select(t => (object?[])
        [
            (long)t.Day, t.Date, (long)t.DispatchDay, t.FromLocationId, t.FromRegion, t.ToRegion, t.ItemId, t.Quantity, T[$"Tier{t.Tier}"].Value, t.For.Id,
            t.Priority,
        ]).ToList());
    }

    /// <summary>Demand, met and shortfall per day summed over all lines (the chart's data).</summary>
    public TableData Days(ScenarioResult result)
    {
        TableColumn[] columns =
        [
            new("day", T["Day"], CellKind.Integer), new("date", T["Date"], CellKind.Date), new("demand", T["Demand"], CellKind.Integer),
            new("met", T["MetUnits"], CellKind.Integer), new("shortfall", T["Shortfall"], CellKind.Integer),
        ];
        var days = result.Lines.SelectMany(l => l.Days).GroupBy(d => d.Day).OrderBy(g => g.Key)
            .Select(g => (object?[])[(long)g.Key, result.Start.AddDays(g.Key), g.Sum(d => d.Demand), g.Sum(d => d.Met), g.Sum(d => d.Shortfall)]).ToList();
        return new TableData("scenario-days", columns, days);
    }

    /// <summary>What kept a line short, day by day as the fair plan explains it: "d2: reserve; d3: lead time" (empty when nothing was short).</summary>
    private string Bounds(ScenarioLine line) => string.Join("; ", line.Days
        .Where(d => d.Shortfall > 0 && d.Bound != ShortfallBound.None)
        .Select(d => $"d{d.Day}: {T[$"Bound{d.Bound}"].Value}"));

    /// <summary>Patients per region, category and day that the demand follows (patient flow), one row a day.</summary>
    public TableData Census(ScenarioResult result)
    {
        TableColumn[] columns =
        [
            new("region", T["LevelRegion"]), new("category", T["Category"]), new("day", T["Day"], CellKind.Integer), new("date", T["Date"], CellKind.Date),
            new("patients", T["Patients"], CellKind.Number), new("intensive-care", T["IntensiveCare"], CellKind.Number),
            new("deaths", T["Deaths"], CellKind.Number), new("discharges", T["Discharges"], CellKind.Number),
        ];
        return new TableData("scenario-census", columns, result.Census
            .SelectMany(c => c.Patients.Select((patients, day) => (object?[])
            [
                c.RegionCode, c.Category, (long)day, result.Start.AddDays(day), patients, c.IntensiveCare[day], c.Deaths[day], c.Discharges[day],
            ])).ToList());
    }

    private StoredScenario Find(TableRequest request, Caller caller)
    {
        if (!caller.Is(Roles.NationalCoordinator)) throw new AccessDeniedException($"needs the {Roles.NationalCoordinator} role");
        return store.Find(request.Get("run"), caller.Name) ?? throw new NotFoundException("no such scenario run (runs are kept for their owner, in memory)");
    }

    private static string RegionName(string code) => Regions.IsRegionCode(code) ? Regions.Get(code).Name : code;
}
