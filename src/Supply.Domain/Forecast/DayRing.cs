namespace Supply.Domain.Forecast;

/// <summary>
/// One value per day over the last <see cref="MaxDays"/> days up to <see cref="End"/>, stored only for the span of days
/// that have values: a line with one reported day costs one cell, a year of daily data 365. default(T) means "nothing
/// that day". Days that fall out of the window read as default and are dropped when the array is next reshaped.
/// </summary>
/// <remarks>
/// A mutable struct, kept as a field of its owner (<see cref="ConsumptionHistory"/>) and never copied: millions of stock
/// lines each hold two, and as objects they cost 40 bytes apiece more than inline (a tenth of an active line's memory).
/// default is an empty series.
/// </remarks>
public struct DaySeries<T> where T : struct
{
    public const int MaxDays = 365;

    private T[]? _cells; // null until the first value
    private int _start, _count; // _cells[0.._count) are the days _start.._start+_count-1

    /// <summary>Day number (<see cref="DateOnly.DayNumber"/>) of the newest day seen; 0 while empty.</summary>
    public int End { get; private set; }

    /// <summary>Cells allocated: what the series costs, in T.</summary>
    public readonly int Capacity => _cells?.Length ?? 0;

    /// <summary>The first day of the window.</summary>
    public readonly int First => End - MaxDays + 1;

    public readonly T Get(int day) =>
        End == 0 || day < First || day > End || day < _start || day >= _start + _count ? default : _cells![day - _start];

    /// <summary>Moves the window's end forward (a report dated <paramref name="day"/> arrived); days before the new window read as nothing.</summary>
    public void Advance(int day)
    {
        if (day > End) End = day;
    }

    /// <summary>
    /// Updates a day's value with <paramref name="update"/>(current, <paramref name="arg"/>); a day before the window is
    /// ignored. The argument is passed, not captured, so a static lambda allocates nothing (this runs per stock line).
    /// </summary>
    public void Update<TArg>(int day, TArg arg, Func<T, TArg, T> update)
    {
        Advance(day);
        if (day < First) return;
        DropBefore(First);
        if (_count == 0) _start = day;
        if (day < _start)
        {
            var shift = _start - day;
            var cells = new T[Grown(_count + shift)];
            Array.Copy(_cells!, 0, cells, shift, _count);
            _cells = cells;
            _start = day;
            _count += shift;
        }
        else if (day >= _start + _count)
        {
            var count = day - _start + 1;
            if (count > Capacity) Array.Resize(ref _cells, Grown(count));
            _count = count;
        }
        _cells![day - _start] = update(_cells[day - _start], arg);
    }

    private void DropBefore(int first)
    {
        if (_count == 0 || _start >= first) return;
        var drop = Math.Min(_count, first - _start);
        var cells = _cells!; // _count > 0: allocated
        Array.Copy(cells, drop, cells, 0, _count - drop);
        Array.Clear(cells, _count - drop, drop);
        _count -= drop;
        _start = _count == 0 ? 0 : first;
    }

    /// <summary>Doubling (amortised growth), never past the window.</summary>
    private int Grown(int needed) => Math.Min(MaxDays, Math.Max(needed, Capacity * 2));

    /// <summary>The oldest day of the window that has a value; 0 when none has.</summary>
    public readonly int FirstFilledDay()
    {
        for (var i = 0; i < _count; i++)
        {
            var day = _start + i;
            if (day >= First && day <= End && !EqualityComparer<T>.Default.Equals(_cells![i], default)) return day;
        }
        return 0;
    }
}
