using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Grains.Aggregation;

namespace Supply.AggregateWriteBench;

/// <summary>National-size region totals, summed by the domain's own rules from generated location totals.</summary>
internal static class NationalState
{
    private static readonly string[] RegionCodes =
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

    public static IReadOnlyList<RegionTotals> Regions(int locationsPerRegion, int itemCount)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow;
        // Eight stock variants, as the load test's workload has: locations share their item arrays (immutable), the sums do not.
        var variants = Enumerable.Range(0, 8).Select(v => Enumerable.Range(0, itemCount).Select(j =>
        {
            var onHand = 100 + (v * 101L + j * 7L) % 10_000;
            var group = j % 3 == 0 ? $"group-{j / 3 % 200}" : "";
            IReadOnlyList<ExpiringQuantity> lots = j % 2 == 0
                ? [new ExpiringQuantity(today.AddDays(30 + j % 90), onHand / 2, $"lot-{j}-a"), new ExpiringQuantity(today.AddDays(200), onHand / 2, $"lot-{j}-b")]
                : [];
            var daily = 1.5 + j % 7;
            return new LocationItemTotals($"npl:{20_000_000_000_001L + j}", group, onHand, onHand / 10, 0, onHand - onHand / 10,
                onHand - onHand / 10, daily, 0, now.AddHours(-1), lots, now.AddHours(-2),
                new TrendState(daily, 7, daily, 28, daily, 0.01, 56));
        }).OrderBy(i => i.ItemId, StringComparer.Ordinal).ToArray()).ToArray();

        return RegionCodes.AsParallel().AsOrdered().Select(code =>
        {
            var locations = Enumerable.Range(0, locationsPerRegion).Select(i => new LocationTotals(
                $"bench-{code}-{i:D4}", code, HealthcareRegions.OfRegion(code)[0], Version: 10 + i, now.AddHours(-1), now.AddMinutes(-5),
                today, variants[i % variants.Length]));
            return Aggregates.RegionTotalsOf(code, version: 1, locations);
        }).ToList();
    }
}

/// <summary>Times national reads (GetVersion, back to back with a 2 ms pause) while one write runs.</summary>
internal static class Probe
{
    public static async Task<(double WriteMs, List<double> Latencies)> WhileWriting(INationalAggregateGrain nation, Func<Task> write)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var writing = write();
        while (!writing.IsCompleted)
        {
            var call = Stopwatch.StartNew();
            await nation.GetVersion();
            latencies.Add(call.Elapsed.TotalMilliseconds);
            await Task.Delay(2);
        }
        await writing;
        return (clock.Elapsed.TotalMilliseconds, latencies);
    }

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}

internal static class FreePort
{
    public static int Next()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
