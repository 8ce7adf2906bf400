using Supply.Server.Hosting;

namespace Supply.Server.Extensions;

public static class OptionsExtensions
{
    /// <summary>
    /// The "Supply" section, bound once per host: the object the Add* methods read while composing, and
    /// <c>IOptions&lt;SupplyOptions&gt;</c> (bound from the same section) for services.
    /// </summary>
    public static SupplyOptions GetSupplyOptions(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(SupplyOptions), out var bound)) return (SupplyOptions)bound;

        var section = builder.Configuration.GetSection(SupplyOptions.Section);
        var options = section.Get<SupplyOptions>() ?? new SupplyOptions();
        // Kubernetes conventions of Orleans: the pod's ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID win.
        var serviceId = builder.Configuration["ORLEANS_SERVICE_ID"];
        var clusterId = builder.Configuration["ORLEANS_CLUSTER_ID"];
        void Identity(SupplyOptions o)
        {
            o.Silo.ServiceId = serviceId ?? o.Silo.ServiceId;
            o.Silo.ClusterId = clusterId ?? o.Silo.ClusterId;
        }
        Identity(options);
        builder.Services.AddOptions<SupplyOptions>().Bind(section).PostConfigure(Identity);
        builder.Properties[typeof(SupplyOptions)] = options;
        return options;
    }

    /// <summary>Where the gRPC endpoint listens (<see cref="ListenEndpoints"/>), decided once; throws on contradictory settings.</summary>
    public static ListenEndpoints GetListenEndpoints(this IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(typeof(ListenEndpoints), out var decided)) return (ListenEndpoints)decided;
        var endpoints = ListenEndpoints.From(builder.Configuration, builder.GetSupplyOptions());
        builder.Properties[typeof(ListenEndpoints)] = endpoints;
        return endpoints;
    }
}
