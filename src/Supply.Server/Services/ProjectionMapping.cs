using Supply.Contracts.V1;
using D = Supply.Domain;
using F = Supply.Domain.Forecast;
using Level = Supply.Contracts.V1.CoverageLevel;

namespace Supply.Server.Services;

/// <summary>Projections (docs/projection.md) between the domain and the contract.</summary>
internal static class ProjectionMapping
{
    public static Projection ToContract(this F.ProjectionRow r) => new()
    {
        Level = ToContract(r.Level),
        Area = r.Area,
        Subject = r.Subject == D.Coverage.CoverageSubject.Item ? "item" : "group",
        Key = r.Key,
        Start = r.Start.ToString("yyyy-MM-dd"),
        Usable = r.Usable,
        Locations = r.Locations,
        Current = ToContract(r.Current),
        BurnRate7D = ToContract(r.Trend.BurnRate7),
        BurnRate28D = ToContract(r.Trend.BurnRate28),
        Trending = ToContract(r.Trending),
        TrendPerDay = r.Trend.Slope,
        AtCurrent = ToContract(r.AtCurrent),
        AtTrend = ToContract(r.AtTrend),
        HorizonDays = r.AtCurrent.HorizonDays,
    };

    /// <summary>The projection as a coverage row (today's figures), for shortfalls and alerts judged by the projection.</summary>
    public static D.Coverage.CoverageRow ToCoverageRow(this F.ProjectionRow r) =>
        new(r.Level, r.Area, r.Subject, r.Key, new D.Coverage.CoverageFigures(r.Usable, r.DailyConsumption, 0), r.Locations);

    private static Contracts.V1.ConsumptionFigure ToContract(F.ConsumptionFigure f) =>
        new() { PerDay = f.PerDay, Method = ToContract(f.Method), WindowDays = f.WindowDays, Observations = f.Observations };

    private static Contracts.V1.ConsumptionMethod ToContract(F.ConsumptionMethod m) => m switch
    {
        F.ConsumptionMethod.ReportedAverages => Contracts.V1.ConsumptionMethod.ReportedAverages,
        F.ConsumptionMethod.MeanOfObservedDays => Contracts.V1.ConsumptionMethod.MeanOfObservedDays,
        F.ConsumptionMethod.HoltLinear => Contracts.V1.ConsumptionMethod.HoltLinear,
        _ => Contracts.V1.ConsumptionMethod.Unspecified,
    };

    private static ProjectionWalk ToContract(F.ProjectionResult w) => new()
    {
        RunsOut = w.StockoutOn is not null,
        StockoutOn = w.StockoutOn?.ToString("yyyy-MM-dd") ?? "",
        DaysOfSupply = w.DaysOfSupply,
        WastedToExpiry = w.WastedToExpiry,
    };

    public static Level ToContract(D.Coverage.CoverageLevel level) => level switch
    {
        D.Coverage.CoverageLevel.Location => Level.Location,
        D.Coverage.CoverageLevel.Region => Level.Region,
        D.Coverage.CoverageLevel.HealthcareRegion => Level.HealthcareRegion,
        _ => Level.Nation,
    };
}
