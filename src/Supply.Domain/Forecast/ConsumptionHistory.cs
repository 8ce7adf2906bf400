namespace Supply.Domain.Forecast;

/// <summary>
/// The daily consumption of one item at one location over the newest <see cref="Days"/> days, derived from accepted
/// reports (docs/projection.md#history). Two sources, each kept as a ring of one cell per day:
/// <list type="bullet">
/// <item><b>Reported</b>: a snapshot line's (stock-out adjusted) average covers the days of its period, ending on its as-of
/// date. Where periods overlap, the newest report wins the day: each cell keeps the largest (as-of minute, rate) pair.</item>
/// <item><b>Consumed</b>: consumed movements, summed per day of their as-of (whole units, so sums are exact).</item>
/// </list>
/// A day's observation is the reported rate if a period covers it, else the consumed sum if any, else none (unknown, not zero).
/// </summary>
/// <remarks>
/// Order-independent, like stock: the window ends on the newest day any report touched (a maximum), a cell is a maximum
/// (reported) or an exact sum (consumed) of what fell on its day, and what falls before the window is dropped whichever
/// arrives first, so any order of the same reports gives the same history. Arrays are allocated on first use: a line that
/// only ever gets snapshots costs 8 bytes a day (2.9 KB), one with movements too 16 (5.8 KB).
/// Public settable members are the persisted shape.
/// </remarks>
public sealed class ConsumptionHistory
{
    /// <summary>Days kept: a year.</summary>
    public const int Days = 365;

    /// <summary>Day number (<see cref="DateOnly.DayNumber"/>) of the newest day in the window; 0 while empty.</summary>
    public int EndDay { get; set; }
    /// <summary>Per day (ring index day % Days): 1 + minutes since 2000-01-01 UTC of the winning report's as-of; 0 = none.</summary>
    public int[]? ReportedKeys { get; set; }
    public float[]? ReportedRates { get; set; }
    public double[]? Consumed { get; set; }

    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public bool IsEmpty => EndDay == 0;

    /// <summary>A reported average (already adjusted for stock-outs) over <paramref name="periodDays"/> days ending on as-of's date (0: that day alone).</summary>
    public void RecordReported(DateTimeOffset asOf, int periodDays, double perDay)
    {
        if (!double.IsFinite(perDay) || perDay < 0) return;
        var end = DateOnly.FromDateTime(asOf.UtcDateTime).DayNumber;
        Advance(end);
        var key = 1 + (int)Math.Clamp((asOf - Epoch).TotalMinutes, 0, int.MaxValue - 1);
        var rate = (float)perDay;
        ReportedKeys ??= new int[Days];
        ReportedRates ??= new float[Days];
        var first = Math.Max(end - Math.Max(1, periodDays) + 1, EndDay - Days + 1);
        for (var day = first; day <= end; day++)
        {
            var i = day % Days;
            if (key > ReportedKeys[i] || (key == ReportedKeys[i] && rate > ReportedRates[i]))
            {
                ReportedKeys[i] = key;
                ReportedRates[i] = rate;
            }
        }
    }

    /// <summary>A consumed movement of <paramref name="quantity"/> units on as-of's date.</summary>
    public void RecordConsumed(DateTimeOffset asOf, long quantity)
    {
        if (quantity <= 0) return;
        var day = DateOnly.FromDateTime(asOf.UtcDateTime).DayNumber;
        Advance(day);
        if (day <= EndDay - Days) return;
        Consumed ??= new double[Days];
        Consumed[day % Days] += quantity;
    }

    /// <summary>Moves the window's end forward to <paramref name="day"/>, clearing the days that leave it.</summary>
    private void Advance(int day)
    {
        if (day <= EndDay) return;
        if (EndDay == 0 || day - EndDay >= Days)
        {
            if (ReportedKeys is not null) { Array.Clear(ReportedKeys); Array.Clear(ReportedRates!); }
            if (Consumed is not null) Array.Clear(Consumed);
        }
        else
            for (var d = EndDay + 1; d <= day; d++)
            {
                var i = d % Days; // the cell of day d − Days, now out of the window
                if (ReportedKeys is not null) { ReportedKeys[i] = 0; ReportedRates![i] = 0; }
                if (Consumed is not null) Consumed[i] = 0;
            }
        EndDay = day;
    }

    /// <summary>The observation of one day: the reported rate, else the consumed sum, else null (unknown).</summary>
    public double? On(DateOnly date)
    {
        var day = date.DayNumber;
        if (EndDay == 0 || day > EndDay || day <= EndDay - Days) return null;
        var i = day % Days;
        if (ReportedKeys is not null && ReportedKeys[i] != 0) return ReportedRates![i];
        if (Consumed is not null && Consumed[i] > 0) return Consumed[i];
        return null;
    }

    /// <summary>The <paramref name="days"/> days ending on <paramref name="end"/>, oldest first; NaN where unknown.</summary>
    public double[] Series(DateOnly end, int days)
    {
        var series = new double[days];
        for (var k = 0; k < days; k++) series[k] = On(end.AddDays(k - days + 1)) ?? double.NaN;
        return series;
    }

    // The stored shape: only the run of days from the oldest filled cell to the window's end, oldest first.

    public int ReportedRun() => Run(ReportedKeys is null ? null : i => ReportedKeys[i] != 0);
    public int ConsumedRun() => Run(Consumed is null ? null : i => Consumed[i] != 0);

    private int Run(Func<int, bool>? filled)
    {
        if (filled is null || EndDay == 0) return 0;
        for (var k = Days - 1; k >= 0; k--)
            if (filled((EndDay - k) % Days)) return k + 1;
        return 0;
    }

    public void WriteReported(Span<int> keys, Span<float> rates)
    {
        for (var j = 0; j < keys.Length; j++)
        {
            var i = (EndDay - keys.Length + 1 + j) % Days;
            keys[j] = ReportedKeys![i];
            rates[j] = ReportedRates![i];
        }
    }

    public void WriteConsumed(Span<double> consumed)
    {
        for (var j = 0; j < consumed.Length; j++) consumed[j] = Consumed![(EndDay - consumed.Length + 1 + j) % Days];
    }

    /// <summary>Restores a stored history (the runs <see cref="WriteReported"/> and <see cref="WriteConsumed"/> wrote).</summary>
    public static ConsumptionHistory Read(int endDay, ReadOnlySpan<int> keys, ReadOnlySpan<float> rates, ReadOnlySpan<double> consumed)
    {
        var h = new ConsumptionHistory { EndDay = endDay };
        if (keys.Length > 0)
        {
            h.ReportedKeys = new int[Days];
            h.ReportedRates = new float[Days];
            for (var j = 0; j < keys.Length; j++)
            {
                var i = (endDay - keys.Length + 1 + j) % Days;
                h.ReportedKeys[i] = keys[j];
                h.ReportedRates[i] = rates[j];
            }
        }
        if (consumed.Length > 0)
        {
            h.Consumed = new double[Days];
            for (var j = 0; j < consumed.Length; j++) h.Consumed[(endDay - consumed.Length + 1 + j) % Days] = consumed[j];
        }
        return h;
    }

    /// <summary>Same content (for tests and the stored shape): window end and every cell.</summary>
    public bool SameAs(ConsumptionHistory other)
    {
        if (EndDay != other.EndDay) return false;
        for (var i = 0; i < Days; i++)
        {
            if ((ReportedKeys?[i] ?? 0) != (other.ReportedKeys?[i] ?? 0)) return false;
            if ((ReportedRates?[i] ?? 0) != (other.ReportedRates?[i] ?? 0)) return false;
            if ((Consumed?[i] ?? 0) != (other.Consumed?[i] ?? 0)) return false;
        }
        return true;
    }
}
