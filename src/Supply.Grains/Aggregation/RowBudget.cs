namespace Supply.Grains.Aggregation;

/// <summary>
/// How many rows a region's pushes may build afresh: a token bucket of <see cref="RowsPerSecond"/> with room for
/// <see cref="Burst"/>. A push's real cost is the rows it builds again, which the nation then holds until the next push: long
/// enough for the collector to promote and copy them. A region of ~4,000 rows whose every row changes (a national load, where
/// every publication is a new location) pushed four times a second, a quarter of that load's CPU; within the budget it
/// pushes about once a second. Reports that come now and then (a few pushes close together included) never wait for it.
/// </summary>
/// <remarks>Use from the owning grain's turns.</remarks>
public sealed class RowBudget(TimeProvider time)
{
    public const double RowsPerSecond = 4_000;
    public const double Burst = 16_000;

    private double _rows = Burst;
    private long _at; // timestamp (TimeProvider) of _rows; 0: full, never spent

    /// <summary>A push built <paramref name="rows"/> rows afresh (the budget may go below zero: the next push waits for it).</summary>
    public void Spend(int rows)
    {
        _rows = Available() - rows;
        _at = time.GetTimestamp();
    }

    /// <summary>How long the next push should wait for the budget to be back above zero.</summary>
    public TimeSpan Wait() => Available() is var rows && rows >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-rows / RowsPerSecond);

    private double Available() => _at == 0 ? _rows : Math.Min(Burst, _rows + time.GetElapsedTime(_at).TotalSeconds * RowsPerSecond);
}
