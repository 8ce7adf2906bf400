using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Supply.Contracts.V1;
using Supply.Dashboard.Tests.Fixtures;
using Supply.Server.Security;
using static Microsoft.Playwright.Assertions;

namespace Supply.Dashboard.Tests;

/// <summary>
/// The trend and projection page (issue 15): consumption with a rising trend sent over gRPC, then the page's burn rates,
/// Holt trend, stock-out dates and days of supply checked against gRPC's GetProjection for the same item and region.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class TrendPageTests(DashboardFixture fixture)
{
    private const string Region = "17"; // Värmland: no other page test reports there
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    [Fact]
    public async Task The_page_shows_the_projection_GetProjection_answers_with_a_chart()
    {
        using var channel = fixture.Server.Channel();
        var item = (await new Catalog.CatalogClient(channel).ListItemsAsync(new ListItemsRequest())).Items.OrderBy(i => i.Id, StringComparer.Ordinal).First();
        var location = (await new Catalog.CatalogClient(channel).ListLocationsAsync(new ListLocationsRequest { RegionCode = Region })).Locations
            .OrderBy(l => l.Id, StringComparer.Ordinal).First();
        await SendRisingConsumptionAsync(channel, location.Id, item.Id);
        await fixture.Server.FlushAggregatesAsync();

        var coverage = new Coverage.CoverageClient(channel);
        var request = new GetProjectionRequest { Level = CoverageLevel.Region, Key = item.Id, RegionCodes = { Region } };
        var projection = (await coverage.GetProjectionAsync(request)).Projections.Single(p => p.Area == Region);
        Assert.True(projection.BurnRate7D.Observations > 0, "the consumed movements reached the region's history");

        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: $"/trend?level=region&area={Region}&subject={Uri.EscapeDataString("item:" + item.Id)}");
        var section = page.GetByTestId("projection");
        await Expect(section).ToBeVisibleAsync();
        // Read again after the page: the figures on the page are the RPC's (same aggregates, same day).
        projection = (await coverage.GetProjectionAsync(request)).Projections.Single(p => p.Area == Region);

        await Expect(section.GetByTestId("current")).ToHaveTextAsync(Rate(projection.Current.PerDay));
        await Expect(section.GetByTestId("trending")).ToHaveTextAsync(Rate(projection.Trending.PerDay));
        await Expect(section.GetByTestId("burn7")).ToHaveTextAsync(Rate(projection.BurnRate7D.PerDay));
        await Expect(section.GetByTestId("burn28")).ToHaveTextAsync(Rate(projection.BurnRate28D.PerDay));
        await Expect(section.GetByTestId("holt")).ToHaveTextAsync(Rate(projection.Trending.PerDay));
        await Expect(section.GetByTestId("trend-per-day")).ToHaveTextAsync(Rate(projection.TrendPerDay));
        await Expect(section.GetByTestId("usable")).ToHaveTextAsync(projection.Usable.ToString("N0", Swedish));
        await Expect(section.GetByTestId("burn7-basis")).ToContainTextAsync($"fönster 7 dagar; {projection.BurnRate7D.Observations} observationer");
        await Expect(section.GetByTestId("holt-basis")).ToContainTextAsync($"fönster 56 dagar; {projection.Trending.Observations} observationer");
        foreach (var (walk, name) in new[] { (projection.AtCurrent, "current"), (projection.AtTrend, "trend") })
        {
            await Expect(section.GetByTestId($"days-{name}")).ToHaveTextAsync(walk.DaysOfSupply.ToString("N0", Swedish));
            await Expect(section.GetByTestId($"stockout-{name}")).ToHaveTextAsync(walk.RunsOut ? walk.StockoutOn : $"inte inom {projection.HorizonDays.ToString("N0", Swedish)} dagar");
            await Expect(section.GetByTestId($"wasted-{name}")).ToHaveTextAsync(walk.WastedToExpiry.ToString("N0", Swedish));
        }
        var chart = page.GetByTestId("trend-chart");
        await Expect(chart.Locator("[data-series=current]")).ToHaveCountAsync(1);
        await Expect(chart.Locator("[data-series=trending]")).ToHaveCountAsync(1);
        await Expect(chart.Locator("[data-series=burn7]")).ToHaveCountAsync(1);
        await OverviewTests.SaveScreenshotAsync(page, "trend.png");
    }

    [Fact]
    public async Task An_unknown_key_is_named_and_a_regional_reader_cannot_read_another_region()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(returnUrl: "/trend?level=nation&subject=grp:NO-SUCH-GROUP");
        await Expect(page.GetByTestId("trend-error")).ToContainTextAsync("key");
        await Expect(page.GetByTestId("trend-error")).ToContainTextAsync("NO-SUCH-GROUP");
        await Expect(page.GetByTestId("projection")).ToHaveCountAsync(0);

        var reader = await fixture.NewPageAsync();
        await reader.SignInAsync(Roles.RegionalReader, "12", returnUrl: $"/trend?level=region&area={Region}&subject=grp:ANY");
        await Expect(reader.GetByTestId("trend-error")).ToBeVisibleAsync();
        await Expect(reader.GetByTestId("projection")).ToHaveCountAsync(0);
        // Nation and healthcare regions are not offered to a regional reader, and asking by URL is refused.
        await Expect(reader.GetByTestId("level").Locator("option[value=nation]")).ToHaveCountAsync(0);
        await reader.GotoAsync("/trend?level=nation&subject=grp:ANY");
        await reader.WaitForInteractiveAsync();
        await Expect(reader.GetByTestId("trend-error")).ToBeVisibleAsync();
    }

    private static string Rate(double perDay) => perDay.ToString("N2", Swedish);

    /// <summary>Consumed movements on each of the last 14 days, rising from 5 to 18 a day, then a snapshot now with stock and a rate.</summary>
    private static async Task SendRisingConsumptionAsync(Grpc.Net.Client.GrpcChannel channel, string location, string item)
    {
        var reporting = new StockReporting.StockReportingClient(channel);
        var now = DateTimeOffset.UtcNow;
        for (var daysAgo = 14; daysAgo >= 1; daysAgo--)
        {
            var report = new StockReport
            {
                ReportId = $"trend-{Guid.NewGuid():N}", LocationId = location, AsOf = Timestamp.FromDateTimeOffset(now.AddDays(-daysAgo)),
                Movements = new Movements { Lines = { new Movement { ItemId = item, Type = MovementType.Consumed, Quantity = 19 - daysAgo } } },
            };
            Assert.NotEqual(ReportOutcome.Rejected, (await reporting.SubmitReportAsync(report)).Outcome);
        }
        var snapshot = new StockReport
        {
            ReportId = $"trend-{Guid.NewGuid():N}", LocationId = location, AsOf = Timestamp.FromDateTimeOffset(now.AddMinutes(-1)),
            Snapshot = new Snapshot { Lines = { new SnapshotLine { ItemId = item, OnHand = 400, AverageDailyConsumption = 12 } } },
        };
        Assert.NotEqual(ReportOutcome.Rejected, (await reporting.SubmitReportAsync(snapshot)).Outcome);
    }
}
