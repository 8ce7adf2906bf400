using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Readiness;

namespace Supply.Grains.Tests;

/// <summary>A region aggregate on another silo gets the compliance request and returns its parts through the domain-type serializer.</summary>
public sealed class ComplianceSerializationTests
{
    [Fact]
    public void The_request_and_a_regions_answer_cross_silos_intact()
    {
        var request = new LocationComplianceRequest(42,
            [new(ReadinessTargets.EveryGroup, CoverageSubject.SubstitutionGroup, 7, CoverageLevel.Location, LocationKind.Hospital, "13")],
            new Dictionary<string, AreaPlace> { ["se-13-h1"] = new("13", "Södra|Västra", LocationKind.Hospital) });
        var back = DomainSerializer.RoundTrip<LocationComplianceRequest>(request);
        Assert.True(back.SameAs(request));
        Assert.Equal(request.Places, back.Places);

        CompliancePart part = new("13", "Södra", CoverageSubject.SubstitutionGroup, "J01", 105, 15, 2, 1);
        var answer = new RegionComplianceParts("14", ["se-14-h1"], [part], [new AwayLocationParts("se-13-h1", [part with { HealthcareRegion = "Västra" }])]);
        var copy = DomainSerializer.RoundTrip<RegionComplianceParts>(answer);
        Assert.Equal(answer.HomeLocationIds, copy.HomeLocationIds);
        Assert.Equal(answer.Home, copy.Home);
        Assert.Equal(answer.Away.Single().Parts, copy.Away.Single().Parts);
    }
}
