using Orleans.Concurrency;
using Supply.Application.Readiness;
using Supply.Contracts.V1;
using Supply.Domain.Readiness;
using Supply.Grains.Aggregation;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;
using ComplianceLine = Supply.Domain.Readiness.ComplianceLine;
using ComplianceSummary = Supply.Domain.Readiness.ComplianceSummary;
using static Supply.Server.Tests.TestData;
using DomainCoverage = Supply.Domain.Coverage;

namespace Supply.Server.Tests;

/// <summary>
/// Issue 15: the compliance summaries (the map's compliance layer, the daily record) now take location-level target lines
/// summed in the region aggregates. On a real server, with location-kind, group and item targets and per-region overrides,
/// they equal the computation they replace: location coverage rows from the snapshot, held to their targets and summed.
/// </summary>
public sealed class ComplianceSummaryTests : IAsyncLifetime
{
    private const string PainGroup = "N02BE01-500mg-tab"; // Paracetamol's group; a second item joins it below
    private const string Alvedon = "vnr:654321";
    private SupplyServer _server = null!;
    private ReadinessQueries Readiness => _server.Services.GetRequiredService<ReadinessQueries>();

    public async Task InitializeAsync() => _server = await SupplyServer.StartAsync(null, "--Supply:Readiness:RecordEvery=00:00:00");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Summaries_from_the_region_aggregates_equal_the_location_row_rollup()
    {
        await _server.Catalog.RegisterItemsAsync(Items());
        await _server.Catalog.RegisterItemsAsync(new RegisterItemsRequest
        {
            Items = { new Item { Id = Alvedon, Name = "Alvedon 500 mg", Category = ItemCategory.Medicine, BaseUnit = "tablet", PackSize = 20, SubstitutionGroup = PainGroup } },
        });
        // Hospitals, pharmacies and municipal care in four regions; Halland's split between two healthcare regions.
        (string Id, string Region, LocationKind Kind, string Municipality)[] places =
        [
            ("se-01-h1", "01", LocationKind.Hospital, ""), ("se-01-p1", "01", LocationKind.Pharmacy, ""),
            ("se-12-h1", "12", LocationKind.Hospital, ""), ("se-12-h2", "12", LocationKind.Hospital, ""), ("se-12-m1", "12", LocationKind.MunicipalCare, ""),
            ("se-13-h1", "13", LocationKind.Hospital, "1380"), ("se-13-h2", "13", LocationKind.Hospital, "1382"), ("se-13-p1", "13", LocationKind.Pharmacy, ""),
            ("se-14-h1", "14", LocationKind.Hospital, ""),
        ];
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations = { places.Select(p => new Location { Id = p.Id, Name = p.Id, Kind = p.Kind, RegionCode = p.Region, MunicipalityCode = p.Municipality }) },
        });
        for (var i = 0; i < places.Length; i++)
            await _server.Reporting.SubmitReportAsync(Snapshot(places[i].Id, "s1", Now.AddHours(-1),
                Line(Paracetamol, 40 + 37 * i, adc: 1.3 + 0.7 * i), Line(Alvedon, 15 * i, adc: 0.1 * (i + 1)), Line(Morphine, 90 - 9 * i, adc: 2.2),
                Line(Ffp2, 500 * (i % 3), adc: 10.0 / 3), Line(Syringe, 100, adc: 0)));

        await Readiness.SetTargetsAsync(
        [
            new(ReadinessTargets.EveryGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 7, DomainCoverage.CoverageLevel.Location, Domain.Catalog.LocationKind.Hospital),
            new(PainGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 14, DomainCoverage.CoverageLevel.Location, Domain.Catalog.LocationKind.Hospital, "12"),
            new(ReadinessTargets.EveryGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 3, DomainCoverage.CoverageLevel.Location, Domain.Catalog.LocationKind.Pharmacy),
            new(Morphine, DomainCoverage.CoverageSubject.Item, 10, DomainCoverage.CoverageLevel.Location),
            new(Morphine, DomainCoverage.CoverageSubject.Item, 25, DomainCoverage.CoverageLevel.Location, RegionCode: "13"),
            new(ReadinessTargets.EveryGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 30, DomainCoverage.CoverageLevel.Region),
            new(PainGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 45, DomainCoverage.CoverageLevel.Region, RegionCode: "13"),
            new(Morphine, DomainCoverage.CoverageSubject.Item, 20, DomainCoverage.CoverageLevel.HealthcareRegion),
            new(ReadinessTargets.EveryGroup, DomainCoverage.CoverageSubject.SubstitutionGroup, 90, DomainCoverage.CoverageLevel.Nation),
        ], "issue 15 equality", "test");

        // 9 locations: each hospital 4 group lines + Morphine, each pharmacy 4 group lines + Morphine, municipal care Morphine only.
        await SettledAsync(expectedLocationLines: 6 * 5 + 2 * 5 + 1);
        await AssertSameAsBeforeAsync();

        // A new report at one hospital: its region answers afresh, the others reuse theirs.
        await _server.Reporting.SubmitReportAsync(Snapshot("se-12-h1", "s2", Now.AddMinutes(-30), Line(Paracetamol, 3, adc: 4.5), Line(Morphine, 1000, adc: 2.2)));
        await SettledAsync(null, ("se-12-h1", Morphine, 1000));
        await AssertSameAsBeforeAsync();

        // A hospital moves to region 01 and has not reported since: region 14 still holds it and answers it apart; it counts once, in 01.
        await _server.Catalog.RegisterLocationsAsync(new RegisterLocationsRequest
        {
            Locations = { new Location { Id = "se-14-h1", Name = "se-14-h1", Kind = LocationKind.Hospital, RegionCode = "01" } },
        });
        var book = await _server.Services.GetRequiredService<CatalogCache>().GetAsync();
        Assert.Equal("01", book.Locations["se-14-h1"].RegionCode);
        var request = LocationCompliance.Request(book.Version, book.Locations.Values, (await Readiness.TargetsAsync()).Targets);
        var region14 = await _server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRegionAggregateGrain>("14").GetComplianceParts(request.AsImmutable());
        Assert.Equal("se-14-h1", Assert.Single(region14.Value.Away).LocationId);
        await AssertSameAsBeforeAsync();
        // Region 01: its hospital's, its pharmacy's and the moved hospital's 5 lines each, and its own 4 group lines.
        Assert.Equal(19, (await Readiness.SummariesAsync(DomainCoverage.CoverageLevel.Region, ["01"], null, default)).Areas.Single().Lines);
    }

    /// <summary>Every region and the nation have stored and pushed what they hold, and the location lines are the ones expected.</summary>
    private async Task SettledAsync(int? expectedLocationLines, params (string Location, string Key, long Usable)[] figures)
    {
        var grains = _server.Services.GetRequiredService<IGrainFactory>();
        var settled = await Converge.UntilAsync(async () =>
        {
            await Task.WhenAll(Domain.Catalog.Regions.All.Select(r => grains.GetGrain<IRegionAggregateGrain>(r.Code).Flush()));
            await grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden).Flush();
            var lines = await LocationLinesBeforeAsync();
            return (lines.Count, figures.All(f => lines.Any(l => l.Line.Area == f.Location && l.Line.Key == f.Key && l.Line.UsableUnits == f.Usable)));
        }, x => (expectedLocationLines is null || x.Count == expectedLocationLines) && x.Item2);
        Assert.True((expectedLocationLines is null || settled.Count == expectedLocationLines) && settled.Item2, $"{settled.Count} location lines");
    }

    private async Task AssertSameAsBeforeAsync()
    {
        var levels = new[] { DomainCoverage.CoverageLevel.Region, DomainCoverage.CoverageLevel.HealthcareRegion, DomainCoverage.CoverageLevel.Nation };
        IReadOnlySet<string> pain = new HashSet<string>(StringComparer.Ordinal) { PainGroup, Paracetamol };
        foreach (var level in levels)
            foreach (var (regions, keys) in new (string[], IReadOnlySet<string>?)[] { ([], null), (["12"], null), (["13", "14"], pain), ([], pain) })
            {
                var (at, _, now) = await Readiness.SummariesAsync(level, regions, keys, default);
                var before = await SummariesBeforeAsync(level, regions, keys, DateOnly.FromDateTime(at.UtcDateTime));
                Assert.NotEmpty(before);
                Assert.Equal(before, now);
            }
        var recorded = await Readiness.RecordTodayAsync(default);
        var expected = new List<ComplianceSummary>();
        foreach (var level in Enumerable.Reverse(levels)) expected.AddRange(await SummariesBeforeAsync(level, [], null, recorded[0].Day));
        Assert.Equal(expected, recorded);
    }

    // ---- The computation replaced (ReadinessQueries before issue 15): every target level's coverage rows, location rows included.

    private async Task<IReadOnlyList<ComplianceSummary>> SummariesBeforeAsync(
        DomainCoverage.CoverageLevel level, IReadOnlyCollection<string> regions, IReadOnlySet<string>? keys, DateOnly day)
    {
        var lines = await LinesBeforeAsync();
        var kept = lines.Where(l => (regions.Count == 0 || Within(l.Line.Level, l.Place, l.Line.Area, regions)) && (keys is null || keys.Contains(l.Line.Key)));
        return Compliance.Summaries(kept, level, day);
    }

    private async Task<IReadOnlyList<(ComplianceLine Line, AreaPlace Place)>> LocationLinesBeforeAsync() =>
        (await LinesBeforeAsync()).Where(l => l.Line.Level == DomainCoverage.CoverageLevel.Location).ToList();

    private async Task<IReadOnlyList<(ComplianceLine Line, AreaPlace Place)>> LinesBeforeAsync()
    {
        var reader = _server.Services.GetRequiredService<AggregateReader>();
        var book = await _server.Services.GetRequiredService<CatalogCache>().GetAsync();
        var set = await Readiness.TargetsAsync();
        var lines = new List<(ComplianceLine, AreaPlace)>();
        foreach (var (level, subject) in set.Targets.Select(t => (t.Level, t.Subject)).Distinct().Order())
        {
            var (_, rows) = await reader.RowsAsync(new Application.CoverageQuery(level, subject == DomainCoverage.CoverageSubject.SubstitutionGroup), default);
            lines.AddRange(Compliance.Lines(rows, row => PlaceOf(book, row), set.Targets));
        }
        return lines;
    }

    private static AreaPlace? PlaceOf(Domain.Catalog.ICatalogView book, DomainCoverage.CoverageRow row) => row.Level switch
    {
        DomainCoverage.CoverageLevel.Location => book.TryGetLocation(row.Area, out var l)
            ? new AreaPlace(l.RegionCode, DomainCoverage.HealthcareRegions.Of(l), l.Kind) : null,
        DomainCoverage.CoverageLevel.Region => Domain.Catalog.Regions.IsRegionCode(row.Area)
            ? new AreaPlace(row.Area, DomainCoverage.HealthcareRegions.Of(row.Area, ""), Domain.Catalog.LocationKind.Unspecified) : null,
        DomainCoverage.CoverageLevel.HealthcareRegion => new AreaPlace("", row.Area, Domain.Catalog.LocationKind.Unspecified),
        _ => new AreaPlace("", "", Domain.Catalog.LocationKind.Unspecified),
    };

    private static bool Within(DomainCoverage.CoverageLevel level, AreaPlace place, string area, IReadOnlyCollection<string> regions) => level switch
    {
        DomainCoverage.CoverageLevel.Location or DomainCoverage.CoverageLevel.Region => regions.Contains(place.RegionCode),
        DomainCoverage.CoverageLevel.HealthcareRegion => regions.Any(r => DomainCoverage.HealthcareRegions.OfRegion(r).Contains(area)),
        _ => false,
    };
}
