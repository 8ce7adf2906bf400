using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Supply.Deploy.Tests;

/// <summary>The repository layout the tests read.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();
    public static string K8s => Path.Combine(Root, "k8s");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Supply.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Supply.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>
/// One kustomization rendered with <c>kubectl kustomize</c> (offline: no API server) and parsed into
/// JSON nodes, so tests read objects the way the API server would receive them.
/// </summary>
public sealed class Rendered
{
    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();

    public string Name { get; }
    public IReadOnlyList<JsonObject> Objects { get; }

    private Rendered(string name, IReadOnlyList<JsonObject> objects)
    {
        Name = name;
        Objects = objects;
    }

    /// <summary>"dev", "prod" (k8s/overlays/NAME) or "base" (k8s/base); rendered once per test run.</summary>
    public static Rendered Of(string name) =>
        Cache.GetOrAdd(name, n => new Lazy<Rendered>(() => Render(n))).Value;

    private static Rendered Render(string name)
    {
        var dir = name == "base" ? Path.Combine(Repo.K8s, "base") : Path.Combine(Repo.K8s, "overlays", name);
        Assert.True(Directory.Exists(dir), $"kustomization directory {dir} is missing");
        var yaml = Kubectl.Run("kustomize", dir);
        return new Rendered(name, Yaml.ParseAll(yaml));
    }

    public IEnumerable<JsonObject> OfKind(string kind) =>
        Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject? Find(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => (string?)o["metadata"]?["name"] == name);

    public JsonObject Get(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException(
            $"{Name}: no {kind} named '{name}'; rendered: {string.Join(", ", Objects.Select(Describe))}");

    public static string Describe(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["name"]}";

    // The objects the tests are about.
    public JsonObject Deployment => Get("Deployment", "supply-server");
    public JsonObject PodTemplate => Deployment["spec"]!["template"]!.AsObject();
    public JsonObject PodSpec => PodTemplate["spec"]!.AsObject();
    public JsonObject Container => Items(PodSpec["containers"]).Single(c => (string?)c["name"] == "server");
    public string? Namespace => (string?)Deployment["metadata"]!["namespace"];

    public IReadOnlyDictionary<string, string> PodLabels => Map(PodTemplate["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject o
            ? o.ToDictionary(p => p.Key, p => Scalar(p.Value) ?? "")
            : new Dictionary<string, string>();

    public static IEnumerable<JsonObject> Items(JsonNode? node) =>
        node is JsonArray a ? a.OfType<JsonObject>() : [];

    /// <summary>Any scalar as text (ints and bools too), or null.</summary>
    public static string? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => node.ToJsonString(),
    };

    public static long? Int(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    /// <summary>The container's named ports: name -> containerPort.</summary>
    public IReadOnlyDictionary<string, long> ContainerPorts =>
        Items(Container["ports"]).ToDictionary(p => (string)p["name"]!, p => Int(p["containerPort"]) ?? -1);

    /// <summary>
    /// The container's environment as the kubelet assembles it: envFrom ConfigMaps first, then env,
    /// a later definition of a name replacing an earlier one.
    /// </summary>
    public IReadOnlyDictionary<string, EnvValue> Environment
    {
        get
        {
            var result = new Dictionary<string, EnvValue>(StringComparer.Ordinal);
            foreach (var from in Items(Container["envFrom"]))
            {
                var cmName = (string?)from["configMapRef"]?["name"];
                Assert.True(cmName is not null, $"{Name}: only configMapRef is expected in envFrom, got {from.ToJsonString()}");
                var prefix = (string?)from["prefix"] ?? "";
                var cm = Get("ConfigMap", cmName!);
                foreach (var (key, value) in Map(cm["data"]))
                    result[prefix + key] = new EnvValue(key, value, null, null, $"ConfigMap {cmName}");
            }
            foreach (var e in Items(Container["env"]))
            {
                var name = (string)e["name"]!;
                var from = e["valueFrom"];
                if (from is null)
                {
                    result[name] = new EnvValue(name, Scalar(e["value"]) ?? "", null, null, "env");
                }
                else if (from["fieldRef"] is { } fieldRef)
                {
                    result[name] = new EnvValue(name, null, (string?)fieldRef["fieldPath"], null, "env (downward API)");
                }
                else if (from["secretKeyRef"] is { } secret)
                {
                    result[name] = new EnvValue(name, null, null, new SecretRef((string)secret["name"]!, (string)secret["key"]!), "env (Secret)");
                }
                else if (from["configMapKeyRef"] is { } cmKey)
                {
                    var value = Map(Get("ConfigMap", (string)cmKey["name"]!)["data"]).GetValueOrDefault((string)cmKey["key"]!);
                    result[name] = new EnvValue(name, value, null, null, "env (ConfigMap key)");
                }
                else
                {
                    throw new Xunit.Sdk.XunitException($"{Name}: env {name} has an unexpected source {from.ToJsonString()}");
                }
            }
            return result;
        }
    }

    /// <summary>
    /// What the pod would see at run time: literal values as they are, downward-API fields filled with
    /// what the kubelet would put there (the pod template's labels, a sample pod IP), Secrets as a marker.
    /// </summary>
    public IReadOnlyDictionary<string, string> SampleRuntimeEnvironment()
    {
        var labels = PodLabels;
        return Environment.ToDictionary(kv => kv.Key, kv => kv.Value switch
        {
            { Literal: { } literal } => literal,
            { Secret: { } s } => $"<secret {s.Name}/{s.Key}>",
            { FieldPath: "status.podIP" } => "10.244.1.17",
            { FieldPath: "metadata.name" } => "supply-server-7d9f8-abcde",
            { FieldPath: "metadata.namespace" } => Namespace ?? "default",
            { FieldPath: { } path } when LabelOf(path) is { } label =>
                labels.TryGetValue(label, out var v) ? v : throw new Xunit.Sdk.XunitException($"{Name}: env {kv.Key} reads label {label}, which the pod does not have"),
            var other => throw new Xunit.Sdk.XunitException($"{Name}: cannot resolve env {kv.Key} ({other})"),
        });
    }

    /// <summary>"metadata.labels['orleans/serviceId']" -> "orleans/serviceId".</summary>
    public static string? LabelOf(string fieldPath)
    {
        const string prefix = "metadata.labels['";
        return fieldPath.StartsWith(prefix, StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal)
            ? fieldPath[prefix.Length..^2]
            : null;
    }
}

public sealed record SecretRef(string Name, string Key);

/// <summary>One environment variable: a literal, a downward-API field or a Secret key; Origin says where it came from.</summary>
public sealed record EnvValue(string Name, string? Literal, string? FieldPath, SecretRef? Secret, string Origin);

/// <summary>Runs kubectl; fails with a clear message when it is not installed.</summary>
public static class Kubectl
{
    public static string Executable { get; } = Locate();

    private static string Locate()
    {
        var fromEnv = System.Environment.GetEnvironmentVariable("KUBECTL");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return fromEnv;
        var name = OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl";
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return "";
    }

    public static string Run(params string[] args)
    {
        if (Executable == "" || !File.Exists(Executable))
        {
            throw new Xunit.Sdk.XunitException(
                $"kubectl was not found (not on PATH; KUBECTL='{System.Environment.GetEnvironmentVariable("KUBECTL")}'). These tests render k8s/overlays/* with " +
                "`kubectl kustomize`, offline, no cluster needed. Install kubectl >= 1.27 (it bundles kustomize v5) " +
                "or point KUBECTL at it; see k8s/README.md, \"Validate offline\".");
        }

        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new Xunit.Sdk.XunitException($"could not start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', args)} did not finish within 120 s");
        }
        if (process.ExitCode != 0)
            throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', args)} failed ({process.ExitCode}):\n{stderr.Result}");
        return stdout.Result;
    }
}

/// <summary>YAML documents to JSON nodes, with YAML 1.2 core-schema typing of plain scalars (as the API server reads them).</summary>
public static class Yaml
{
    public static IReadOnlyList<JsonObject> ParseAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents
            .Select(d => Convert(d.RootNode))
            .OfType<JsonObject>()
            .ToList();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode sc => ConvertScalar(sc),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit)) return JsonValue.Create(d);
        return JsonValue.Create(value);
    }
}

/// <summary>Kubernetes resource quantities ("500m", "2", "1Gi") as numbers.</summary>
public static class Quantity
{
    public static decimal Parse(string text)
    {
        string[] binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
        for (var i = 0; i < binary.Length; i++)
        {
            if (text.EndsWith(binary[i], StringComparison.Ordinal))
                return decimal.Parse(text[..^2], CultureInfo.InvariantCulture) * (decimal)Math.Pow(1024, i + 1);
        }
        var suffixes = new Dictionary<char, decimal> { ['m'] = 0.001m, ['k'] = 1e3m, ['M'] = 1e6m, ['G'] = 1e9m, ['T'] = 1e12m };
        if (text.Length > 1 && suffixes.TryGetValue(text[^1], out var factor))
            return decimal.Parse(text[..^1], CultureInfo.InvariantCulture) * factor;
        return decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
