using System.Net;
using Grpc.Core;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;

namespace Supply.Dashboard.Tests;

/// <summary>Nothing is served to someone not signed in; dashboard and gRPC each answer only on their own endpoint.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInRequiredTests(DashboardFixture fixture)
{
    private HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = new Uri(fixture.Server.DashboardUrl),
    };

    [Theory]
    [InlineData("/")]
    [InlineData("/alerts")]
    public async Task Pages_redirect_to_the_sign_in_page(string path)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task The_live_circuit_answers_401()
    {
        using var client = Client();
        using var response = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_download_answers_401_rather_than_a_sign_in_page()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/export/overview.csv");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_development_sign_in_page_is_served_in_Development()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/signin");
        Assert.Contains("Endast utveckling", html);
    }

    [Fact]
    public async Task gRPC_is_not_served_on_the_dashboard_endpoint_nor_the_dashboard_on_the_gRPC_one()
    {
        using var grpcOnDashboard = Grpc.Net.Client.GrpcChannel.ForAddress(fixture.Server.DashboardUrl);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await new Catalog.CatalogClient(grpcOnDashboard).ListItemsAsync(new ListItemsRequest()));
        Assert.NotEqual(StatusCode.OK, e.StatusCode);

        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2c.GetAsync(new Uri(new Uri(fixture.Server.GrpcUrl), "/signin"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
