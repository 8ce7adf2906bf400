namespace Supply.Demo;

/// <summary>
/// A small, fixed pseudo-random generator (SplitMix64) for demo data. Unlike <see cref="Random"/>
/// its sequence is defined here, so the demo data set is the same on every runtime and version.
/// </summary>
internal sealed class DemoRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one named thing (a location, an item) so its values do not shift when others change.</summary>
    public static DemoRandom For(ulong seed, string name)
    {
        var hash = 14695981039346656037UL; // FNV-1a over the UTF-16 code units
        foreach (var c in name) hash = (hash ^ c) * 1099511628211UL;
        return new DemoRandom(seed ^ hash);
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Between(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max] (both included).</summary>
    public int Between(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min + 1));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Between(0, items.Count - 1)];
}
