namespace Supply.Domain.Coverage;

/// <summary>Consumption reported for one item at one place over a period, and the days it was out of stock.</summary>
public sealed record ConsumptionPeriod(long Consumed, int PeriodDays, int StockoutDays = 0);

public enum ConsumptionBasis
{
    /// <summary>No stock-out: the reported figure as it is.</summary>
    Reported,
    /// <summary>Scaled up for the days the item was out of stock (nobody could consume it then).</summary>
    AdjustedForStockout,
    /// <summary>Out of stock the whole period: the caller's earlier figure is used instead.</summary>
    Fallback,
    /// <summary>Out of stock the whole period and no earlier figure: the reported figure, unadjusted (a lower bound).</summary>
    Unadjusted,
}

/// <summary>Adjusted consumption of a period and the daily rate derived from it (a value: computed per stock line of every report).</summary>
public readonly record struct DailyConsumption(double PerDay, double AdjustedConsumed, ConsumptionBasis Basis);

public static class Consumption
{
    /// <summary>
    /// Daily consumption adjusted for stock-outs, as OpenLMIS does:
    /// <c>adjusted = consumed × periodDays / (periodDays − stockoutDays)</c>, per day <c>adjusted / periodDays</c>.
    /// When the item was out of stock the whole period (stockoutDays ≥ periodDays) there is nothing to scale:
    /// <paramref name="fallbackPerDay"/> (e.g. the previous period's rate) is used if given, else the
    /// reported figure unadjusted; <see cref="DailyConsumption.Basis"/> says which.
    /// </summary>
    /// <exception cref="DomainValidationException">negative consumption or stock-out days, or a period under one day.</exception>
    public static DailyConsumption Daily(ConsumptionPeriod period, double? fallbackPerDay = null)
    {
        var v = new Violations();
        v.Check(period.Consumed >= 0, "consumed", "must not be negative");
        v.Check(period.PeriodDays >= 1, "period_days", "must be at least 1");
        v.Check(period.StockoutDays >= 0, "stockout_days", "must not be negative");
        v.Check(fallbackPerDay is null || (double.IsFinite(fallbackPerDay.Value) && fallbackPerDay >= 0),
            "fallback_per_day", "must be a finite number, not negative");
        if (v.Any) throw new DomainValidationException(v.Items);

        if (period.StockoutDays == 0)
            return new DailyConsumption((double)period.Consumed / period.PeriodDays, period.Consumed, ConsumptionBasis.Reported);
        if (period.StockoutDays < period.PeriodDays)
        {
            var adjusted = (double)period.Consumed * period.PeriodDays / (period.PeriodDays - period.StockoutDays);
            return new DailyConsumption(adjusted / period.PeriodDays, adjusted, ConsumptionBasis.AdjustedForStockout);
        }
        return fallbackPerDay is { } fallback
            ? new DailyConsumption(fallback, fallback * period.PeriodDays, ConsumptionBasis.Fallback)
            : new DailyConsumption((double)period.Consumed / period.PeriodDays, period.Consumed, ConsumptionBasis.Unadjusted);
    }

    /// <summary>
    /// The same adjustment for a reported <em>average</em> (what snapshot lines carry): the period's consumption is
    /// <c>average × periodDays</c>, so the adjusted average is <c>average × periodDays / (periodDays − stockoutDays)</c>.
    /// A period of 0 (not said) or no stock-out days leaves the figure as reported; a whole period out of stock
    /// leaves it unadjusted (a lower bound). Inputs are validated at the contract (<see cref="Stock.ReportValidator"/>).
    /// </summary>
    public static DailyConsumption AdjustAverage(double averagePerDay, int periodDays, int stockoutDays)
    {
        var period = Math.Max(1, periodDays);
        if (stockoutDays <= 0 || periodDays <= 0) return new DailyConsumption(averagePerDay, averagePerDay * period, ConsumptionBasis.Reported);
        if (stockoutDays >= periodDays) return new DailyConsumption(averagePerDay, averagePerDay * period, ConsumptionBasis.Unadjusted);
        var adjusted = averagePerDay * periodDays / (periodDays - stockoutDays);
        return new DailyConsumption(adjusted, adjusted * periodDays, ConsumptionBasis.AdjustedForStockout);
    }
}

/// <summary>How an item's daily consumption was measured: as reported, over which period, and the adjustment applied.</summary>
public sealed record ConsumptionMeasure(double ReportedPerDay, int PeriodDays, int StockoutDays, ConsumptionBasis Basis);
