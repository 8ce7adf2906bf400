namespace Supply.Domain.Coverage;

/// <summary>A row under the threshold, and how many units would bring it up to the threshold.</summary>
public sealed record Shortfall(CoverageRow Row, double DaysOfSupply, double ThresholdDays, long UnitsToThreshold);

public static class Shortfalls
{
    /// <summary>
    /// Rows with fewer days of supply than <paramref name="thresholdDays"/>, worst first: fewest days, then
    /// most units missing, then level, area and key (ordinal). Rows without consumption have no days and are never short.
    /// </summary>
    public static IReadOnlyList<Shortfall> Under(IEnumerable<CoverageRow> rows, double thresholdDays)
    {
        if (!double.IsFinite(thresholdDays) || thresholdDays < 0)
            throw new DomainValidationException([new Violation("threshold_days", "must be a finite number, not negative")]);
        return rows
            .Where(r => r.Figures.DaysOfSupply < thresholdDays)
            .Select(r => new Shortfall(r, r.Figures.DaysOfSupply!.Value, thresholdDays,
                Math.Max(0, (long)Math.Ceiling(thresholdDays * r.Figures.DailyConsumption - r.Figures.Usable - 1e-9))))
            .OrderBy(s => s.DaysOfSupply).ThenByDescending(s => s.UnitsToThreshold)
            .ThenBy(s => s.Row.Level).ThenBy(s => s.Row.Area, StringComparer.Ordinal)
            .ThenBy(s => s.Row.Subject).ThenBy(s => s.Row.Key, StringComparer.Ordinal)
            .ToList();
    }
}
