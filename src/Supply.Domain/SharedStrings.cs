using CommunityToolkit.HighPerformance.Buffers;

namespace Supply.Domain;

/// <summary>
/// One copy per process of the strings that repeat on every stock line: item ids, substitution groups and lot numbers.
/// A report parsed from the wire, or a state read back from storage, brings a fresh string per line; at national scale
/// (millions of lines, the same few thousand items and lots in every location) those copies were a large part of the
/// memory per line. A bounded pool rather than <see cref="string.Intern"/>: lot numbers come from reporting systems and
/// never stop changing, so the least used are let go instead of kept for the life of the process. A string the pool has
/// let go is merely held twice; nothing depends on two equal strings being the same instance.
/// </summary>
public static class SharedStrings
{
    /// <summary>About 65,000 strings (the pool's own tables take ~2.5 MB): a national catalogue's items, groups and live lots.</summary>
    private static readonly StringPool Pool = new(1 << 16);

    public static string Of(string value) => value.Length == 0 ? "" : Pool.GetOrAdd(value);
}
