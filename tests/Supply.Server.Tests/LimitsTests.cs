using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>Limits that keep one sender from taking the service down.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task A_stream_longer_than_the_limit_is_ended_with_resource_exhausted_after_acknowledging_what_fits()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Limits:MaxReportsPerStream=3");
        var loc = (await RegisterAsync(server, ("19", LocationKind.Hospital)))[0];
        using var call = server.Reporting.StreamReports();
        for (var i = 0; i < 5; i++)
            await call.RequestStream.WriteAsync(Snapshot(loc, $"s{i}", Now.AddMinutes(-10 + i), Line(Ffp2, i)));
        await call.RequestStream.CompleteAsync();

        var acks = new List<ReportAck>();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);
        });

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal(["s0", "s1", "s2"], acks.Select(a => a.ReportId));
        var stock = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
        Assert.Equal((3L, 2L), (stock.Version, stock.Lines.Single().OnHand));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_and_nothing_changes()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Limits:MaxMessageBytes=4096");
        var loc = (await RegisterAsync(server, ("19", LocationKind.Pharmacy)))[0];
        var big = Snapshot(loc, "big", Now.AddMinutes(-5), Enumerable.Range(0, 1000).Select(_ => Line(Ffp2, 1)).ToArray());

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Reporting.SubmitReportAsync(big).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        var stock = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = loc });
        Assert.Equal(0, stock.Version);
    }
}
