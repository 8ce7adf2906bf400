using static Supply.Deploy.Tests.Rendered;

namespace Supply.Deploy.Tests;

/// <summary>prod: an Orleans cluster (membership, grain state and audit in one Azure Storage account), 3..10 silos, zero-downtime rollouts.</summary>
public class ProdOverlayTests
{
    private static Rendered Prod => Rendered.Of("prod");

    [Fact]
    public void Runs_at_least_three_silos_in_cluster_mode()
    {
        Assert.True(Int(Prod.Deployment["spec"]!["replicas"]) >= 3);
        Assert.Equal("cluster", Prod.SampleRuntimeEnvironment().GetValueOrDefault("Supply__Cluster__Mode"));
    }

    [Fact]
    public void Reads_the_azure_storage_connection_string_from_an_existing_secret_and_needs_nothing_else()
    {
        var env = Prod.Environment;
        Assert.Equal(new SecretRef("supply-azure-storage", "connection-string"), env.GetValueOrDefault("Supply__Storage__Azure__ConnectionString")?.Secret);
        // One storage account is all a cluster needs: no other secret (no Redis, no database).
        Assert.Equal(["supply-azure-storage"], env.Values.Where(v => v.Secret is not null).Select(v => v.Secret!.Name).Distinct());
        // Existing Secrets: created with kubectl create secret, never rendered from the repository.
        Assert.Empty(Prod.OfKind("Secret"));
    }

    [Fact]
    public void Keeps_no_node_local_state()
    {
        Assert.Empty(Prod.OfKind("PersistentVolumeClaim"));
        Assert.DoesNotContain(Items(Prod.PodSpec["volumes"]), v => v["persistentVolumeClaim"] is not null || v["hostPath"] is not null);
        Assert.False(Prod.Environment.ContainsKey("Supply__Storage__SqlitePath"));
    }

    [Fact]
    public void Sends_telemetry_to_the_otlp_endpoint_from_the_configmap()
    {
        var endpoint = Prod.Environment.GetValueOrDefault("Supply__Telemetry__OtlpEndpoint");
        Assert.NotNull(endpoint);
        Assert.StartsWith("ConfigMap", endpoint!.Origin);
        Assert.True(Uri.TryCreate(endpoint.Literal, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", $"not a URL: {endpoint.Literal}");
    }

    [Fact]
    public void Rolls_out_one_new_pod_before_an_old_one_goes()
    {
        var strategy = Prod.Deployment["spec"]!["strategy"]!;
        Assert.Equal("RollingUpdate", (string?)strategy["type"]);
        Assert.Equal("0", Scalar(strategy["rollingUpdate"]!["maxUnavailable"]));
        Assert.Equal("1", Scalar(strategy["rollingUpdate"]!["maxSurge"]));
    }

    [Fact]
    public void The_autoscaler_scales_the_deployment_from_3_to_10_on_cpu()
    {
        var hpa = Assert.Single(Prod.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("autoscaling/v2", (string?)hpa["apiVersion"]);
        var spec = hpa["spec"]!;
        Assert.Equal("apps/v1", (string?)spec["scaleTargetRef"]!["apiVersion"]);
        Assert.Equal("Deployment", (string?)spec["scaleTargetRef"]!["kind"]);
        Assert.Equal((string?)Prod.Deployment["metadata"]!["name"], (string?)spec["scaleTargetRef"]!["name"]);
        Assert.Equal(3, Int(spec["minReplicas"]));
        Assert.Equal(10, Int(spec["maxReplicas"]));
        Assert.True(Int(Prod.Deployment["spec"]!["replicas"]) >= Int(spec["minReplicas"]));

        var cpu = Assert.Single(Items(spec["metrics"]), m => (string?)m["resource"]?["name"] == "cpu");
        Assert.Equal("Resource", (string?)cpu["type"]);
        Assert.Equal("Utilization", (string?)cpu["resource"]!["target"]!["type"]);
        Assert.Equal(70, Int(cpu["resource"]!["target"]!["averageUtilization"]));
        // Utilization is a share of the request: there must be one.
        Assert.NotNull(Prod.Container["resources"]?["requests"]?["cpu"]);
    }

    [Fact]
    public void The_disruption_budget_lets_one_silo_go_at_a_time_and_covers_the_deployments_pods()
    {
        var pdb = Assert.Single(Prod.OfKind("PodDisruptionBudget"));
        Assert.Equal("policy/v1", (string?)pdb["apiVersion"]);
        Assert.Equal("1", Scalar(pdb["spec"]!["maxUnavailable"]));
        Assert.Null(pdb["spec"]!["minAvailable"]);
        var selector = Map(pdb["spec"]!["selector"]!["matchLabels"]);
        Assert.NotEmpty(selector);
        OverlayTests.AssertSelects(selector, Prod.PodLabels, "prod: PodDisruptionBudget");
    }
}
