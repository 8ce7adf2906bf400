using Orleans;
using Orleans.Runtime;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;

namespace Supply.Server.Tests;

/// <summary>
/// Idle location grains leave memory (Supply:Silo:LocationIdleMinutes); national figures keep answering from the
/// aggregates without waking them, and the next report for a location finds its stock, history and receipts intact.
/// </summary>
public sealed class IdleLocationTests
{
    [Fact]
    public async Task An_idle_location_is_deactivated_and_reloads_its_stock_on_the_next_report()
    {
        // Three seconds of idleness (the collector looks every 1.5 s).
        await using var server = await SupplyServer.StartAsync(null, "--Supply:Silo:LocationIdleMinutes=0.05");
        var locs = await RegisterAsync(server, ("12", LocationKind.Hospital), ("12", LocationKind.RegionalWarehouse));
        await server.Reporting.SubmitReportAsync(Snapshot(locs[0], "s1", Now.AddHours(-2), Line(Morphine, 400, adc: 8), Line(Ffp2, 90)));
        await server.Reporting.SubmitReportAsync(Snapshot(locs[1], "s2", Now.AddHours(-2), Line(Morphine, 600, adc: 2)));
        var before = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = locs[0] });

        // Wait (bounded) until no location grain is active: both were idle long enough.
        var active = await Converge.UntilAsync(() => ActiveLocations(server), n => n == 0, seconds: 60);
        Assert.Equal(0, active);

        // National figures come from the aggregates: they answer, right, and wake no location.
        var coverage = new Supply.Contracts.V1.Coverage.CoverageClient(server.Channel);
        var nation = await Converge.UntilAsync(
            () => coverage.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Morphine }).ResponseAsync,
            r => r.Rows.Count == 1 && r.Rows[0].Usable == 1000);
        Assert.Equal(1000, nation.Rows.Single().Usable);
        Assert.Equal(0, await ActiveLocations(server));

        // The next report reloads the stored ledger: the movement applies to the stock reported before, the old report
        // is still recognised as a resend, and the stock line reads as it did plus the movement.
        var ack = await server.Reporting.SubmitReportAsync(Movements(locs[0], "m1", Now.AddMinutes(-5), Move(Morphine, MovementType.Consumed, 25)));
        Assert.Equal(ReportOutcome.Applied, ack.Outcome);
        var resend = await server.Reporting.SubmitReportAsync(Snapshot(locs[0], "s1", Now.AddHours(-2), Line(Morphine, 400, adc: 8), Line(Ffp2, 90)));
        Assert.True(resend.Duplicate);
        var after = await server.Query.GetLocationStockAsync(new GetLocationStockRequest { LocationId = locs[0] });
        Assert.Equal(375, after.Lines.Single(l => l.ItemId == Morphine).OnHand);
        Assert.Equal(before.Lines.Single(l => l.ItemId == Ffp2), after.Lines.Single(l => l.ItemId == Ffp2));
        Assert.Equal(before.Lines.Single(l => l.ItemId == Morphine).AverageDailyConsumption,
            after.Lines.Single(l => l.ItemId == Morphine).AverageDailyConsumption);
        var national = await Converge.UntilAsync(
            () => coverage.GetCoverageAsync(new GetCoverageRequest { Level = CoverageLevel.Nation, ItemId = Morphine }).ResponseAsync,
            r => r.Rows.Count == 1 && r.Rows[0].Usable == 975);
        Assert.Equal(975, national.Rows.Single().Usable);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("20000")]
    public void An_idle_time_out_of_range_stops_the_server_naming_the_setting(string minutes)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SupplyApp.Create([$"--Supply:Silo:LocationIdleMinutes={minutes}"]));
        Assert.Contains("Supply:Silo:LocationIdleMinutes", e.Message);
    }

    private static async Task<int> ActiveLocations(SupplyServer server)
    {
        var management = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("StockLocationGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}

/// <summary>When the host gives memory back after idle locations left it (Hosting/IdleMemoryTrim.cs).</summary>
public sealed class TrimPolicyTests
{
    [Theory]
    [InlineData(0, 3600, false)]        // nothing let go: nothing to give back
    [InlineData(49_999, 3600, false)]   // too little to be worth a full collection
    [InlineData(50_000, 29, false)]     // reports still arriving: never pause intake
    [InlineData(50_000, 30, true)]
    [InlineData(4_000_000, 600, true)]  // a national load gone idle
    public void Trims_only_when_enough_was_let_go_and_intake_is_quiet(long releasedLines, int quietSeconds, bool trims) =>
        Assert.Equal(trims, Hosting.TrimPolicy.ShouldTrim(releasedLines, TimeSpan.FromSeconds(quietSeconds)));
}
