using System.Text;
using System.Text.RegularExpressions;
using Supply.Feeds.Mapping;
using Supply.Feeds.Parsing;

namespace Supply.Feeds.Tests;

/// <summary>The examples in src/Supply.Feeds/README.md are real files: they parse without a bad row.</summary>
public sealed partial class ReadmeTests
{
    private static string Readme()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Supply.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no Supply.sln above the tests"),
            "src", "Supply.Feeds", "README.md"));
    }

    private static string Block(string text, string after, string fence)
    {
        var start = text.IndexOf(after, StringComparison.Ordinal);
        var m = Block().Match(text, start);
        Assert.True(m.Success && m.Groups[1].Value == fence, $"no ```{fence} block after '{after}'");
        return m.Groups[2].Value;
    }

    [GeneratedRegex("```(\\w*)\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    [Fact]
    public void The_format_examples_parse_cleanly()
    {
        var readme = Readme();
        var json = Block(readme, "**Pharmacy chain stock file", "json");
        var pharmacy = new FeedOptions { Name = "doc", Format = FeedFormats.PharmacyJson, Stores = { ["1001"] = "se-25-pharm-lulea-1001" } };
        var parsed = PharmacyJsonParser.Parse(Encoding.UTF8.GetBytes(json), pharmacy, new ArticleMapping(new Dictionary<string, string>(), "vnr"));
        Assert.Empty(parsed.Rejected);
        Assert.Equal(["vnr:123456", "vnr:234567"], parsed.Lines.Select(l => l.Line.ItemId));

        var csv = Block(readme, "**Medtech supplier article list", "");
        var medtech = new FeedOptions { Name = "doc", Format = FeedFormats.MedtechCsv, Location = "se-01-sup-medtech-ab" };
        var lines = MedtechCsvParser.Parse(Encoding.UTF8.GetBytes(csv), medtech, new ArticleMapping(new Dictionary<string, string>
        {
            ["100234"] = "gtin:07310791012346",
            ["100567"] = "vnr:100567",
        }));
        Assert.Empty(lines.Rejected);
        Assert.Equal([1500L, 15L], lines.Lines.Select(l => l.Line.OnHand));
    }
}
