using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Supply.Dashboard.Hosting;

/// <summary>
/// Marks connections accepted on the dashboard endpoint, so routing can keep the dashboard and gRPC apart by
/// endpoint rather than by port number (a port of 0 is only known once bound).
/// </summary>
public static class DashboardConnection
{
    private const string Key = "supply.dashboard";

    /// <summary>Kestrel connection middleware for the dashboard's listen options.</summary>
    public static ConnectionDelegate Mark(ConnectionDelegate next) => connection =>
    {
        connection.Items[Key] = true;
        return next(connection);
    };

    public static bool Is(HttpContext http) => http.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Key) == true;
}

/// <summary>Endpoint metadata: this endpoint belongs to the dashboard and answers only on its endpoint.</summary>
public sealed class DashboardEndpointMetadata
{
    public static readonly DashboardEndpointMetadata Instance = new();
}
