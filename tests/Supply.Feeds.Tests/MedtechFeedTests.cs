using static Supply.Feeds.Tests.TestCatalog;

namespace Supply.Feeds.Tests;

/// <summary>The medtech CSV format over HTTP: as-of fallbacks, idempotency, refusals, with real ledgers.</summary>
public sealed class MedtechFeedTests
{
    private const string Feed = "medtech";
    private const string Path = "/articles.csv";

    private static Task<FeedHarness> MedtechAsync() =>
        FeedHarness.StartAsync((server, o) => o.Feeds[Feed] = FeedHarness.MedtechFeed(server.Url(Path)));

    private static string GoodCsv(int bump = 0) => MedtechCsv.File(
        MedtechCsv.Row("A-1", Gtin(1), MedtechCsv.Num(1200 + bump), "L1", "2027-03-31", "\"Kompress; steril\""),
        MedtechCsv.Row("A-1", Gtin(1), "300", "L2", "2027-06-30"),
        MedtechCsv.Row("A-2", Gtin(2), "15,00"),
        MedtechCsv.Row("", Gtin(22), "1 000"));

    [Fact]
    public async Task As_of_is_the_last_modified_time_and_a_repull_is_a_duplicate()
    {
        await using var h = await MedtechAsync();
        var lastModified = PharmacyFile.Stamp(h.Time).AddMinutes(-30);
        h.Server.At(Path).Serve(GoodCsv(), "text/csv").LastModified = lastModified;

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Applied, r.Outcome);
        Assert.Equal(("last-modified", lastModified), (r.AsOfSource, r.AsOf));
        var stock = h.Sink.Stock(Supplier);
        Assert.Equal((1500L, 2), (stock[$"gtin:{Gtin(1)}"].OnHand, stock[$"gtin:{Gtin(1)}"].Lots.Count));
        Assert.Equal(15L, stock[$"gtin:{Gtin(2)}"].OnHand);
        Assert.Equal(1000L, stock[$"gtin:{Gtin(22)}"].OnHand);
        Assert.Equal(lastModified, stock[$"gtin:{Gtin(1)}"].SnapshotAsOf);
        Assert.Equal((4, 4), (r.RowsRead, r.RowsApplied));

        var again = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.Unchanged, again.Outcome);
        Assert.True(Assert.Single(again.Locations).Ack!.Duplicate);
        Assert.Equal(1, h.Sink.Version(Supplier));
    }

    [Fact]
    public async Task Without_a_time_of_its_own_the_file_gets_the_pull_time_and_is_still_idempotent()
    {
        await using var h = await MedtechAsync();
        h.Server.At(Path).Serve(GoodCsv(), "text/csv");

        var before = h.Time.GetUtcNow();
        var r = await h.PullAsync(Feed);
        Assert.Equal("pull-time", r.AsOfSource);
        Assert.InRange(r.AsOf!.Value, before, h.Time.GetUtcNow());

        var again = await h.PullAsync(Feed);
        Assert.Equal(FeedPullOutcome.Unchanged, again.Outcome);
        Assert.Equal(r.Locations[0].ReportId, again.Locations[0].ReportId);
        Assert.Equal(1, h.Sink.Version(Supplier));
    }

    [Fact]
    public async Task A_csv_whose_last_line_is_cut_is_refused_whole()
    {
        await using var h = await MedtechAsync();
        var endpoint = h.Server.At(Path).Serve(GoodCsv(), "text/csv");
        await h.PullAsync(Feed);
        var good = h.Sink.Picture();

        var next = GoodCsv(bump: 7);
        endpoint.Serve(next[..^4], "text/csv");
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Refused, r.Outcome);
        Assert.Contains("line 5", r.Error);
        Assert.Contains("cut short", r.Error);
        Assert.Equal(good, h.Sink.Picture());
    }

    [Fact]
    public async Task A_csv_with_changed_columns_is_refused_whole()
    {
        await using var h = await MedtechAsync();
        var endpoint = h.Server.At(Path).Serve(GoodCsv(), "text/csv");
        await h.PullAsync(Feed);
        var good = h.Sink.Picture();

        endpoint.Serve(GoodCsv(bump: 1).Replace("available", "stock_level", StringComparison.Ordinal), "text/csv");
        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Refused, r.Outcome);
        Assert.Contains("the columns changed", r.Error);
        Assert.Contains("stock_level", r.Error);
        Assert.Equal(good, h.Sink.Picture());
        Assert.Equal(FeedPullOutcome.Refused, h.HealthOf(Feed).LastOutcome);
    }

    [Fact]
    public async Task Bad_csv_rows_are_listed_by_line_while_the_others_apply()
    {
        await using var h = await MedtechAsync();
        var rows = Enumerable.Range(1, 20).Select(i => MedtechCsv.Row($"A-{i}", Gtin(i), MedtechCsv.Num(i))).ToList();
        rows[2] = MedtechCsv.Row("A-3", Gtin(3), "3,5");
        rows.Add(MedtechCsv.Row("Z-9", "", "4")); // unmapped: listed, not a bad row
        h.Server.At(Path).Serve(MedtechCsv.File(rows.ToArray()), "text/csv");

        var r = await h.PullAsync(Feed);

        Assert.Equal(FeedPullOutcome.Partial, r.Outcome);
        Assert.Equal((21, 19, 1, 1), (r.RowsRead, r.RowsApplied, r.RowsRejected, r.RowsUnmapped));
        Assert.Equal(4, Assert.Single(r.RejectedRows).Line);
        Assert.Equal((22, "Z-9"), (Assert.Single(r.UnmappedRows).Line, r.UnmappedRows[0].Article));
        Assert.Equal(19, h.Sink.Stock(Supplier).Count);
        Assert.DoesNotContain($"gtin:{Gtin(3)}", h.Sink.Stock(Supplier).Keys);
    }
}
