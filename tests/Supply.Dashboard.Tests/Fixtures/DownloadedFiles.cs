using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MiniExcelLibs;
using Supply.Grains.Catalog;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>Reading what the dashboard exports (CSV through CsvHelper, xlsx through MiniExcel) and picking demo locations.</summary>
public static class DownloadedFiles
{
    /// <summary>Header and rows of a Swedish export (";" between fields, UTF-8 with BOM).</summary>
    public static (string[] Header, List<string[]> Rows) ReadSwedishCsv(byte[] bytes)
    {
        Assert.True(bytes.AsSpan().StartsWith((byte[])[0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark, for Excel");
        using var csv = CsvReader.Create(bytes, new CsvReaderOptions { Separator = ';', HasHeader = true });
        var header = csv.Headers.ToArray(); // read on first access
        Assert.NotEmpty(header);
        var rows = new List<string[]>();
        while (csv.Read()) rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray());
        return (header, rows);
    }

    /// <summary>The first sheet's rows as header → value.</summary>
    public static List<IDictionary<string, object?>> ReadXlsx(byte[] bytes) =>
        MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();

    public static async Task<byte[]> DownloadAsync(this IPage page, ILocator link)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = await download.PathAsync();
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>A demo location of <paramref name="regionCode"/> (the demo data covers every region).</summary>
    public static async Task<Supply.Domain.Catalog.Location> LocationInAsync(this DashboardServer server, string regionCode)
    {
        var book = await server.Services.GetRequiredService<CatalogCache>().GetAsync();
        return book.Locations.Values.Where(l => l.RegionCode == regionCode).OrderBy(l => l.Id, StringComparer.Ordinal).First();
    }
}
