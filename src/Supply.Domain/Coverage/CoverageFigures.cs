namespace Supply.Domain.Coverage;

/// <summary>
/// Coverage of anything (one item at one location, a substitution group in a healthcare region, the
/// nation): usable stock, daily consumption and how much of the stock comes from stale data.
/// Pure sums, so figures add up across locations, items and levels.
/// </summary>
public sealed record CoverageFigures(long Usable, double DailyConsumption, long StaleUsable)
{
    public static readonly CoverageFigures Zero = new(0, 0, 0);

    /// <summary>Usable / daily consumption; null when nothing is consumed (no rate, no days).</summary>
    public double? DaysOfSupply => DailyConsumption > 0 ? Usable / DailyConsumption : null;

    /// <summary>Share (0..1) of the usable stock that comes from locations whose data is stale.</summary>
    public double StaleShare => Usable > 0 ? (double)StaleUsable / Usable : 0;

    public static CoverageFigures Of(UsableStock usable, double dailyConsumption, bool stale) =>
        new(usable.Usable, Math.Max(0, dailyConsumption), stale ? usable.Usable : 0);

    public static CoverageFigures operator +(CoverageFigures a, CoverageFigures b) =>
        new(a.Usable + b.Usable, a.DailyConsumption + b.DailyConsumption, a.StaleUsable + b.StaleUsable);

    public static CoverageFigures Sum(IEnumerable<CoverageFigures> figures) => figures.Aggregate(Zero, (a, b) => a + b);
}
