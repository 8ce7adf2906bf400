using System.Runtime.CompilerServices;

namespace Supply.Server.Services;

/// <summary>
/// The gRPC message of a cached read, built once per cached answer. While nothing changes, the readers hand back the
/// same immutable row list with the same as-of for every call; translating those rows (2,000 nationally) into protobuf
/// messages again for each call made most of a national call's garbage, and the collections it set off made the slow
/// tail of those calls (benchmarks/README.md, "Translated once"). Keyed weakly by the row list, so a translation lives
/// exactly as long as the reader keeps its rows. The message is only ever serialized, never changed, so calls share it.
/// </summary>
internal static class TranslatedResponses<TRow, TResponse> where TResponse : class
{
    private sealed record Entry(DateTimeOffset At, TResponse Response);

    private static readonly ConditionalWeakTable<IReadOnlyList<TRow>, Entry> Built = new();

    public static TResponse Of(DateTimeOffset at, IReadOnlyList<TRow> rows, Func<DateTimeOffset, IReadOnlyList<TRow>, TResponse> translate)
    {
        if (Built.TryGetValue(rows, out var entry) && entry.At == at) return entry.Response;
        var response = translate(at, rows);
        Built.AddOrUpdate(rows, new Entry(at, response));
        return response;
    }
}
