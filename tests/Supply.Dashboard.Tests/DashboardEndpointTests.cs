using Microsoft.Extensions.DependencyInjection;
using Supply.Server;
using Supply.Server.Hosting;

namespace Supply.Dashboard.Tests;

/// <summary>How the dashboard's endpoint is chosen beside the gRPC one (docs/endpoints.md): never dropped silently.</summary>
public sealed class DashboardEndpointTests
{
    private static readonly string Db = $"--Supply:Storage:SqlitePath={Path.Combine(Path.GetTempPath(), "supply-dashboard-tests", "unused.db")}";

    [Fact]
    public async Task With_urls_the_dashboard_is_off_and_says_why()
    {
        await using var app = SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", Db]);
        var endpoint = app.Services.GetRequiredService<DashboardEndpoint>();
        Assert.False(endpoint.IsOn);
        Assert.Contains("--urls", endpoint.OffReason);
        Assert.Contains("Kestrel:Endpoints", endpoint.OffReason);
    }

    [Fact]
    public void A_dashboard_port_given_with_urls_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Development", "--urls=http://127.0.0.1:6001", "--Supply:Dashboard:Port=6002", Db]));
        Assert.Contains("Supply:Dashboard:Port", e.Message);
        Assert.Contains("--urls", e.Message);
    }

    [Fact]
    public void The_dashboard_and_gRPC_cannot_share_a_port()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            SupplyApp.Create(["--environment=Development", "--Supply:Listen:Port=6010", "--Supply:Dashboard:Port=6010", Db]));
        Assert.Contains("must differ from Supply:Listen:Port", e.Message);
    }

    [Fact]
    public async Task With_Kestrel_endpoints_the_dashboard_listens_beside_them()
    {
        await using var app = SupplyApp.Create(["--environment=Development", "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:6020", "--Supply:Dashboard:Port=6021", Db]);
        var endpoint = app.Services.GetRequiredService<DashboardEndpoint>();
        Assert.True(endpoint.IsOn);
        Assert.Equal("http://127.0.0.1:6021", endpoint.Url);
    }

    [Fact]
    public async Task Outside_Development_without_OpenID_Connect_the_dashboard_is_off()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        await using var app = SupplyApp.Create(["--environment=Production", $"--Supply:Auth:Jwt:SigningKeys:0={key}", "--Supply:Listen:AllowPlaintext=true", Db]);
        var endpoint = app.Services.GetRequiredService<DashboardEndpoint>();
        Assert.False(endpoint.IsOn);
        Assert.Contains("Supply:Dashboard:Oidc:Authority", endpoint.OffReason);
    }
}
