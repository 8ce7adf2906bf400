namespace Supply.Grains;

/// <summary>
/// One copy per process of the strings stored states repeat on every line: item ids, substitution groups and lot numbers.
/// A state read back from storage (or from another silo) brings a fresh string per line; at national scale (millions
/// of lines, the same 2,000 item ids in every location) those copies were a large part of the memory per line. Only
/// catalogue-bounded values go through here (registered ids and groups, and lot numbers), so the pool stays bounded.
/// </summary>
internal static class SharedStrings
{
    public static string Of(string value) => value.Length == 0 ? "" : string.IsInterned(value) ?? string.Intern(value);
}
