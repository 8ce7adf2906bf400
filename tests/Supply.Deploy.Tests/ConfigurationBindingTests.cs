using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Supply.Server;

namespace Supply.Deploy.Tests;

/// <summary>
/// The rendered environment bound onto the server's own configuration types, the way the host binds
/// it (Supply__Listen__Port -> Supply:Listen:Port): a misspelt key, a value of the wrong type or a
/// setting the server does not have fails here, not in a pod.
/// </summary>
public class ConfigurationBindingTests
{
    public static TheoryData<string> Overlays => OverlayTests.Overlays;

    /// <summary>Environment variables as IConfiguration sees them ("__" is the section separator).</summary>
    private static IConfiguration ConfigurationOf(IReadOnlyDictionary<string, string> env, string prefix = "") =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(env
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key[prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter), (string?)kv.Value)))
            .Build();

    private static SupplyOptions Bind(Rendered r)
    {
        var configuration = ConfigurationOf(r.SampleRuntimeEnvironment());
        var section = configuration.GetSection(SupplyOptions.Section);
        var options = new SupplyOptions();
        // Supply:Cluster:Membership is bound by the server onto Orleans' ClusterMembershipOptions instead; Supply:Http is read by
        // the REST endpoint's own rules (Hosting/HttpApiEndpoint), checked in the test below.
        var withoutMembership = new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null && !kv.Key.StartsWith("Cluster:Membership", StringComparison.OrdinalIgnoreCase)
                    && !kv.Key.StartsWith("Http:", StringComparison.OrdinalIgnoreCase)))
            .Build();
        withoutMembership.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        section.GetSection("Cluster:Membership").Get<ClusterMembershipOptions>(o => o.ErrorOnUnknownConfiguration = true);
        return options;
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Every_Supply_setting_is_one_the_server_has_with_a_value_of_the_right_type(string overlay)
    {
        var r = Rendered.Of(overlay);
        var options = Bind(r); // throws on an unknown key or an unparsable value

        Assert.Equal("0.0.0.0", options.Listen.Address);
        Assert.Equal(IPAddress.Any, IPAddress.Parse(options.Listen.Address));
        Assert.Equal(r.ContainerPorts["grpc"], options.Listen.Port);
        Assert.Equal(r.ContainerPorts["silo"], options.Silo.SiloPort);
        Assert.Equal(r.ContainerPorts["gateway"], options.Silo.GatewayPort);
        var http = ConfigurationOf(r.SampleRuntimeEnvironment()).GetSection(Supply.Server.Hosting.HttpApiEndpoint.Section);
        Assert.Equal(r.ContainerPorts["http"], http.GetValue<int>("Port"));
        Assert.Equal(IPAddress.Any, IPAddress.Parse(http["Address"]!));
        Assert.True(IPAddress.TryParse(options.Silo.AdvertisedAddress, out _), "the advertised address must be an IP (the pod IP)");
        Assert.True(options.Storage.DurableCommits, $"{overlay}: grain state must be fsync'ed");
    }

    [Fact]
    public void Dev_binds_to_single_mode_with_SQLite_on_the_volume()
    {
        var options = Bind(Rendered.Of("dev"));
        Assert.Equal(SupplyOptions.ClusterMode.Single, options.Cluster.Mode);
        Assert.Equal("/data/supply.db", options.Storage.SqlitePath);
    }

    [Fact]
    public void Prod_binds_to_cluster_mode_with_the_storage_connection_string_from_a_secret()
    {
        var options = Bind(Rendered.Of("prod"));
        Assert.Equal(SupplyOptions.ClusterMode.Cluster, options.Cluster.Mode);
        Assert.Equal("<secret supply-azure-storage/connection-string>", options.Storage.Azure.ConnectionString);
        Assert.Null(options.Storage.Azure.BlobServiceUri); // a connection string, or the URIs with a managed identity; not both
        Assert.False(string.IsNullOrWhiteSpace(options.Storage.Azure.ContainerName));
        Assert.False(string.IsNullOrWhiteSpace(options.Storage.Azure.AuditTableName));
        Assert.False(string.IsNullOrWhiteSpace(options.Telemetry.OtlpEndpoint));
    }

    [Theory, MemberData(nameof(Overlays))]
    public void The_host_takes_its_shutdown_timeout_from_DOTNET_SHUTDOWNTIMEOUTSECONDS(string overlay)
    {
        var env = Rendered.Of(overlay).SampleRuntimeEnvironment();
        // The host reads DOTNET_-prefixed variables, prefix removed, into its configuration; HostOptions
        // takes ShutdownTimeout from the key shutdownTimeoutSeconds. Same path here, without touching
        // this process's environment.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(ConfigurationOf(env, prefix: "DOTNET_"));
        using var host = builder.Build();
        var timeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(env["DOTNET_SHUTDOWNTIMEOUTSECONDS"])), timeout);
    }
}
