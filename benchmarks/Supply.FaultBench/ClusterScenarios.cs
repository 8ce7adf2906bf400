namespace Supply.FaultBench;

/// <summary>The cluster scenarios: three silos on one Azurite (Orleans' Azure providers, docs/cluster.md).</summary>
public static class ClusterScenarios
{
    public static Task<ScenarioResult> KillSiloAsync(BenchOptions o) => throw new NotSupportedException();
    public static Task<ScenarioResult> StorageDownAsync(BenchOptions o) => throw new NotSupportedException();
}
