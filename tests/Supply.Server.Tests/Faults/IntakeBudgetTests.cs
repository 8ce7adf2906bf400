using Grpc.Core;
using Supply.Contracts.V1;
using Supply.Server.Services;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests.Faults;

/// <summary>
/// The server-wide bound on report lines in flight (Supply:Limits:ReportLinesInFlight; issue 18, part 2, overload):
/// streams beyond it are held back, not refused, and every report is still acknowledged in order.
/// </summary>
public sealed class IntakeBudgetTests
{
    private static readonly string[] AllItems = [Paracetamol, Morphine, Ffp2, Syringe, Cannula];

    [Fact]
    public async Task Many_streams_over_the_budget_are_held_back_and_every_report_is_acknowledged_in_order()
    {
        // Five lines of budget: every five-line report needs all of it, so the whole server runs one at a time.
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Limits:ReportLinesInFlight=5");
        var locations = await RegisterAsync(server, ("01", LocationKind.Hospital), ("03", LocationKind.Pharmacy), ("04", LocationKind.MunicipalCare));
        const int streams = 6, perStream = 15;

        var sent = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            using var call = server.Reporting.StreamReports();
            var ids = new List<string>();
            for (var i = 0; i < perStream; i++)
            {
                var loc = locations[(s + i) % locations.Length];
                var id = $"st{s}-r{i}";
                ids.Add(id);
                await call.RequestStream.WriteAsync(Snapshot(loc, id, Now.AddMinutes(-100 + i).AddSeconds(s),
                    [.. AllItems.Select((item, k) => Line(item, 10 * s + i + k))]));
            }
            await call.RequestStream.CompleteAsync();
            var acks = new List<ReportAck>();
            await foreach (var ack in call.ResponseStream.ReadAllAsync()) acks.Add(ack);
            return (ids, acks);
        })).ToArray();
        var results = await Task.WhenAll(sent);

        foreach (var (ids, acks) in results)
        {
            Assert.Equal(ids, acks.Select(a => a.ReportId));
            Assert.All(acks, a => Assert.NotEqual(ReportOutcome.Rejected, a.Outcome));
        }
        var budget = server.Services.GetRequiredService<IntakeBudget>();
        Assert.Equal(5, budget.PeakLines); // the reports went through the budget, and never more than it at once
        var total = 0L;
        foreach (var loc in locations)
            total += (await server.Query.GetReportHistoryAsync(new GetReportHistoryRequest { LocationId = loc, Limit = 500 })).Total;
        Assert.Equal(streams * perStream, total);
    }

    [Fact]
    public async Task A_report_larger_than_the_whole_budget_is_accepted_alone()
    {
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Limits:ReportLinesInFlight=2");
        var loc = (await RegisterAsync(server, ("05", LocationKind.Hospital)))[0];

        var ack = await server.Reporting.SubmitReportAsync(Snapshot(loc, "big", Now.AddMinutes(-5), [.. AllItems.Select(item => Line(item, 7))]));

        Assert.Equal((ReportOutcome.Applied, 5), (ack.Outcome, ack.LinesApplied));
        Assert.Equal(2, server.Services.GetRequiredService<IntakeBudget>().PeakLines);
    }
}
