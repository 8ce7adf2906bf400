using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Supply.Contracts.V1;

namespace Supply.CoverageBench;

/// <summary>
/// Splits a national ListProjections call into its parts, to say where its time goes: the same call with the reply left
/// unparsed (the server and the wire), and parsing that reply into messages (the client's own work).
/// </summary>
internal static class ReplyParts
{
    // The generated client parses every reply; this one only counts its bytes (no copy).
    private static readonly Method<ListProjectionsRequest, ReplySize> UnparsedListProjections = new(
        MethodType.Unary, "supply.v1.Coverage", "ListProjections",
        Marshallers.Create<ListProjectionsRequest>(r => r.ToByteArray(), ListProjectionsRequest.Parser.ParseFrom),
        Marshallers.Create<ReplySize>((_, _) => throw new NotSupportedException("replies are only read"), context => new ReplySize(context.PayloadLength)));

    private sealed record ReplySize(int Bytes);

    public sealed record Split(List<double> UnparsedMs, List<double> ParseMs, int ReplyBytes);

    /// <summary>One untimed call, then <paramref name="count"/> timed unparsed calls, then the reply parsed <paramref name="count"/> times.</summary>
    public static async Task<Split> MeasureAsync(
        CallInvoker invoker, ListProjectionsRequest request, Metadata? headers, int count, CancellationToken ct)
    {
        CallOptions Options() => new(headers, DateTime.UtcNow.AddMinutes(2), ct);
        var replyBytes = (await invoker.AsyncUnaryCall(UnparsedListProjections, null, Options(), request)).Bytes;
        var unparsed = new List<double>(count);
        for (var k = 0; k < count; k++)
        {
            var clock = Stopwatch.StartNew();
            await invoker.AsyncUnaryCall(UnparsedListProjections, null, Options(), request);
            unparsed.Add(clock.Elapsed.TotalMilliseconds);
        }

        // The reply's bytes once, then parsed as the generated client does (the same parser, the same allocations).
        var reply = await new Coverage.CoverageClient(invoker).ListProjectionsAsync(request, Options());
        var bytes = reply.ToByteArray();
        if (bytes.Length != replyBytes) throw new InvalidOperationException($"reply sizes differ: {bytes.Length} and {replyBytes} bytes");
        var parse = new List<double>(count);
        for (var k = 0; k < count; k++)
        {
            var clock = Stopwatch.StartNew();
            ProjectionsResponse.Parser.ParseFrom(bytes);
            parse.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Split(unparsed, parse, replyBytes);
    }
}
