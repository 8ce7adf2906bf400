namespace Supply.Domain.Aggregation;

/// <summary>
/// A sum of doubles that does not depend on the order of its terms, and from which a term can be taken away again
/// exactly: each term is held as a 128-bit fixed-point number with 64 fractional bits, and fixed-point sums are exact.
/// </summary>
/// <remarks>
/// Region rows are kept up to date by taking a location's old totals out and putting its new ones in
/// (<see cref="RegionRows"/>). In plain floating point, (a + b) − b is not always a, and the result would depend on the
/// order reports arrived in; here it is always a. A term converts without loss when it is at least 2⁻¹² (0.00024) in
/// magnitude, which covers any daily consumption worth counting; the sum is rounded once, when read.
/// </remarks>
public readonly record struct ExactSum(Int128 Units)
{
    private const double Scale = 18446744073709551616.0; // 2^64

    /// <summary>Larger terms are not summed (a consumption of 10^18 a day is not a figure, and would overflow in time).</summary>
    private const double Largest = 1e18;

    public static ExactSum operator +(ExactSum sum, double term) => new(sum.Units + UnitsOf(term));
    public static ExactSum operator -(ExactSum sum, double term) => new(sum.Units - UnitsOf(term));
    public static ExactSum operator +(ExactSum a, ExactSum b) => new(a.Units + b.Units);
    public static ExactSum operator -(ExactSum a, ExactSum b) => new(a.Units - b.Units);

    public double Value => (double)Units / Scale;

    private static Int128 UnitsOf(double term) =>
        double.IsFinite(term) ? (Int128)(Math.Clamp(term, -Largest, Largest) * Scale) : Int128.Zero;
}
