namespace Supply.Dashboard.Tables;

/// <summary>The example scenarios of docs/scenarios/examples, embedded in this assembly so the page offers them wherever it runs.</summary>
public static class ScenarioExamples
{
    private const string Prefix = "scenario-examples/";

    /// <summary>File names ("major-trauma-stockholm.yaml"), sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(ScenarioExamples).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal).ToList();

    public static string? Read(string name)
    {
        if (!Names.Contains(name)) return null;
        using var stream = typeof(ScenarioExamples).Assembly.GetManifestResourceStream(Prefix + name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
