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
/// arrives first, so any order of the same reports gives the same history. Each source holds only the span of days it
/// has values for (<see cref="DaySeries{T}"/>): 8 bytes a day of reported periods, 8 a day of consumed movements, at
/// most a year of each.
/// </remarks>
public sealed class ConsumptionHistory
{
    /// <summary>Days kept: a year.</summary>
    public const int Days = DaySeries<double>.MaxDays;

    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Inline structs, not objects (see DaySeries): mutated in place, never copied out.
    private DaySeries<ReportedDay> _reported;
    private DaySeries<double> _consumed;

    /// <summary>A day's winning reported period: 1 + minutes since 2000-01-01 UTC of its report's as-of (0 = none), and its rate.</summary>
    public readonly record struct ReportedDay(int Key, float Rate)
    {
        /// <summary>The newer report wins; in the same minute the larger rate (any total order would do: it only has to be one).</summary>
        public ReportedDay Max(ReportedDay other) => other.Key > Key || (other.Key == Key && other.Rate > Rate) ? other : this;
    }

    /// <summary>Day number (<see cref="DateOnly.DayNumber"/>) of the newest day in the window; 0 while empty.</summary>
    public int EndDay => _reported.End;

    public bool IsEmpty => EndDay == 0;

    /// <summary>Bytes of day cells allocated (what the history costs beyond its two small objects).</summary>
    public int CellBytes => _reported.Capacity * 8 + _consumed.Capacity * 8;

    private void Advance(int day)
    {
        _reported.Advance(day);
        _consumed.Advance(day);
    }

    /// <summary>A reported average (already adjusted for stock-outs) over <paramref name="periodDays"/> days ending on as-of's date (0: that day alone).</summary>
    public void RecordReported(DateTimeOffset asOf, int periodDays, double perDay)
    {
        if (!double.IsFinite(perDay) || perDay < 0) return;
        var end = DateOnly.FromDateTime(asOf.UtcDateTime).DayNumber;
        Advance(end);
        var offered = new ReportedDay(1 + (int)Math.Clamp((asOf - Epoch).TotalMinutes, 0, int.MaxValue - 1), (float)perDay);
        for (var day = Math.Max(end - Math.Max(1, periodDays) + 1, _reported.First); day <= end; day++)
            _reported.Update(day, offered, static (held, o) => held.Max(o));
    }

    /// <summary>A consumed movement of <paramref name="quantity"/> units on as-of's date.</summary>
    public void RecordConsumed(DateTimeOffset asOf, long quantity)
    {
        if (quantity <= 0) return;
        var day = DateOnly.FromDateTime(asOf.UtcDateTime).DayNumber;
        Advance(day);
        _consumed.Update(day, quantity, static (held, q) => held + q);
    }

    /// <summary>The observation of one day: the reported rate, else the consumed sum, else null (unknown).</summary>
    public double? On(DateOnly date)
    {
        var reported = _reported.Get(date.DayNumber);
        if (reported.Key != 0) return reported.Rate;
        var consumed = _consumed.Get(date.DayNumber);
        return consumed > 0 ? consumed : null;
    }

    /// <summary>The <paramref name="days"/> days ending on <paramref name="end"/>, oldest first; NaN where unknown.</summary>
    public double[] Series(DateOnly end, int days)
    {
        var series = new double[days];
        Series(end, series);
        return series;
    }

    /// <summary>Fills <paramref name="into"/> with the days ending on <paramref name="end"/>, oldest first; NaN where unknown.</summary>
    public void Series(DateOnly end, Span<double> into)
    {
        for (var k = 0; k < into.Length; k++) into[k] = On(end.AddDays(k - into.Length + 1)) ?? double.NaN;
    }

    // The stored shape: per source, the run of days from its oldest filled day to the window's end, oldest first.

    // Called per item on every write of a location's state: no iterators.
    public int ReportedRun() => Run(_reported.FirstFilledDay());
    public int ConsumedRun() => Run(_consumed.FirstFilledDay());

    private int Run(int firstFilledDay) => firstFilledDay == 0 ? 0 : EndDay - firstFilledDay + 1;

    public void WriteReported(Span<int> keys, Span<float> rates)
    {
        for (var j = 0; j < keys.Length; j++)
        {
            var cell = _reported.Get(EndDay - keys.Length + 1 + j);
            (keys[j], rates[j]) = (cell.Key, cell.Rate);
        }
    }

    public void WriteConsumed(Span<double> consumed)
    {
        for (var j = 0; j < consumed.Length; j++) consumed[j] = _consumed.Get(EndDay - consumed.Length + 1 + j);
    }

    /// <summary>Restores a stored history (the runs <see cref="WriteReported"/> and <see cref="WriteConsumed"/> wrote).</summary>
    public static ConsumptionHistory Read(int endDay, ReadOnlySpan<int> keys, ReadOnlySpan<float> rates, ReadOnlySpan<double> consumed)
    {
        var h = new ConsumptionHistory();
        h.Advance(endDay);
        for (var j = 0; j < keys.Length; j++)
            if (keys[j] != 0)
            {
                var cell = new ReportedDay(keys[j], rates[j]);
                h._reported.Update(endDay - keys.Length + 1 + j, cell, static (_, c) => c);
            }
        for (var j = 0; j < consumed.Length; j++)
            if (consumed[j] != 0)
            {
                var value = consumed[j];
                h._consumed.Update(endDay - consumed.Length + 1 + j, value, static (_, v) => v);
            }
        return h;
    }

    /// <summary>Same content (for tests and the stored shape): window end and every day of the window.</summary>
    public bool SameAs(ConsumptionHistory other)
    {
        if (EndDay != other.EndDay || _consumed.End != other._consumed.End) return false;
        for (var day = EndDay - Days + 1; day <= EndDay; day++)
            if (_reported.Get(day) != other._reported.Get(day) || _consumed.Get(day) != other._consumed.Get(day)) return false;
        return true;
    }
}
