using Grpc.Net.Client;
using Supply.Contracts.V1;
using CoverageClient = Supply.Contracts.V1.Coverage.CoverageClient;

namespace Supply.Server.Tests;

/// <summary>The situation workbook's cells against the RPCs' answers (shared by the REST and the CLI test).</summary>
internal static class SituationChecks
{
    /// <param name="sheets">Sheet names in order: cover, nation, healthcare regions, regions, shortfalls, by region, locations.</param>
    public static async Task AgainstRpcsAsync(byte[] xlsx, GrpcChannel channel, IReadOnlyList<string> sheets, string who)
    {
        var coverage = new CoverageClient(channel);
        var cover = ExportFiles.Sheet(xlsx, sheets[0]);
        Assert.Contains(cover, r => Equals(r.Values.Last(), who));

        var levels = new[] { (sheets[1], CoverageLevel.Nation), (sheets[2], CoverageLevel.HealthcareRegion), (sheets[3], CoverageLevel.Region) };
        foreach (var (sheet, level) in levels)
        {
            var rows = ExportFiles.Sheet(xlsx, sheet);
            var rpc = await coverage.GetCoverageAsync(new GetCoverageRequest { Level = level, ByGroup = true });
            Assert.NotEmpty(rpc.Rows);
            Assert.Equal(rpc.Rows.Count, rows.Count);
            // Columns by position (headers are in the workbook's language): 1 area, 4 key, 6 usable.
            var usable = rows.ToDictionary(r => ((string)r.Values.ElementAt(1)!, (string)r.Values.ElementAt(4)!), r => r.Values.ElementAt(6));
            foreach (var row in rpc.Rows) Assert.Equal((double)row.Usable, usable[(row.Area, row.Key)]);
        }

        var shortfalls = await coverage.ListShortfallsAsync(new ListShortfallsRequest
        {
            ThresholdDays = 14,
            Level = CoverageLevel.Region,
            ByGroup = true,
            Limit = global::Supply.Exports.SituationReport.ShortfallLimit,
        });
        var shortfallRows = ExportFiles.Sheet(xlsx, sheets[4]);
        Assert.Equal(shortfalls.Shortfalls.Select(s => (s.Row.Area, s.Row.Key)),
            shortfallRows.Where(r => r.Values.ElementAt(1) is not null).Select(r => ((string)r.Values.ElementAt(1)!, (string)r.Values.ElementAt(4)!)));

        var stale = await coverage.ListStaleLocationsAsync(new ListStaleLocationsRequest());
        var byRegion = ExportFiles.Sheet(xlsx, sheets[5]).Where(r => r.Values.First() is not null).ToList();
        Assert.Equal(stale.Locations.GroupBy(l => l.RegionCode).ToDictionary(g => g.Key, g => (double)g.Count()),
            byRegion.ToDictionary(r => (string)r.Values.First()!, r => (double)r.Values.ElementAt(2)!));
        var locations = ExportFiles.Sheet(xlsx, sheets[6]).Where(r => r.Values.First() is not null).ToList();
        Assert.Equal(stale.Locations.Select(l => l.LocationId).Order(), locations.Select(r => (string)r.Values.ElementAt(2)!).Order());
    }
}
