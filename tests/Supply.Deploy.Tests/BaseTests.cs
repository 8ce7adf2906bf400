namespace Supply.Deploy.Tests;

/// <summary>The base is shared by the overlays and must not decide what they decide.</summary>
public class BaseTests
{
    [Fact]
    public void The_base_renders_and_is_namespace_agnostic()
    {
        var b = Rendered.Of("base");
        Assert.NotEmpty(b.Objects);
        Assert.All(b.Objects, o => Assert.Null(o["metadata"]!["namespace"]));
    }

    [Fact]
    public void The_base_leaves_the_cluster_mode_and_storage_to_the_overlays()
    {
        var env = Rendered.Of("base").Environment;
        Assert.False(env.ContainsKey("Supply__Cluster__Mode"));
        Assert.False(env.ContainsKey("Supply__Storage__SqlitePath"));
        Assert.DoesNotContain(env.Values, e => e.Secret is not null);
    }
}
