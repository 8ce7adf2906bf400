using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using CsvHelper;
using MiniExcelLibs;

namespace Supply.Server.Tests;

/// <summary>The demo data set on a real server, and reading what the exports write (CSV through CsvHelper, xlsx through MiniExcel).</summary>
public sealed class ExportFixture : IAsyncLifetime
{
    public SupplyServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SupplyServer.StartAsync(null, "--Supply:Demo=true");
        await Server.DemoLoadedAsync();
        await SettledAsync();
    }

    /// <summary>
    /// Waits until the aggregation path has taken in every demo report (it runs behind the reports): the files and the RPCs
    /// they are checked against must read the same figures. Rebuilds the aggregates, then waits for two equal readings.
    /// </summary>
    private async Task SettledAsync()
    {
        var coverage = new Supply.Contracts.V1.Coverage.CoverageClient(Server.ChannelAs(SupplyServer.SuperuserToken));
        await coverage.RebuildAggregatesAsync(new Supply.Contracts.V1.RebuildAggregatesRequest());
        var request = new Supply.Contracts.V1.GetCoverageRequest { Level = Supply.Contracts.V1.CoverageLevel.Region, ByGroup = true };
        var last = "";
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var reply = await coverage.GetCoverageAsync(request);
            var now = string.Join(";", reply.Rows.Select(r => $"{r.Area}/{r.Key}/{r.Usable}/{r.DailyConsumption}"));
            if (now == last && now.Length > 0) return;
            last = now;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException("the demo's coverage did not settle within two minutes");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>GET on the gRPC endpoint over HTTP/2 with prior knowledge (the endpoint speaks nothing else), with this bearer token.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string? token = null)
    {
        using var client = new HttpClient
        {
            BaseAddress = new Uri(Server.Address),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    /// <summary>POST of a text body on the gRPC endpoint over HTTP/2 with prior knowledge, with this bearer token.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string body, string token)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Server.Address) };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/yaml"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}

internal static class ExportFiles
{
    /// <summary>Header and rows of an RFC 4180 file as the data dialect writes it (",", "." decimals).</summary>
    public static (string[] Header, List<string[]> Rows) Csv(byte[] bytes)
    {
        using var csv = CsvReader.Create(bytes, new CsvReaderOptions { Separator = ',', HasHeader = true });
        var header = csv.Headers.ToArray();
        var rows = new List<string[]>();
        while (csv.Read()) rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray());
        return (header, rows);
    }

    public static IReadOnlyList<string> Sheets(byte[] xlsx) => MiniExcel.GetSheetNames(new MemoryStream(xlsx));

    public static List<IDictionary<string, object?>> Sheet(byte[] xlsx, string sheet) =>
        MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object?>>().ToList();

    /// <summary>The worksheet XML of the n-th sheet (1-based): for what MiniExcel does not read back (frozen panes, styles).</summary>
    public static string SheetXml(byte[] xlsx, int n)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        using var reader = new StreamReader(zip.GetEntry($"xl/worksheets/sheet{n}.xml")!.Open());
        return reader.ReadToEnd();
    }

    public static async Task AssertOkAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    public static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
