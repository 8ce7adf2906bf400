using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Stop the server, start it again on the same SQLite file: every acknowledged report is there.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_report_survives_a_restart()
    {
        await using var server = await SupplyServer.StartAsync();
        var locs = await RegisterAsync(server, ("05", LocationKind.Hospital), ("06", LocationKind.MunicipalCare), ("09", LocationKind.Pharmacy));

        var acked = new List<ReportAck>();
        using (var call = server.Reporting.StreamReports())
        {
            for (var i = 0; i < 60; i++)
                await call.RequestStream.WriteAsync(Snapshot(locs[i % 3], $"s{i}", Now.AddMinutes(-120 + i), Line(Morphine, 1000 + i, adc: 2), Line(Ffp2, i)));
            await call.RequestStream.CompleteAsync();
            await foreach (var ack in call.ResponseStream.ReadAllAsync()) acked.Add(ack);
        }
        acked.Add(await server.Reporting.SubmitReportAsync(Movements(locs[0], "m1", Now.AddMinutes(-1), Move(Morphine, MovementType.Consumed, 17))));
        Assert.Equal(61, acked.Count);
        var before = await StockOf(server, locs);

        await server.RestartAsync();

        var after = await StockOf(server, locs);
        Assert.Equal(before, after);
        Assert.Equal(1057 - 17, after[0].Lines.Single(l => l.ItemId == Morphine).OnHand);
        var history = await server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = locs[0], Limit = 1000 });
        Assert.Equal(acked.Count(a => a.LocationId == locs[0]), history.Receipts.Count);
        // The catalog survived too, and a resend after the restart is still recognised.
        var resend = await server.Reporting.SubmitReportAsync(Movements(locs[0], "m1", Now.AddMinutes(-1), Move(Morphine, MovementType.Consumed, 17)));
        Assert.True(resend.Duplicate);
    }

    private static async Task<List<LocationStock>> StockOf(SupplyServer server, string[] locs)
    {
        var result = new List<LocationStock>();
        foreach (var loc in locs) result.Add(await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc }));
        return result;
    }
}
