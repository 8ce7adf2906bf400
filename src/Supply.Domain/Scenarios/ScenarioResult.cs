namespace Supply.Domain.Scenarios;

/// <summary>Units per source tier.</summary>
public sealed record TierQuantities(long OwnRegion, long SameHealthcareRegion, long OtherRegions, long NationalStockpile, long Suppliers)
{
    public static readonly TierQuantities Zero = new(0, 0, 0, 0, 0);

    public long Total => OwnRegion + SameHealthcareRegion + OtherRegions + NationalStockpile + Suppliers;

    public long this[SourceTier tier] => tier switch
    {
        SourceTier.OwnRegion => OwnRegion,
        SourceTier.SameHealthcareRegion => SameHealthcareRegion,
        SourceTier.OtherRegions => OtherRegions,
        SourceTier.NationalStockpile => NationalStockpile,
        SourceTier.Suppliers => Suppliers,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "not a source tier"),
    };

    public static TierQuantities From(long[] byTier) => new(byTier[0], byTier[1], byTier[2], byTier[3], byTier[4]);

    public static TierQuantities operator +(TierQuantities a, TierQuantities b) => new(a.OwnRegion + b.OwnRegion,
        a.SameHealthcareRegion + b.SameHealthcareRegion, a.OtherRegions + b.OtherRegions,
        a.NationalStockpile + b.NationalStockpile, a.Suppliers + b.Suppliers);
}

/// <summary>One day of one result line. <see cref="Bound"/>: why a shortfall could not be met (the fair plan says; the greedy engine leaves it None).</summary>
public sealed record ScenarioDay(int Day, long Demand, long Met, long Shortfall)
{
    public ShortfallBound Bound { get; init; }
}

/// <summary>What kept a line from being met on a day, read from the plan's stock at the end of that day.</summary>
public enum ShortfallBound
{
    /// <summary>No shortfall, or not explained (the greedy engine).</summary>
    None = 0,
    /// <summary>No location held any of the line's items when the scenario started.</summary>
    NoStockAnywhere = 1,
    /// <summary>Stock left is too far away: its lead time has not passed by that day.</summary>
    LeadTime = 2,
    /// <summary>The regions that could give hold only their ordinary-care reserve.</summary>
    Reserve = 3,
    /// <summary>Suppliers hold stock but a delivery reduction caps what they release that day.</summary>
    SupplierCap = 4,
    /// <summary>All stock that could reach the line went to lines of higher priority, to equal ones in fair shares, or is kept for later days that need it more.</summary>
    SharedOut = 5,
}

/// <summary>Casualty demand for one supply in one region over the horizon, and where it was met from.</summary>
public sealed record ScenarioLine(
    string RegionCode, SupplyRef Supply, long Demand, TierQuantities MetBy, long Shortfall, int? FirstDayShort,
    IReadOnlyList<ScenarioDay> Days)
{
    public long Met => MetBy.Total;

    /// <summary>Met / demand; 1 when there was no demand.</summary>
    public double CoverageRatio => Demand == 0 ? 1 : (double)Met / Demand;

    /// <summary>The casualty categories whose demand the line sums (T1, T2, ...), and its priority weight (<see cref="ScenarioDemand"/>) on its heaviest day.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
    public double Priority { get; init; }
}

/// <summary>
/// One entry of the transfer plan: units of an item from a location to a region, used on <see cref="Day"/>
/// (<see cref="Date"/>), sent on <see cref="DispatchDay"/> = day − lead time. Own-region entries
/// (from region = to region) are stock used where it is.
/// </summary>
public sealed record Transfer(
    int Day, DateOnly Date, int DispatchDay, string FromLocationId, string FromRegion, string ToRegion, string ItemId, long Quantity,
    SourceTier Tier, SupplyRef For)
{
    /// <summary>The priority weight of the line it serves on that day (<see cref="ScenarioDemand"/>).</summary>
    public double Priority { get; init; }
}

/// <summary>Patients of one category in one region on each day: in hospital, of whom in intensive care, deaths and discharges.</summary>
public sealed record CensusLine(string RegionCode, string Category, IReadOnlyList<double> Patients, IReadOnlyList<double> IntensiveCare,
    IReadOnlyList<double> Deaths, IReadOnlyList<double> Discharges);

/// <summary>A region's ordinary consumption of an item over the horizon, the part its own stock met, and its reserve.</summary>
public sealed record OrdinaryLine(string RegionCode, string ItemId, long Consumption, long Met, long Unmet, long Reserve);

public enum DrawKind { Ordinary = 0, Transfer = 1 }

/// <summary>Stock taken from a location, in the order the engine took it (recorded only on request).</summary>
public sealed record StockDraw(int Day, DrawKind Kind, string LocationId, string ItemId, long Quantity);

public sealed record ScenarioTotals(long Demand, TierQuantities MetBy, long Shortfall)
{
    public long Met => MetBy.Total;
    public double CoverageRatio => Demand == 0 ? 1 : (double)Met / Demand;
}

public sealed record ScenarioResult(
    string ScenarioId,
    DateOnly Start,
    int HorizonDays,
    ScenarioTotals Totals,
    IReadOnlyList<ScenarioLine> Lines,
    IReadOnlyList<Transfer> Transfers,
    IReadOnlyList<OrdinaryLine> Ordinary,
    IReadOnlyList<StockDraw> Draws)
{
    /// <summary>The census per region, category and day the demand follows (patient flow).</summary>
    public IReadOnlyList<CensusLine> Census { get; init; } = [];
    /// <summary>Which engine made the plan: "greedy" or "fair" (the fair plan per part of the scenario; see docs/scenarios).</summary>
    public string Planner { get; init; } = "greedy";
}

/// <param name="RecordDraws">Also list every draw on stock (ordinary use included), in the order made; runs on one thread.</param>
/// <param name="MaxParallelism">
/// How many threads may run independent parts of the scenario at once (0: one per processor). Items that no line,
/// substitution group or reserve connects are independent, so the result is the same whatever this is.
/// </param>
public sealed record ScenarioOptions(bool RecordDraws = false, int MaxParallelism = 0)
{
    public static readonly ScenarioOptions Default = new();
}
