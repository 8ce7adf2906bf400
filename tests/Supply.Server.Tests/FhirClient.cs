using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Supply.Fhir;
using Supply.Fhir.Model;

namespace Supply.Server.Tests;

/// <summary>
/// A real HTTP client for the FHIR endpoints of a running <see cref="SupplyServer"/>: HTTP/2 with prior knowledge on the
/// gRPC endpoint (until the HTTP/1.1 API endpoint lands), and the test resources in Resources/Fhir with their placeholders filled.
/// </summary>
public sealed class FhirClient(SupplyServer server, string? token) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler())
    {
        BaseAddress = new Uri(server.Address),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public async Task<(HttpStatusCode Status, HttpResponseMessage Response, JsonElement Body)> PostAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/InventoryReport") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(FhirJson.MediaType);
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, HttpResponseMessage Response, JsonElement Body)> GetAsync(string pathAndQuery) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, pathAndQuery));

    private async Task<(HttpStatusCode, HttpResponseMessage, JsonElement)> SendAsync(HttpRequestMessage request)
    {
        // Requests built by hand do not take the client's defaults: HTTP/2 with prior knowledge, exactly.
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _http.SendAsync(request);
        Assert.Equal(new Version(2, 0), response.Version);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(FhirJson.MediaType, response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, response, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static InventoryReport Read(JsonElement body) => JsonSerializer.Deserialize<InventoryReport>(body.GetRawText(), FhirJson.Options)!;

    /// <summary>A resource from Resources/Fhir with {{name}} placeholders replaced (values are JSON-escaped).</summary>
    public static string Resource(string name, params (string Key, string Value)[] values)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Resources", "Fhir", name));
        foreach (var (key, value) in values) text = text.Replace("{{" + key + "}}", JsonEncodedText.Encode(value).ToString());
        // Resources use the placeholders they need; the rest of the values stay unused.
        Assert.DoesNotContain("{{", text);
        return text;
    }

    /// <summary>The element paths an OperationOutcome names.</summary>
    public static IReadOnlyList<string> Expressions(JsonElement outcome)
    {
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        return outcome.GetProperty("issue").EnumerateArray()
            .SelectMany(i => i.TryGetProperty("expression", out var e) ? e.EnumerateArray().Select(x => x.GetString()!) : []).ToList();
    }

    public static string IssueCode(JsonElement outcome) => outcome.GetProperty("issue")[0].GetProperty("code").GetString()!;

    public void Dispose() => _http.Dispose();
}
