using System.Text.Json.Nodes;
using static Supply.Deploy.Tests.Rendered;

namespace Supply.Deploy.Tests;

/// <summary>dev: one node, single mode, SQLite on a PersistentVolumeClaim, one writer.</summary>
public class DevOverlayTests
{
    private static Rendered Dev => Rendered.Of("dev");

    [Fact]
    public void Runs_one_replica_in_single_mode()
    {
        Assert.Equal(1, Int(Dev.Deployment["spec"]!["replicas"]));
        Assert.Equal("single", Dev.SampleRuntimeEnvironment().GetValueOrDefault("Supply__Cluster__Mode"));
    }

    [Fact]
    public void Replaces_the_pod_with_Recreate_so_two_processes_never_share_the_SQLite_file()
    {
        var strategy = Dev.Deployment["spec"]!["strategy"]!;
        Assert.Equal("Recreate", (string?)strategy["type"]);
        Assert.Null(strategy["rollingUpdate"]); // the API server refuses rollingUpdate with Recreate
    }

    [Fact]
    public void Has_no_autoscaler_and_no_disruption_budget()
    {
        Assert.Empty(Dev.OfKind("HorizontalPodAutoscaler"));
        Assert.Empty(Dev.OfKind("PodDisruptionBudget"));
    }

    [Fact]
    public void Mounts_a_persistent_volume_claim_at_the_directory_of_the_SQLite_path()
    {
        var path = Dev.SampleRuntimeEnvironment().GetValueOrDefault("Supply__Storage__SqlitePath");
        Assert.NotNull(path);
        Assert.True(Path.IsPathRooted(path), $"SQLite path {path} is relative: it would land on the read-only image filesystem");
        var directory = Path.GetDirectoryName(path)!;

        var mount = Items(Dev.Container["volumeMounts"]).SingleOrDefault(m => (string?)m["mountPath"] == directory);
        Assert.True(mount is not null, $"nothing is mounted at {directory}, the directory of {path}");
        Assert.NotEqual(true, (bool?)mount!["readOnly"]);
        Assert.Null(mount["subPath"]);

        var volume = Items(Dev.PodSpec["volumes"]).Single(v => (string?)v["name"] == (string?)mount["name"]);
        var claimName = (string?)volume["persistentVolumeClaim"]?["claimName"];
        Assert.True(claimName is not null, $"the volume at {directory} is not a PersistentVolumeClaim: {volume.ToJsonString()}");
        var claim = Dev.Get("PersistentVolumeClaim", claimName!);
        Assert.Contains("ReadWriteOnce", (claim["spec"]!["accessModes"] as JsonArray ?? []).Select(Scalar));
        Assert.NotNull(Scalar(claim["spec"]!["resources"]?["requests"]?["storage"]));

        // The app user must be able to write the volume.
        Assert.Equal(Dockerfile.AppUid, Int(Dev.PodSpec["securityContext"]!["fsGroup"]));
    }
}
