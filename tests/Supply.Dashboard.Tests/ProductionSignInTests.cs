using System.Net;
using Supply.Dashboard.Tests.Fixtures;

namespace Supply.Dashboard.Tests;

/// <summary>Outside Development there is no development sign-in: the page and its form are absent, sign-in goes to OpenID Connect.</summary>
public sealed class ProductionSignInTests : IAsyncLifetime
{
    private DashboardServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await DashboardServer.StartAsync(
            "--environment=Production",
            $"--Supply:Auth:Jwt:SigningKeys:0={Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray())}",
            "--Supply:Listen:AllowPlaintext=true",
            // Never contacted: the provider's metadata is fetched only when a sign-in starts.
            "--Supply:Dashboard:Oidc:Authority=https://login.example.invalid/",
            "--Supply:Dashboard:Oidc:ClientId=supply-dashboard",
            "--Supply:Dashboard:Oidc:ClientSecret=unused");

    [Fact]
    public async Task The_development_sign_in_is_absent_and_pages_send_to_OpenID_Connect()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_server.DashboardUrl) };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent([]))).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/auth/login", response.Headers.Location!.AbsolutePath);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
