using System.Collections.Concurrent;

namespace Supply.Domain;

/// <summary>
/// One copy per process of the strings that repeat on every stock line: item ids, substitution groups and lot numbers.
/// A report parsed from the wire, or a state read back from storage, brings a fresh string per line; at national scale
/// (millions of lines, the same few thousand items and lots in every location) those copies were a large part of the
/// memory per line. Bounded rather than <see cref="string.Intern"/>: lot numbers come from reporting systems and never
/// stop changing, so the table starts over when full instead of keeping them for the life of the process. A string
/// held twice is merely held twice; nothing depends on two equal strings being the same instance.
/// </summary>
/// <remarks>
/// Look-ups take no lock. A pool locked per bucket (CommunityToolkit's <c>StringPool</c>, used before) sends equal
/// strings to the same lock, and every location reports the same lots: concurrent snapshots waited on one lock for 7%
/// of a national load's CPU (benchmarks/README.md).
/// </remarks>
public static class SharedStrings
{
    /// <summary>About 65,000 strings (~5 MB with the table): a national catalogue's items, groups and live lots.</summary>
    internal const int Capacity = 1 << 16;

    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static int s_added;

    public static string Of(string value)
    {
        if (value.Length == 0) return "";
        if (Pool.TryGetValue(value, out var shared)) return shared;
        if (Interlocked.Increment(ref s_added) > Capacity)
        {
            // Full: start over. Strings already shared stay shared where they are held.
            Pool.Clear();
            Volatile.Write(ref s_added, 1);
        }
        return Pool.GetOrAdd(value, value);
    }
}
