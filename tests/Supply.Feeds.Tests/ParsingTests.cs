using System.Text;
using Supply.Feeds.Mapping;
using Supply.Feeds.Parsing;
using static Supply.Feeds.Tests.TestCatalog;

namespace Supply.Feeds.Tests;

/// <summary>The two formats, the rejection rule and the mapping, on files in memory (the HTTP path has its own tests).</summary>
public sealed class ParsingTests
{
    private static readonly FeedOptions Pharmacy = FeedHarness.PharmacyFeed("http://127.0.0.1/x.json");
    private static readonly FeedOptions Medtech = FeedHarness.MedtechFeed("http://127.0.0.1/x.csv");
    private static ArticleMapping MappingOf(FeedOptions f) => new(f.Mapping, f.IdentityScheme);

    private static ParsedFeedFile ParseJson(string text) =>
        PharmacyJsonParser.Parse(Encoding.UTF8.GetBytes(text), Pharmacy, MappingOf(Pharmacy));

    private static ParsedFeedFile ParseCsv(string text, FeedOptions? feed = null) =>
        MedtechCsvParser.Parse(Encoding.UTF8.GetBytes(text), feed ?? Medtech, MappingOf(feed ?? Medtech));

    [Fact]
    public void Pharmacy_json_maps_stores_articles_and_batches_to_snapshot_lines()
    {
        var file = new PharmacyFile { Generated = new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero) }
            .Store("1001",
                PharmacyFile.Article("100001", 40, 2, ("A1", "2027-03-31", 30), ("A2", "2027-09-30", 10)),
                PharmacyFile.Article("100002", 12))
            .Store("1002", PharmacyFile.Article("100001", 7));
        var parsed = ParseJson(file.ToString());

        Assert.Equal(new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero), parsed.GeneratedAt);
        Assert.Equal(3, parsed.DataRows);
        Assert.Empty(parsed.Rejected);
        Assert.Empty(parsed.Unmapped);
        var first = parsed.Lines[0];
        Assert.Equal((Store1, Vnr(1), 40L, 2L), (first.LocationId, first.Line.ItemId, first.Line.OnHand, first.Line.Reserved));
        Assert.Equal(["A1:2027-03-31:30", "A2:2027-09-30:10"], first.Line.Lots.Select(l => $"{l.LotNumber}:{l.ExpiresOn}:{l.Quantity}"));
        Assert.Equal(file.LineOf(0, 0), first.FirstLine);
        Assert.Equal((Store2, Vnr(1), 7L), (parsed.Lines[2].LocationId, parsed.Lines[2].Line.ItemId, parsed.Lines[2].Line.OnHand));
    }

    [Fact]
    public void Medtech_csv_reads_semicolons_quotes_swedish_numbers_and_adds_up_lots()
    {
        var text = MedtechCsv.File(
            MedtechCsv.Row("A-1", Gtin(1), "1 200", "L1", "2027-03-31", "\"Kompress; steril 10x10\""),
            MedtechCsv.Row("A-1", Gtin(1), "300,00", "L2", "2027-06-30"),
            MedtechCsv.Row("A-2", "", "15"),
            MedtechCsv.Row("", Gtin(21), "8", onOrder: "1 000"));
        var parsed = ParseCsv(text);

        Assert.Empty(parsed.Rejected);
        Assert.Empty(parsed.Unmapped);
        Assert.Equal(4, parsed.DataRows);
        Assert.Equal(3, parsed.Lines.Count);
        var a1 = parsed.Lines[0];
        Assert.Equal(($"gtin:{Gtin(1)}", 1500L, 2, 2), (a1.Line.ItemId, a1.Line.OnHand, a1.Rows, a1.FirstLine));
        Assert.Equal(["L1:1200", "L2:300"], a1.Line.Lots.Select(l => $"{l.LotNumber}:{l.Quantity}"));
        Assert.Equal(($"gtin:{Gtin(2)}", 15L), (parsed.Lines[1].Line.ItemId, parsed.Lines[1].Line.OnHand));
        Assert.Equal(($"gtin:{Gtin(21)}", 8L, Supplier), (parsed.Lines[2].Line.ItemId, parsed.Lines[2].Line.OnHand, parsed.Lines[2].LocationId));
    }

    [Theory]
    [InlineData("article_no;gtin;description;available;on_order;lot;expiry;warehouse", "unknown column(s) warehouse")]
    [InlineData("article_no;gtin;description;stock;on_order;lot;expiry", "missing column(s) available")]
    [InlineData("description;available", "article_no or gtin")]
    [InlineData("article_no,gtin,description,available", "not ';'-separated")]
    [InlineData("article_no;gtin;available;lot", "missing column(s) expiry")]
    public void Medtech_csv_with_changed_columns_is_refused_whole(string header, string expected)
    {
        var e = Assert.Throws<FeedFileRefusedException>(() => ParseCsv(header + "\nA-1;" + Gtin(1) + ";x;5;0;;\n"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Medtech_csv_whose_last_line_is_cut_is_refused_whole()
    {
        var whole = MedtechCsv.File(MedtechCsv.Row("A-1", Gtin(1), "40"), MedtechCsv.Row("A-2", Gtin(2), "400"));
        var cut = whole[..^3]; // the last row lost its end: no line break, and two fields short
        var e = Assert.Throws<FeedFileRefusedException>(() => ParseCsv(cut));
        Assert.Contains("cut short", e.Message);
        Assert.Equal(3, e.Line);

        var openQuote = MedtechCsv.Header + "\nA-1;" + Gtin(1) + ";\"Kompress, ste";
        Assert.Contains("not closed", Assert.Throws<FeedFileRefusedException>(() => ParseCsv(openQuote)).Message);
        Assert.Contains("no data rows", Assert.Throws<FeedFileRefusedException>(() =>
            FeedFileRule.Enforce(ParseCsv(MedtechCsv.Header + "\n"), Medtech)).Message);
    }

    [Fact]
    public void Pharmacy_json_that_does_not_parse_is_refused_whole()
    {
        var text = new PharmacyFile { Generated = DateTimeOffset.UtcNow }.Store("1001", PharmacyFile.Article("100001", 40)).ToString();
        var cut = text[..(text.Length * 2 / 3)];
        var e = Assert.Throws<FeedFileRefusedException>(() => ParseJson(cut));
        Assert.Contains("not valid JSON", e.Message);

        Assert.Contains("'stores' array", Assert.Throws<FeedFileRefusedException>(() => ParseJson("{\"shops\": []}")).Message);
        Assert.Contains("'generated'", Assert.Throws<FeedFileRefusedException>(() =>
            ParseJson("{\"generated\": \"2026-11-20 06:00\", \"stores\": []}")).Message);
    }

    [Fact]
    public void Malformed_rows_are_rejected_with_their_line_numbers()
    {
        var articles = Enumerable.Range(1, 20).Select(i => PharmacyFile.Article($"{100000 + i}", 10 + i)).ToList();
        articles[3] = "{ \"vnr\": \"100004\", \"onHand\": \"many\" }";                  // not a number
        articles[7] = PharmacyFile.Article("100008", 5, 9);                             // reserved above on hand (the domain's rule)
        var file = new PharmacyFile { Generated = DateTimeOffset.UtcNow }.Store("1001", articles.ToArray());
        var parsed = ParseJson(file.ToString());

        Assert.Equal(20, parsed.DataRows);
        Assert.Equal(18, parsed.Lines.Count);
        Assert.Equal([file.LineOf(0, 3), file.LineOf(0, 7)], parsed.Rejected.Select(r => r.Line));
        Assert.Contains("onHand", parsed.Rejected[0].Reason);
        Assert.Contains("reserved", parsed.Rejected[1].Reason);
        Assert.Equal("100008", parsed.Rejected[1].Article);
        FeedFileRule.Enforce(parsed, Pharmacy); // 2 of 20 is within 10 %: good rows apply

        articles[5] = "{ \"vnr\": \"100006\" }"; // a third bad row: 3 of 20 is more than 10 %
        var worse = new PharmacyFile { Generated = DateTimeOffset.UtcNow }.Store("1001", articles.ToArray());
        var e = Assert.Throws<FeedFileRefusedException>(() => FeedFileRule.Enforce(ParseJson(worse.ToString()), Pharmacy));
        Assert.Contains("3 of 20 rows are bad", e.Message);
    }

    [Fact]
    public void A_bad_lot_row_rejects_every_row_of_its_article()
    {
        var text = MedtechCsv.File(
            MedtechCsv.Row("A-1", Gtin(1), "10", "L1", "2027-03-31"),
            MedtechCsv.Row("A-2", Gtin(2), "5"),
            MedtechCsv.Row("A-1", Gtin(1), "20", "L2", "2027-02-30"),   // no such date
            MedtechCsv.Row("A-3", Gtin(3), "40,5"),                      // not a whole number
            MedtechCsv.Row("A-4", Gtin(4), "7", "L9", "2027-01-31"),
            MedtechCsv.Row("A-4", Gtin(4), "1", "L9", "2027-01-31"));     // the same lot twice
        var parsed = ParseCsv(text);

        Assert.Equal([$"gtin:{Gtin(2)}"], parsed.Lines.Select(l => l.Line.ItemId));
        Assert.Equal([2, 4, 5, 6, 7], parsed.Rejected.Select(r => r.Line));
        Assert.Contains("not applied: line 4", parsed.Rejected[0].Reason);
        Assert.Contains("expiry '2027-02-30' is not a date", parsed.Rejected[1].Reason);
        Assert.Contains("not a whole number", parsed.Rejected[2].Reason);
        Assert.Contains("lot 'L9' is listed twice", parsed.Rejected[3].Reason);
    }

    [Fact]
    public void Rows_with_the_wrong_number_of_fields_or_a_bad_gtin_are_bad_rows()
    {
        var text = MedtechCsv.File(
            MedtechCsv.Row("A-1", Gtin(1), "10"),
            "A-2;" + Gtin(2) + ";only three",
            MedtechCsv.Row("A-3", Gtin(3)[..^1] + (char)('0' + (Gtin(3)[^1] - '0' + 1) % 10), "4"));
        var parsed = ParseCsv(text);
        Assert.Equal([3, 4], parsed.Rejected.Select(r => r.Line));
        Assert.Contains("has 3 fields, the header has 7", parsed.Rejected[0].Reason);
        Assert.Contains("check digit", parsed.Rejected[1].Reason);
    }

    [Fact]
    public void Unmapped_articles_and_stores_are_listed_not_dropped()
    {
        var file = new PharmacyFile { Generated = DateTimeOffset.UtcNow }
            .Store("1001", PharmacyFile.Article("100001", 1), PharmacyFile.Article("100025", 2), PharmacyFile.Article("999999", 3))
            .Store("7777", PharmacyFile.Article("100002", 4));
        var parsed = ParseJson(file.ToString());

        Assert.Single(parsed.Lines);
        Assert.Equal([(file.LineOf(0, 1), "100025", Store1), (file.LineOf(0, 2), "999999", Store1), (file.LineOf(1, 0), "100002", "")],
            parsed.Unmapped.Select(u => (u.Line, u.Article, u.Location)));
        Assert.Contains("store '7777' has no stock location", parsed.Unmapped[2].Reason);
        Assert.Empty(parsed.Rejected);
    }

    [Fact]
    public void An_article_twice_or_two_articles_for_one_item_are_rejected_not_summed()
    {
        var feed = FeedHarness.PharmacyFeed("http://127.0.0.1/x.json");
        feed.Mapping["555555"] = Vnr(1); // a second article number for the same catalog item
        var file = new PharmacyFile { Generated = DateTimeOffset.UtcNow }.Store("1001",
            PharmacyFile.Article("100001", 1), PharmacyFile.Article("100001", 2), PharmacyFile.Article("555555", 3));
        var parsed = PharmacyJsonParser.Parse(Encoding.UTF8.GetBytes(file.ToString()), feed, new ArticleMapping(feed.Mapping));

        Assert.Equal(1L, Assert.Single(parsed.Lines).Line.OnHand);
        Assert.Contains($"first on line {file.LineOf(0, 0)}", parsed.Rejected[0].Reason);
        Assert.Contains($"maps to item '{Vnr(1)}', already given by article '100001'", parsed.Rejected[1].Reason);
    }

    [Theory]
    [InlineData("40", 40L)]
    [InlineData("1 200", 1200L)]
    [InlineData("1\u00A0200", 1200L)]
    [InlineData("40,00", 40L)]
    [InlineData("7.0", 7L)]
    [InlineData("\u22123", -3L)]
    public void Quantities_are_read_the_Swedish_way(string text, long expected)
    {
        Assert.True(FieldReaders.TryParseQuantity(text, out var value, out var why), why);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("40,5")]
    [InlineData("1.200")]
    [InlineData("")]
    [InlineData("tio")]
    public void Quantities_that_are_not_whole_numbers_are_refused(string text) =>
        Assert.False(FieldReaders.TryParseQuantity(text, out _, out _));

    [Fact]
    public void Mapping_files_are_data_csv_or_json_and_checked()
    {
        using var dir = new TempDir();
        var csv = dir.Write("map.csv", "supplier_article;item_id\n100001;vnr:100001\n\"A-1\";gtin:" + Gtin(1) + "\n");
        Assert.Equal(new Dictionary<string, string> { ["100001"] = "vnr:100001", ["A-1"] = $"gtin:{Gtin(1)}" }, ArticleMapping.ReadFile(csv));
        var json = dir.Write("map.json", "[{\"supplier_article\": 100002, \"item_id\": \"vnr:100002\"}]");
        Assert.Equal("vnr:100002", ArticleMapping.ReadFile(json)["100002"]);
        var obj = dir.Write("obj.json", "{\"100003\": \"vnr:100003\"}");
        Assert.Equal("vnr:100003", ArticleMapping.ReadFile(obj)["100003"]);

        var bad = dir.Write("bad.csv", "supplier_article,item_id\n100001,vnr:1234\n");
        Assert.Contains("bad.csv:2: item_id vnr: must be followed by exactly 6 digits", Assert.Throws<FeedMappingException>(() => ArticleMapping.ReadFile(bad)).Message);
        var twice = dir.Write("twice.csv", "supplier_article,item_id\n1,vnr:100001\n1,vnr:100002\n");
        Assert.Contains("mapped to both", Assert.Throws<FeedMappingException>(() => ArticleMapping.ReadFile(twice)).Message);
    }

    [Fact]
    public void Identity_scheme_maps_national_numbers_when_no_entry_does()
    {
        var mapping = new ArticleMapping(new Dictionary<string, string> { ["100001"] = "vnr:100009" }, "vnr");
        Assert.True(mapping.TryMap("100001", null, out var explicitItem));
        Assert.Equal("vnr:100009", explicitItem);
        Assert.True(mapping.TryMap("100002", null, out var identity));
        Assert.Equal("vnr:100002", identity);
        Assert.False(mapping.TryMap("12", null, out _)); // vnr:12 is not a varunummer

        var gtin = new ArticleMapping(new Dictionary<string, string>(), "gtin");
        Assert.True(gtin.TryMap("X-1", Gtin(3), out var g));
        Assert.Equal($"gtin:{Gtin(3)}", g);
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("supply-feeds-").FullName;

    public string Write(string name, string text)
    {
        var p = System.IO.Path.Combine(Path, name);
        File.WriteAllText(p, text);
        return p;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
