using Supply.Domain.Stock;
using static Supply.Feeds.Tests.TestCatalog;

namespace Supply.Feeds.Tests;

/// <summary>Pulls over real HTTP from a fault-injecting server into real ledgers.</summary>
public sealed class FeedPullTests
{
    private const string Feed = "apotek";
    private const string Path = "/stock.json";

    private static Task<FeedHarness> PharmacyAsync(Action<FeedOptions>? tune = null) =>
        FeedHarness.StartAsync((server, o) =>
        {
            var f = FeedHarness.PharmacyFeed(server.Url(Path));
            tune?.Invoke(f);
            o.Feeds[Feed] = f;
        });

    private static PharmacyFile GoodFile(TimeProvider time, int bump = 0) => new PharmacyFile { Generated = PharmacyFile.Stamp(time) }
        .Store("1001",
            PharmacyFile.Article("100001", 40 + bump, 2, ("A1", "2027-03-31", 30)),
            PharmacyFile.Article("100002", 12 + bump))
        .Store("1002", PharmacyFile.Article("100001", 7 + bump));

    [Fact]
    public async Task A_good_file_is_applied_as_snapshots_of_the_stores_locations()
    {
        await using var h = await PharmacyAsync();
        var file = GoodFile(h.Time);
        h.Server.At(Path).Serve(file.ToString());

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal((1, "file", file.Generated), (r.HttpAttempts, r.AsOfSource, r.AsOf));
        var store1 = h.Sink.Stock(Store1);
        Assert.Equal((40L, 2L, 38L), (store1[Vnr(1)].OnHand, store1[Vnr(1)].Reserved, store1[Vnr(1)].Available));
        Assert.Equal(("A1", 30L), (store1[Vnr(1)].Lots.Single().LotNumber, store1[Vnr(1)].Lots.Single().Quantity));
        Assert.Equal(file.Generated, store1[Vnr(1)].SnapshotAsOf);
        Assert.Equal(12L, store1[Vnr(2)].OnHand);
        Assert.Equal(7L, h.Sink.Stock(Store2)[Vnr(1)].OnHand);
        Assert.All(h.Sink.Acks, a => Assert.StartsWith("feed-apotek-", a.ReportId));
        Assert.All(h.Sink.Log, e => Assert.Equal(ReportKind.Snapshot, e.Report.Kind));

        var health = h.HealthOf(Feed);
        Assert.Equal(FeedPullOutcome.Applied, health.LastOutcome);
        Assert.NotNull(health.LastSuccessAt);
        Assert.Null(health.LastError);
        Assert.False(health.IsStale);
        Assert.Equal(FeedBreakerState.Closed, health.BreakerState);
        Assert.Equal(file.Generated, health.LastFileTime);
        Assert.Equal((3, 3, 0, 0), (health.RowsRead, health.RowsApplied, health.RowsRejected, health.RowsUnmapped));
        Assert.Equal([Store1, Store2], health.Locations.Select(l => l.LocationId));
        Assert.Equal(h.Server.Url(Path), health.Url);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_file_comes()
    {
        await using var h = await PharmacyAsync();
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString()).Then(new Fault.Status(500), new Fault.Status(503));

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(3, h.Server.At(Path).Requests);
        Assert.Equal(3, r.HttpAttempts);
        Assert.Equal(40L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
    }

    [Fact]
    public async Task A_request_that_outlasts_the_timeout_is_retried()
    {
        await using var h = await PharmacyAsync(f => f.Timeout = TimeSpan.FromSeconds(1));
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString()).Then(new Fault.Hang(TimeSpan.FromSeconds(30)));

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(2, h.Server.At(Path).Requests);
    }

    [Fact]
    public async Task A_body_slower_than_the_timeout_is_retried()
    {
        await using var h = await PharmacyAsync(f => f.Timeout = TimeSpan.FromSeconds(1));
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString()).Then(new Fault.SlowBody(20, TimeSpan.FromMilliseconds(300)));

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(2, h.Server.At(Path).Requests);
        Assert.Equal(40L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_is_retried_and_never_half_applied()
    {
        await using var h = await PharmacyAsync();
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString()).Then(new Fault.CutConnection(), new Fault.CutConnection());

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(3, h.Server.At(Path).Requests);
        Assert.Equal(2, h.Sink.Acks.Count); // one report per store, sent once the whole file was in
    }

    [Fact]
    public async Task Not_found_is_not_retried()
    {
        await using var h = await PharmacyAsync();
        h.Server.At(Path).Always(new Fault.Status(404));

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Failed, r.Outcome);
        Assert.Equal(1, h.Server.At(Path).Requests);
        Assert.Contains("404", r.Error);
        Assert.Empty(h.Sink.Log);
    }

    [Fact]
    public async Task A_failing_feed_keeps_its_last_good_stock_and_says_why()
    {
        await using var h = await PharmacyAsync();
        var endpoint = h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        await h.PullAsync(Feed);
        var good = h.Sink.Picture();
        var firstSuccess = h.HealthOf(Feed).LastSuccessAt;

        endpoint.Always(new Fault.Status(500));
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Failed, r.Outcome);
        Assert.Equal(1 + 3, endpoint.Requests); // 1 good, then 1 + 2 retries
        Assert.Equal(good, h.Sink.Picture());
        var health = h.HealthOf(Feed);
        Assert.Contains("HTTP 500", health.LastError);
        Assert.Contains("after 3 attempt(s)", health.LastError);
        Assert.Equal(firstSuccess, health.LastSuccessAt);
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.Equal(FeedPullOutcome.Failed, health.LastOutcome);
        Assert.Equal((3, 3), (health.RowsRead, health.RowsApplied)); // the last file read, still the good one
    }

    [Fact]
    public async Task The_breaker_opens_after_repeated_failures_and_closes_after_the_break()
    {
        await using var h = await PharmacyAsync(f => f.Breaker.MinimumThroughput = 3);
        var endpoint = h.Server.At(Path).Serve(GoodFile(h.Time).ToString()).Always(new Fault.Status(500));

        var first = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.Failed, first.Outcome);
        Assert.Equal(3, endpoint.Requests);
        Assert.Equal(FeedBreakerState.Open, h.HealthOf(Feed).BreakerState);
        Assert.NotNull(h.HealthOf(Feed).BreakerOpenedAt);

        var blocked = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.CircuitOpen, blocked.Outcome);
        Assert.Equal(0, blocked.HttpAttempts);
        Assert.Equal(3, endpoint.Requests); // the supplier was not asked
        Assert.Contains("circuit breaker open", h.HealthOf(Feed).LastError);

        endpoint.Always(null);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        FeedPullResult r;
        do
        {
            await Task.Delay(100);
            r = await h.PullAsync(Feed);
        } while (r.Outcome == FeedPullOutcome.CircuitOpen && DateTime.UtcNow < deadline);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(4, endpoint.Requests);
        Assert.Equal(FeedBreakerState.Closed, h.HealthOf(Feed).BreakerState);
        Assert.Equal(40L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
    }

    [Fact]
    public async Task Staleness_flips_on_without_good_data_and_off_with_it()
    {
        await using var h = await PharmacyAsync(f => f.StaleAfter = TimeSpan.FromHours(1));
        Assert.True(h.HealthOf(Feed).IsStale); // never had data

        var endpoint = h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        await h.PullAsync(Feed);
        Assert.False(h.HealthOf(Feed).IsStale);
        var good = h.Sink.Picture();

        h.Time.Advance(TimeSpan.FromMinutes(90));
        Assert.True(h.HealthOf(Feed).IsStale);

        endpoint.Always(new Fault.Status(502));
        Assert.Equal(FeedPullOutcome.Failed, (await h.PullAsync(Feed)).Outcome);
        Assert.True(h.HealthOf(Feed).IsStale);
        Assert.Equal(good, h.Sink.Picture()); // stale, not lost

        endpoint.Always(null).Serve(GoodFile(h.Time, bump: 5).ToString());
        Assert.Equal(FeedPullOutcome.Applied, (await h.PullAsync(Feed)).Outcome);
        Assert.False(h.HealthOf(Feed).IsStale);
        Assert.Equal(45L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
    }

    [Fact]
    public async Task Malformed_rows_are_rejected_with_line_numbers_while_good_rows_apply()
    {
        await using var h = await PharmacyAsync();
        var stamp = PharmacyFile.Stamp(h.Time).AddMinutes(-1);
        var before = new PharmacyFile { Generated = stamp }.Store("1001",
            Enumerable.Range(1, 20).Select(i => PharmacyFile.Article($"{100000 + i}", 10 + i)).ToArray());
        var endpoint = h.Server.At(Path).Serve(before.ToString());
        await h.PullAsync(Feed);

        // 2 bad rows of 20 is 10 %: within the rule, so the good rows apply.
        var articles = Enumerable.Range(1, 20).Select(i => PharmacyFile.Article($"{100000 + i}", 100 + i)).ToArray();
        articles[4] = "{ \"vnr\": \"100005\", \"onHand\": -3 }";
        articles[9] = PharmacyFile.Article("100010", 50, 0, ("B1", "2027-13-01", 5));
        var after = new PharmacyFile { Generated = stamp.AddMinutes(1) }.Store("1001", articles);
        endpoint.Serve(after.ToString());
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Partial, r.Outcome);
        Assert.Equal((20, 18, 2), (r.RowsRead, r.RowsApplied, r.RowsRejected));
        Assert.Equal([after.LineOf(0, 4), after.LineOf(0, 9)], r.RejectedRows.Select(x => x.Line));
        Assert.Contains("on_hand", r.RejectedRows[0].Reason);
        Assert.Contains("expiry", r.RejectedRows[1].Reason);
        var stock = h.Sink.Stock(Store1);
        Assert.Equal(101L, stock[Vnr(1)].OnHand);
        Assert.Equal(15L, stock[Vnr(5)].OnHand);  // the bad row changed nothing: the last good value stands
        Assert.Equal(20L, stock[Vnr(10)].OnHand);
        var health = h.HealthOf(Feed);
        Assert.Equal([after.LineOf(0, 4), after.LineOf(0, 9)], health.RejectedRows.Select(x => x.Line));
        Assert.Equal(2, health.RowsRejected);
        Assert.False(health.IsStale);
    }

    [Fact]
    public async Task A_truncated_file_is_refused_whole_and_the_stock_stays()
    {
        await using var h = await PharmacyAsync();
        var endpoint = h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        await h.PullAsync(Feed);
        var good = h.Sink.Picture();
        var acks = h.Sink.Log.Count;

        var text = GoodFile(h.Time, bump: 100).ToString();
        endpoint.Serve(text[..(text.Length / 2)]); // served whole over HTTP, but the file itself is cut
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Refused, r.Outcome);
        Assert.Equal(1, r.HttpAttempts); // a bad file is not retried: it would come back the same
        Assert.Contains("not valid JSON", r.Error);
        Assert.Equal(good, h.Sink.Picture());
        Assert.Equal(acks, h.Sink.Log.Count); // nothing was even sent
        Assert.Contains("refused whole", h.HealthOf(Feed).LastError);
    }

    [Fact]
    public async Task Too_many_bad_rows_refuse_the_file_whole()
    {
        await using var h = await PharmacyAsync();
        var endpoint = h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        await h.PullAsync(Feed);
        var good = h.Sink.Picture();

        // The layout changed: "onHand" became "on_hand" in every row.
        var changed = GoodFile(h.Time, bump: 1).ToString().Replace("\"onHand\"", "\"on_hand\"", StringComparison.Ordinal);
        endpoint.Serve(changed);
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Refused, r.Outcome);
        Assert.Contains("3 of 3 rows are bad", r.Error);
        Assert.Equal(3, r.RowsRejected);
        Assert.Equal(good, h.Sink.Picture());
    }

    [Fact]
    public async Task Pulling_the_same_file_again_changes_nothing()
    {
        await using var h = await PharmacyAsync();
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        var first = await h.PullAsync(Feed);
        var picture = h.Sink.Picture();
        var versions = (h.Sink.Version(Store1), h.Sink.Version(Store2));

        var again = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Unchanged, again.Outcome);
        Assert.All(again.Locations, l => Assert.True(l.Ack!.Duplicate));
        Assert.Equal(first.Locations.Select(l => l.ReportId), again.Locations.Select(l => l.ReportId));
        Assert.Equal(versions, (h.Sink.Version(Store1), h.Sink.Version(Store2)));
        Assert.Equal(picture, h.Sink.Picture());
    }

    [Fact]
    public async Task Unmapped_articles_and_stores_are_counted_and_listed()
    {
        await using var h = await PharmacyAsync();
        var file = new PharmacyFile { Generated = PharmacyFile.Stamp(h.Time) }
            .Store("1001", PharmacyFile.Article("100001", 5), PharmacyFile.Article("100025", 6), PharmacyFile.Article("424242", 7))
            .Store("9999", PharmacyFile.Article("100002", 8));
        h.Server.At(Path).Serve(file.ToString());

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal((4, 1, 0, 3), (r.RowsRead, r.RowsApplied, r.RowsRejected, r.RowsUnmapped));
        var health = h.HealthOf(Feed);
        Assert.Equal(3, health.RowsUnmapped);
        Assert.Equal(["100025", "424242", "100002"], health.UnmappedRows.Select(u => u.Article));
        Assert.Equal([file.LineOf(0, 1), file.LineOf(0, 2), file.LineOf(1, 0)], health.UnmappedRows.Select(u => u.Line));
        Assert.Contains("store '9999'", health.UnmappedRows[2].Reason);
        Assert.Equal([Vnr(1)], h.Sink.Stock(Store1).Keys);
    }

    [Fact]
    public async Task A_mapped_item_the_catalog_does_not_know_is_rejected_and_the_rest_applied()
    {
        await using var h = await PharmacyAsync();
        var file = new PharmacyFile { Generated = PharmacyFile.Stamp(h.Time) }.Store("1001",
            PharmacyFile.Article("100001", 5), PharmacyFile.Article("100031", 6), PharmacyFile.Article("100002", 7));
        h.Server.At(Path).Serve(file.ToString());

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Partial, r.Outcome);
        var rejected = Assert.Single(r.RejectedRows);
        Assert.Equal((file.LineOf(0, 1), "100031"), (rejected.Line, rejected.Article));
        Assert.Contains("unknown item 'vnr:100031'", rejected.Reason);
        Assert.Equal([Vnr(1), Vnr(2)], h.Sink.Stock(Store1).Keys.Order());
        Assert.Equal([ReportOutcome.Rejected, ReportOutcome.Applied], h.Sink.Acks.Select(a => a.Outcome));
    }

    [Fact]
    public async Task A_sink_failure_is_reported_and_the_next_pull_completes_the_job()
    {
        await using var h = await PharmacyAsync();
        h.Server.At(Path).Serve(GoodFile(h.Time).ToString());
        h.Sink.FailNext(1);

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Partial, r.Outcome);
        Assert.Contains("not reachable", r.Locations[0].Error);
        Assert.Empty(h.Sink.Stock(Store1));
        Assert.Equal(7L, h.Sink.Stock(Store2)[Vnr(1)].OnHand);

        var again = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.Applied, again.Outcome);
        Assert.Equal([false, true], again.Locations.Select(l => l.Ack!.Duplicate));
        Assert.Equal(40L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);
    }

    [Fact]
    public async Task A_generated_time_in_the_future_is_refused()
    {
        await using var h = await PharmacyAsync();
        var file = GoodFile(h.Time);
        file.Generated = h.Time.GetUtcNow().AddHours(1);
        h.Server.At(Path).Serve(file.ToString());

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Refused, r.Outcome);
        Assert.Contains("in the future", r.Error);
        Assert.Empty(h.Sink.Log);
    }

    [Fact]
    public async Task A_changed_mapping_file_is_read_again()
    {
        using var dir = new TempDir();
        var mapping = dir.Write("apotek.csv", "supplier_article,item_id\n100001,vnr:100001\n");
        await using var h = await PharmacyAsync(f =>
        {
            f.Mapping.Clear();
            f.MappingFile = mapping;
        });
        var file = new PharmacyFile { Generated = PharmacyFile.Stamp(h.Time) }.Store("1001",
            PharmacyFile.Article("100001", 5), PharmacyFile.Article("100002", 6));
        h.Server.At(Path).Serve(file.ToString());

        var first = await h.PullAsync(Feed);
        Assert.Equal((1, 1), (first.RowsApplied, first.RowsUnmapped));

        File.WriteAllText(mapping, "supplier_article,item_id\n100001,vnr:100001\n100002,vnr:100002\n");
        var second = await h.PullAsync(Feed);

        Assert.Equal((2, 0), (second.RowsApplied, second.RowsUnmapped));
        Assert.Equal(6L, h.Sink.Stock(Store1)[Vnr(2)].OnHand);
        Assert.Equal(5L, h.Sink.Stock(Store1)[Vnr(1)].OnHand);

        File.WriteAllText(mapping, "supplier_article,item_id\n100001,vnr:12\n");
        var broken = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.Failed, broken.Outcome);
        Assert.Contains("mapping", broken.Error);
        Assert.Equal(6L, h.Sink.Stock(Store1)[Vnr(2)].OnHand);
    }
}
