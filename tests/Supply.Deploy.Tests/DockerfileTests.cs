using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Supply.Deploy.Tests;

/// <summary>The root Dockerfile, parsed (not built: no container engine here).</summary>
public sealed partial class Dockerfile
{
    /// <summary>The `app` user of the .NET runtime images ($APP_UID).</summary>
    public const long AppUid = 1654;

    public sealed record Instruction(string Keyword, string Arguments);
    public sealed record Stage(string From, string? Name, List<Instruction> Instructions);

    public IReadOnlyDictionary<string, string> GlobalArgs { get; }
    public IReadOnlyList<Stage> Stages { get; }

    private Dockerfile(IReadOnlyDictionary<string, string> args, IReadOnlyList<Stage> stages)
    {
        GlobalArgs = args;
        Stages = stages;
    }

    public static Dockerfile Root { get; } = Parse(File.ReadAllText(Path.Combine(Repo.Root, "Dockerfile")));

    public static Dockerfile Parse(string text)
    {
        // Join continuation lines, drop comments and blank lines.
        var logical = new List<string>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current == "" && line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            current += line;
            if (current.Trim() != "") logical.Add(current.Trim());
            current = "";
        }

        var args = new Dictionary<string, string>();
        var stages = new List<Stage>();
        foreach (var line in logical)
        {
            var space = line.IndexOf(' ');
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : line[(space + 1)..].Trim();
            if (keyword == "ARG" && stages.Count == 0)
            {
                var eq = rest.IndexOf('=');
                if (eq > 0) args[rest[..eq]] = rest[(eq + 1)..];
            }
            else if (keyword == "FROM")
            {
                var m = FromRegex().Match(rest);
                var image = Regex.Replace(m.Groups["image"].Value, @"\$\{?(\w+)\}?", v => args.GetValueOrDefault(v.Groups[1].Value, v.Value));
                stages.Add(new Stage(image, m.Groups["name"].Success ? m.Groups["name"].Value : null, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new Instruction(keyword, rest));
            }
        }
        return new Dockerfile(args, stages);
    }

    public Stage Final => Stages[^1];

    public IEnumerable<string> All(Stage stage, string keyword) =>
        stage.Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>ENV key=value pairs of a stage (the key=value form, several per line).</summary>
    public IReadOnlyDictionary<string, string> Env(Stage stage) =>
        All(stage, "ENV")
            .SelectMany(a => EnvPairRegex().Matches(a))
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim('"'));

    [GeneratedRegex(@"^(--platform=\S+\s+)?(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromRegex();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPairRegex();
}

public class DockerfileTests
{
    private static Dockerfile D => Dockerfile.Root;

    [Fact]
    public void Builds_with_the_net10_sdk_and_runs_on_the_aspnet10_runtime_image()
    {
        Assert.True(D.Stages.Count >= 2, "multi-stage: build and runtime");
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", D.Stages[0].From);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", D.Final.From);
        var publish = Assert.Single(D.All(D.Stages[0], "RUN"), r => r.Contains("dotnet publish"));
        Assert.Contains("src/Supply.Server/Supply.Server.csproj", publish);
        Assert.Matches(@"(-c|--configuration)\s+Release", publish);
        Assert.Contains(D.All(D.Final, "COPY"), c => c.StartsWith($"--from={D.Stages[0].Name}", StringComparison.Ordinal));
    }

    [Fact]
    public void Exposes_exactly_the_container_ports_of_the_deployment()
    {
        var exposed = D.All(D.Final, "EXPOSE")
            .SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => long.Parse(p.Split('/')[0]))
            .Order().ToList();
        foreach (var overlay in OverlayTests.Names)
            Assert.Equal(Rendered.Of(overlay).ContainerPorts.Values.Order().ToList(), exposed);
    }

    [Fact]
    public void Runs_as_the_non_root_app_user_that_the_pods_declare()
    {
        var user = Assert.Single(D.All(D.Final, "USER"));
        Assert.Contains(user, new[] { "$APP_UID", "${APP_UID}", Dockerfile.AppUid.ToString() });
        foreach (var overlay in OverlayTests.Names)
            Assert.Equal(Dockerfile.AppUid, Rendered.Int(Rendered.Of(overlay).PodSpec["securityContext"]!["runAsUser"]));
    }

    [Fact]
    public void Starts_the_server_dll_and_binds_all_interfaces()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(D.All(D.Final, "ENTRYPOINT")))!;
        Assert.Equal(["dotnet", "Supply.Server.dll"], entrypoint);
        var env = D.Env(D.Final);
        Assert.Equal("0.0.0.0", env.GetValueOrDefault("Supply__Listen__Address"));
        Assert.Equal(Rendered.Of("prod").ContainerPorts["grpc"].ToString(), env.GetValueOrDefault("Supply__Listen__Port", "5080"));
    }

    [Fact]
    public void Copies_every_project_the_server_needs_before_restore()
    {
        // Walk Supply.Server's project references: each csproj must be copied for `dotnet restore`.
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["src/Supply.Server/Supply.Server.csproj"]);
        while (queue.TryDequeue(out var project))
        {
            if (!needed.Add(project)) continue;
            var full = Path.Combine(Repo.Root, project);
            foreach (var reference in XDocument.Load(full).Descendants("ProjectReference"))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, (string)reference.Attribute("Include")!));
                queue.Enqueue(Path.GetRelativePath(Repo.Root, target).Replace('\\', '/'));
            }
        }

        var build = D.Stages[0];
        var copies = build.Instructions.Where(i => i.Keyword == "COPY").Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var restoreAt = build.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore"));
        Assert.True(restoreAt >= 0, "no dotnet restore in the build stage");
        var copiedBeforeRestore = build.Instructions.Take(restoreAt)
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToHashSet();
        foreach (var project in needed)
            Assert.True(copiedBeforeRestore.Contains(project), $"Dockerfile: {project} is not copied before `dotnet restore`");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props" })
            Assert.Contains(file, copiedBeforeRestore);

        // Every source copied exists in the repository and is not excluded from the build context.
        var ignored = DockerignoreTests.Patterns();
        foreach (var source in copies.SelectMany(c => c.SkipLast(1)).Where(s => !s.StartsWith("--", StringComparison.Ordinal)))
        {
            var path = Path.Combine(Repo.Root, source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"Dockerfile copies {source}, which does not exist");
            Assert.DoesNotContain(source.TrimEnd('/'), ignored.Select(p => p.TrimEnd('/')));
        }
        // The contract is compiled from protos/ by Supply.Contracts.
        Assert.Contains(copies, c => c[0] == "protos/");
    }
}

public class DockerignoreTests
{
    public static IReadOnlyList<string> Patterns() =>
        File.ReadAllLines(Path.Combine(Repo.Root, ".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l != "" && !l.StartsWith('#'))
            .ToList();

    [Fact]
    public void Keeps_build_output_local_data_node_modules_and_git_out_of_the_build_context()
    {
        var patterns = Patterns().Select(p => p.TrimEnd('/')).ToList();
        foreach (var required in new[] { "bin", "obj", "data", "node_modules" })
            Assert.True(patterns.Contains(required) || patterns.Contains($"**/{required}"), $".dockerignore does not exclude {required}/");
        Assert.Contains(".git", patterns);
        // Nothing the build needs is excluded.
        foreach (var needed in new[] { "src", "protos", "Directory.Build.props", "Directory.Packages.props" })
            Assert.DoesNotContain(needed, patterns);
    }
}
