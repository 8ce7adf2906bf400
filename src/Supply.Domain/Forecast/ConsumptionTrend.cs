namespace Supply.Domain.Forecast;

/// <summary>How a consumption figure is computed (docs/projection.md#trend).</summary>
public enum ConsumptionMethod
{
    /// <summary>The reporting systems' own averages, each adjusted for its stock-out days, summed: what coverage uses.</summary>
    ReportedAverages = 1,
    /// <summary>The mean of the days observed in the window.</summary>
    MeanOfObservedDays = 2,
    /// <summary>Holt's linear exponential smoothing over the window: the next day's value.</summary>
    HoltLinear = 3,
}

/// <summary>A consumption figure with its basis, so a coordinator can judge it: the method, the window and how many days were observed.</summary>
public sealed record ConsumptionFigure(double PerDay, ConsumptionMethod Method, int WindowDays, int Observations)
{
    /// <summary>The method as a formula in words.</summary>
    public string Formula => Method switch
    {
        ConsumptionMethod.MeanOfObservedDays => "mean of observed days",
        ConsumptionMethod.HoltLinear => HoltFormula,
        _ => "sum of reported averages, adjusted for stock-out days",
    };

    private static readonly string HoltFormula = $"Holt linear, alpha {TrendState.Alpha}, beta {TrendState.Beta}, next day";
}

/// <summary>
/// What the history of one item says about its consumption on <c>AsOf</c>, in a form that adds up: burn rates over 7 and
/// 28 days and the state of Holt's linear exponential smoothing (level and slope). Every part is linear in the daily
/// observations (with the same smoothing constants and the same initialisation rule), so the sum of the locations'
/// states is the state of their sum: a region or the nation adds its rows' trends instead of walking its locations'
/// histories (docs/projection.md#trend).
/// </summary>
/// <param name="Burn7">Mean of the observed days among the last 7 (summed over locations).</param>
/// <param name="Level">Holt level on AsOf: the smoothed consumption per day.</param>
/// <param name="Slope">Holt trend: change of the level per day.</param>
/// <param name="Observations">Days observed in the smoothing window (summed over locations).</param>
/// <remarks>
/// Auto layout: in declaration order the three counts would each be padded to 8 bytes (56 bytes, not 48), and one of these
/// is held per stock line in the region aggregates (4 M nationally).
/// </remarks>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct TrendState(
    double Burn7, int Observations7, double Burn28, int Observations28, double Level, double Slope, int Observations)
{
    /// <summary>Smoothing of the level (α) and of the trend (β): see docs/projection.md#trend for why these.</summary>
    public const double Alpha = 0.3, Beta = 0.1;
    /// <summary>Days of history the smoothing runs over: eight weeks.</summary>
    public const int FitDays = 56;

    public static readonly TrendState None = default;

    public static TrendState operator +(TrendState a, TrendState b) => new(
        a.Burn7 + b.Burn7, a.Observations7 + b.Observations7, a.Burn28 + b.Burn28, a.Observations28 + b.Observations28,
        a.Level + b.Level, a.Slope + b.Slope, a.Observations + b.Observations);

    /// <summary>Projected consumption <paramref name="daysAhead"/> days after AsOf (day 1 is the day after): level + h × slope, never negative.</summary>
    public double Forecast(int daysAhead) => Math.Max(0, Level + daysAhead * Slope);

    public ConsumptionFigure BurnRate7 => new(Burn7, ConsumptionMethod.MeanOfObservedDays, 7, Observations7);
    public ConsumptionFigure BurnRate28 => new(Burn28, ConsumptionMethod.MeanOfObservedDays, 28, Observations28);
    public ConsumptionFigure Trending => new(Forecast(1), ConsumptionMethod.HoltLinear, FitDays, Observations);

    /// <summary>The state of one location × item on <paramref name="asOf"/> from its history (None when it has none).</summary>
    public static TrendState Of(ConsumptionHistory? history, DateOnly asOf)
    {
        if (history is null || history.IsEmpty) return None;
        // On the stack: every publication computes this for each of a location's items.
        Span<double> series = stackalloc double[FitDays];
        history.Series(asOf, series);
        var (burn7, n7) = Mean(series[(FitDays - 7)..]);
        var (burn28, n28) = Mean(series[(FitDays - 28)..]);
        var (level, slope, n) = Holt(series);
        return new TrendState(burn7, n7, burn28, n28, level, slope, n);
    }

    private static (double Mean, int Count) Mean(ReadOnlySpan<double> days)
    {
        double sum = 0;
        var n = 0;
        foreach (var x in days)
            if (!double.IsNaN(x)) { sum += x; n++; }
        return n == 0 ? (0, 0) : (sum / n, n);
    }

    /// <summary>
    /// Holt's linear method over the series (NaN = not observed). Initialised with level = the first observation and
    /// trend = 0; a day without an observation carries the forecast on (level += trend) without correcting it.
    /// </summary>
    public static (double Level, double Slope, int Observations) Holt(ReadOnlySpan<double> series)
    {
        double level = 0, slope = 0;
        var n = 0;
        foreach (var x in series)
        {
            if (n == 0)
            {
                if (double.IsNaN(x)) continue;
                level = x;
                n = 1;
                continue;
            }
            var forecast = level + slope;
            if (double.IsNaN(x)) { level = forecast; continue; }
            var next = Alpha * x + (1 - Alpha) * forecast;
            slope = Beta * (next - level) + (1 - Beta) * slope;
            level = next;
            n++;
        }
        return (level, slope, n);
    }
}
