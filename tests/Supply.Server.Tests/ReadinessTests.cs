using Grpc.Core;
using Supply.Contracts.V1;
using static Supply.Server.Tests.TestData;
using CoverageRpc = Supply.Contracts.V1.Coverage;
using ReadinessRpc = Supply.Contracts.V1.Readiness;

namespace Supply.Server.Tests;

/// <summary>Lot look-up, expiry wave and readiness targets end to end over gRPC, with access control, on the aggregates.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private SupplyServer _server = null!;
    private string _loc12 = "", _loc12b = "", _loc14 = "";
    // Lots are dated from the day of setup; the server computes its day when asked, which may be the next one.
    private DateOnly _setupDay;
    private string InDays(int days) => _setupDay.AddDays(days).ToString("yyyy-MM-dd");

    public async Task InitializeAsync()
    {
        _setupDay = DateOnly.FromDateTime(DateTime.UtcNow);
        _server = await SupplyServer.StartAsync(null, "--Supply:Readiness:RecordEvery=00:00:01");
        var ids = await RegisterAsync(_server, ("12", LocationKind.Hospital), ("12", LocationKind.Pharmacy), ("14", LocationKind.Hospital));
        (_loc12, _loc12b, _loc14) = (ids[0], ids[1], ids[2]);
        Lot L(string n, int days, long q) => new() { LotNumber = n, ExpiresOn = InDays(days), Quantity = q };
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc12, "s", Now.AddHours(-1), Line(Paracetamol, 100, adc: 2, lots: [L("RECALL-1", 5, 30), L("P-2", 20, 70)])));
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc12b, "s", Now.AddHours(-1), Line(Paracetamol, 10, adc: 1, lots: [L("RECALL-1", 5, 10)])));
        await _server.Reporting.SubmitReportAsync(Snapshot(_loc14, "s", Now.AddHours(-1), Line(Paracetamol, 500, adc: 10, lots: [L("RECALL-1", 40, 500)])));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private StockQuery.StockQueryClient QueryAs(string caller) => new(_server.ChannelAs(AccessMatrixTests.Tokens[caller]));

    [Fact]
    public async Task A_recalled_lot_is_found_nationally_and_a_regional_reader_sees_only_its_region()
    {
        var request = new FindLotRequest { ItemId = Paracetamol, LotNumber = "RECALL-1" };
        var all = await Converge.UntilAsync(async () => await _server.Query.FindLotAsync(request), r => r.Holdings.Count == 3);
        Assert.Equal([(_loc12, 30L), (_loc12b, 10L), (_loc14, 500L)], all.Holdings.Select(h => (h.LocationId, h.Quantity)).OrderBy(x => x.LocationId, StringComparer.Ordinal));
        Assert.Equal(540, all.TotalQuantity);
        Assert.Equal(InDays(5), all.Holdings.Single(h => h.LocationId == _loc12).ExpiresOn);

        var mine = await QueryAs("reader-12").FindLotAsync(new FindLotRequest { ItemId = Paracetamol, LotNumber = "RECALL-1", RegionCodes = { "12" } });
        Assert.Equal(40, mine.TotalQuantity);
        Assert.All(mine.Holdings, h => Assert.Equal("12", h.RegionCode));
        var refused = await Assert.ThrowsAsync<RpcException>(() => QueryAs("reader-12").FindLotAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        refused = await Assert.ThrowsAsync<RpcException>(() =>
            QueryAs("reader-12").FindLotAsync(new FindLotRequest { ItemId = Paracetamol, LotNumber = "RECALL-1", RegionCodes = { "14" } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);

        var bad = await Assert.ThrowsAsync<RpcException>(() => _server.Query.FindLotAsync(new FindLotRequest { ItemId = Paracetamol }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("lot_number", FieldsAtFault(bad));
    }

    [Fact]
    public async Task The_expiry_wave_counts_units_per_week_and_what_will_be_wasted()
    {
        var request = new GetExpiryWaveRequest { Level = CoverageLevel.Region, ItemId = Paracetamol, Weeks = 4, RegionCodes = { "12" } };
        var wave = await Converge.UntilAsync(async () => await new CoverageRpc.CoverageClient(_server.Channel).GetExpiryWaveAsync(request),
            r => r.Rows.Count == 1 && r.Rows[0].Locations == 2);
        var row = wave.Rows.Single();
        // The wave starts on the server's day: the day of setup, or the next if the test crossed midnight.
        var shift = DateOnly.ParseExact(wave.Start, "yyyy-MM-dd").DayNumber - _setupDay.DayNumber;
        Assert.InRange(shift, 0, 1);
        Assert.Equal((4, "12"), (wave.Weeks, row.Area));
        // Week 0: 30 + 10 of RECALL-1 (day 5); week 2: 70 of P-2 (day 20).
        Assert.Equal([40L, 0, 70, 0], row.Expiring);
        // Location 1 at 2 a day: 10 of the 30 used by day 5 (20 wasted), 30 more of P-2 by day 20 (40 wasted); location 2 at 1 a day: 5 wasted.
        // A day later RECALL-1 is a day nearer: 2 more wasted at location 1 (P-2 still 40) and 1 more at location 2.
        Assert.Equal(65 + 3 * shift, row.WastedUnlessMoved);

        using var channel = _server.ChannelAs(AccessMatrixTests.Tokens["reader-12"]);
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new CoverageRpc.CoverageClient(channel).GetExpiryWaveAsync(new GetExpiryWaveRequest { RegionCodes = { "14" } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(() =>
            new CoverageRpc.CoverageClient(_server.Channel).GetExpiryWaveAsync(new GetExpiryWaveRequest { Weeks = 500 }).ResponseAsync);
        Assert.Contains("weeks", FieldsAtFault(bad));
    }

    [Fact]
    public async Task Targets_are_validated_set_by_an_admin_and_compliance_is_worst_first()
    {
        var client = new ReadinessRpc.ReadinessClient(_server.Channel);
        var defaults = await client.ListReadinessTargetsAsync(new ListReadinessTargetsRequest());
        Assert.True(defaults.Illustrative);

        var bad = new SetReadinessTargetsRequest { Targets = { new ReadinessTarget { Key = "J01-NO-SUCH-GROUP", ByGroup = true, Days = 30, Level = CoverageLevel.Region } } };
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SetReadinessTargetsAsync(bad).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("targets[0].key", FieldsAtFault(e));
        Assert.Contains("J01-NO-SUCH-GROUP", e.Status.Detail);
        Assert.True((await client.ListReadinessTargetsAsync(new ListReadinessTargetsRequest())).Illustrative); // refused: nothing changed

        using (var reader = _server.ChannelAs(AccessMatrixTests.Tokens["coordinator"]))
        {
            var denied = await Assert.ThrowsAsync<RpcException>(() => new ReadinessRpc.ReadinessClient(reader).SetReadinessTargetsAsync(
                new SetReadinessTargetsRequest { Targets = { new ReadinessTarget { Key = Paracetamol, Days = 30, Level = CoverageLevel.Region } } }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }

        var set = await client.SetReadinessTargetsAsync(new SetReadinessTargetsRequest
        {
            Note = "test",
            Targets = { new ReadinessTarget { Key = Paracetamol, Days = 30, Level = CoverageLevel.Region } },
        });
        Assert.Equal(1, set.Targets);
        var listed = await client.ListReadinessTargetsAsync(new ListReadinessTargetsRequest());
        Assert.False(listed.Illustrative);
        Assert.Equal(("test", "test-superuser"), (listed.Note, listed.SetBy));

        // Region 12 at 3 a day: a target of 90 units; region 14 at 10 a day: 300 units.
        var request = new GetReadinessComplianceRequest { Level = CoverageLevel.Region, Key = Paracetamol };
        var compliance = await Converge.UntilAsync(async () => await client.GetReadinessComplianceAsync(request), r => r.Lines.Count == 2);
        Assert.False(compliance.IllustrativeTargets);
        Assert.Equal(compliance.Lines.OrderBy(l => l.PercentCompliant).Select(l => l.Area), compliance.Lines.Select(l => l.Area));
        var r12 = compliance.Lines.Single(l => l.Area == "12");
        Assert.Equal((90L, 3.0), (r12.TargetUnits, r12.DailyConsumption));
        Assert.Equal(r12.TargetUnits - Math.Min(r12.TargetUnits, r12.UsableUnits), r12.GapUnits);
        var nation = await client.GetReadinessComplianceAsync(new GetReadinessComplianceRequest { Level = CoverageLevel.Nation });
        Assert.Equal(compliance.Lines.Sum(l => l.TargetUnits), nation.Lines.Single().TargetUnits);

        using var reader12 = _server.ChannelAs(AccessMatrixTests.Tokens["reader-12"]);
        var own = await new ReadinessRpc.ReadinessClient(reader12).GetReadinessComplianceAsync(
            new GetReadinessComplianceRequest { Level = CoverageLevel.Region, RegionCodes = { "12" } });
        Assert.All(own.Lines, l => Assert.Equal("12", l.Area));
    }

    [Fact]
    public async Task The_daily_compliance_record_survives_a_restart()
    {
        var client = new ReadinessRpc.ReadinessClient(_server.Channel);
        await client.SetReadinessTargetsAsync(new SetReadinessTargetsRequest
        {
            Targets = { new ReadinessTarget { Key = Paracetamol, Days = 30, Level = CoverageLevel.Region } },
        });
        var request = new GetComplianceHistoryRequest { Level = CoverageLevel.Region, Areas = { "12", "14" } };
        // The server records under its own day: read the day at each poll (a wait across midnight finds the new day's record).
        var today = "";
        var before = await Converge.UntilAsync(async () => await client.GetComplianceHistoryAsync(request), r =>
        {
            today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
            return r.Days.Count(d => d.Day == today) == 2 && r.Days.All(d => d.TargetUnits > 0);
        });
        Assert.Equal(["12", "14"], before.Days.Where(d => d.Day == today).Select(d => d.Area));

        await _server.RestartAsync();
        var after = await new ReadinessRpc.ReadinessClient(_server.Channel).GetComplianceHistoryAsync(request);
        Assert.Contains(after.Days, d => d.Day == today && d.Area == "12" && d.TargetUnits > 0);
        Assert.True((await new ReadinessRpc.ReadinessClient(_server.Channel).ListReadinessTargetsAsync(new ListReadinessTargetsRequest())).Targets.Count == 1);
    }
}
