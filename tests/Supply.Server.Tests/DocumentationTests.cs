using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Supply.Cli;

namespace Supply.Server.Tests;

/// <summary>
/// The README is the front door: it lists every service, every RPC and every CLI command, and no
/// link in it or in docs/ points at a file that is not there. These keep it true as the code grows.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = Supply.Testing.RepoPaths.Root;
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    public static TheoryData<string, string> Rpcs()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in ContractServices())
            foreach (var method in service.Methods)
                data.Add(service.Name, method.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public void The_readme_lists_every_service_and_rpc(string service, string rpc)
    {
        var table = ApiTable();
        Assert.Contains($"`{service}`", table);
        Assert.Contains($"`{rpc}`", table);
    }

    [Fact]
    public void Every_service_of_the_contract_is_counted()
    {
        // If the contract grows a service, the theory above grows with it; this guards the discovery itself.
        Assert.Contains(ContractServices(), s => s.Name == "StockReporting");
        Assert.True(ContractServices().Count >= 8, string.Join(", ", ContractServices().Select(s => s.Name)));
    }

    [Fact]
    public void The_readme_lists_every_cli_command()
    {
        var block = CliBlock();
        var root = CliApp.Build(TextWriter.Null, TextWriter.Null);
        var missing = Leaves(root, "supply").Where(path => !block.Contains(path + " ", StringComparison.Ordinal) && !block.Contains(path + "\n", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "README's CLI block does not list: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_resolves()
    {
        var pages = new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));
        var broken = new List<string>();
        foreach (var page in pages)
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(page)))
            {
                var target = m.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{Path.GetRelativePath(Root, page)} -> {target}");
            }
        Assert.True(broken.Count == 0, "broken links: " + string.Join("; ", broken));
    }

    private static List<ServiceDescriptor> ContractServices() =>
        typeof(Contracts.V1.Catalog).Assembly.GetTypes()
            .Where(t => t.Namespace == "Supply.Contracts.V1")
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<ServiceDescriptor>()
            .Where(s => s.File.Package == "supply.v1")
            .DistinctBy(s => s.FullName)
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> Leaves(Command command, string path)
    {
        var children = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (children.Count == 0) { yield return path; yield break; }
        foreach (var child in children)
            foreach (var leaf in Leaves(child, $"{path} {child.Name}"))
                yield return leaf;
    }

    private static string ApiTable() => Section("## API at a glance");

    private static string CliBlock()
    {
        var section = Section("## The `supply` CLI");
        var start = section.IndexOf("```", StringComparison.Ordinal);
        var end = section.IndexOf("```", start + 3, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README's CLI section has no code block");
        return section[start..end];
    }

    private static string Section(string heading)
    {
        var start = Readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '{heading}'");
        var next = Readme.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return next < 0 ? Readme[start..] : Readme[start..next];
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
