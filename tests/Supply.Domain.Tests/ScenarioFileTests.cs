using System.Text.Json;
using Supply.Domain.Catalog;
using Supply.Domain.Scenarios;

namespace Supply.Domain.Tests;

/// <summary>Scenario and profile files: YAML and JSON read alike; every mistake is named by its path and line.</summary>
public class ScenarioFileTests
{
    private const string Minimal = """
        id: small
        name: Small incident
        start: 2025-03-14
        horizon_days: 3
        reserve_days: 7
        profiles: [major-trauma]
        regions:
          - region: 01
            casualties: {T1: 2, T3: 4}
        """;

    private static DomainValidationException Refused(string text) => Assert.Throws<DomainValidationException>(() => ScenarioFile.Parse(text));

    private static void AssertRefused(string text, params string[] fields)
    {
        var ex = Refused(text);
        Assert.Equal(fields, ex.Violations.Select(v => v.Field));
        Assert.All(ex.Violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
    }

    [Fact]
    public void A_minimal_scenario_names_a_library_profile_and_gets_the_default_lead_times()
    {
        var doc = ScenarioFile.Parse(Minimal);
        var s = doc.Scenario;
        Assert.Equal(("small", "Small incident", "", new DateOnly(2025, 3, 14), 3, 7.0), (s.Id, s.Name, s.Description, s.Start, s.HorizonDays, s.ReserveDays));
        Assert.Equal(LeadTimes.Default, s.LeadTimes);
        Assert.Same(ProfileLibrary.BuiltIn["major-trauma"], Assert.Single(s.Profiles));
        var region = Assert.Single(s.Regions);
        Assert.Equal("01", region.RegionCode); // written unquoted: still "01", not the number 1
        Assert.Equal([new CasualtyGroup("T1", 2), new CasualtyGroup("T3", 4)], region.Casualties);
        Assert.False(doc.HasData);
    }

    [Fact]
    public void JSON_with_the_same_fields_reads_the_same_even_indented_with_tabs()
    {
        var json = "{\n\t\"id\": \"small\",\n\t\"name\": \"Small incident\",\n\t\"start\": \"2025-03-14\",\n\t\"horizon_days\": 3,\n"
                   + "\t\"reserve_days\": 7,\n\t\"profiles\": [\"major-trauma\"],\n"
                   + "\t\"regions\": [{\"region\": \"01\", \"casualties\": {\"T1\": 2, \"T3\": 4}}]\n}";
        Assert.Equal(JsonSerializer.Serialize(ScenarioFile.Parse(Minimal).ToInput()), JsonSerializer.Serialize(ScenarioFile.Parse(json).ToInput()));
    }

    [Fact]
    public void Every_field_of_the_format_is_read()
    {
        var doc = ScenarioFile.Parse("""
            id: full
            name: Full
            description: all fields
            start: 2025-03-14
            horizon_days: 4
            reserve_days: 2.5
            lead_times: {own_region: 0, same_healthcare_region: 2, other_regions: 3, national_stockpile: 0, suppliers: 7}
            profiles:
              - id: inline
                name: Inline profile
                source: made up
                categories:
                  Burns:
                    - {group: dressings, per_casualty_per_day: 1.5, days: 2, note: why}
                    - {item: "ppe:ffp2", per_casualty_per_day: 3}
            regions:
              - {region: "13", arrival_day: 1, casualties: {Burns: 5}}
            delivery_reductions:
              - {item: "ppe:ffp2", from: 2025-03-14, to: 2025-03-15, factor: 0.25, supplier: sup-1}
              - {item: "ppe:ffp2", from: 2025-03-16, to: 2025-03-16, quantity: 40}
            items:
              - {id: "vnr:100001", group: dressings, name: Foam dressing}
            locations:
              - {id: halmstad, name: Halmstad, region: "13", kind: hospital, municipality: "1380"}
              - {id: sup-1, region: "01", kind: supplier, lead_time_days: 4}
            stock:
              - {location: halmstad, item: "vnr:100001", quantity: 12}
            ordinary_consumption:
              - {region: "13", item: "vnr:100001", per_day: 0.5}
            """);
        var s = doc.Scenario;
        Assert.Equal(new LeadTimes(0, 2, 3, 0, 7), s.LeadTimes);
        Assert.Equal(2.5, s.ReserveDays);
        var profile = Assert.Single(s.Profiles);
        Assert.Equal(("inline", "Inline profile", "made up"), (profile.Id, profile.Name, profile.Source));
        var burns = Assert.Single(profile.Categories);
        Assert.Equal("Burns", burns.Name);
        Assert.Equal([new ProfileUse(SupplyRef.Group("dressings"), 1.5, 2, "why"), new ProfileUse(SupplyRef.Item("ppe:ffp2"), 3)], burns.Uses);
        Assert.Equal(("13", 1), (s.Regions[0].RegionCode, s.Regions[0].ArrivalDay));
        Assert.Equal([new CasualtyGroup("Burns", 5)], s.Regions[0].Casualties);
        Assert.Equal([new DeliveryReduction("ppe:ffp2", new(2025, 3, 14), new(2025, 3, 15), 0.25, null, "sup-1"),
                      new DeliveryReduction("ppe:ffp2", new(2025, 3, 16), new(2025, 3, 16), null, 40)], doc.Reductions);
        Assert.Equal([new ScenarioItem("vnr:100001", "dressings")], doc.Items);
        Assert.Equal([new SourceLocation("halmstad", "13", "Södra", LocationKind.Hospital), new SourceLocation("sup-1", "01", "Stockholm-Gotland", LocationKind.Supplier, 4)],
            doc.Locations);
        Assert.Equal([new StockAvailable("halmstad", "vnr:100001", 12)], doc.Stock);
        Assert.Equal([new OrdinaryConsumption("13", "vnr:100001", 0.5)], doc.Ordinary);
        Assert.True(doc.HasData);
    }

    [Fact]
    public void Structural_mistakes_are_all_reported_with_their_path_and_line()
    {
        var ex = Refused("""
            id: small
            name: Small incident
            start: 14/03/2025
            horizon_day: 3
            reserve_days: seven
            profiles: [major-trauma, no-such-profile]
            regions:
              - region: "01"
                casualties: {T1: two}
            """);
        Assert.Equal(["horizon_day", "start", "horizon_days", "reserve_days", "profiles[1]", "regions[0].casualties.T1"],
            ex.Violations.Select(v => v.Field));
        Assert.Contains("line 4", ex.Violations[0].Description);
        Assert.Contains("'14/03/2025' is not a date yyyy-MM-dd (line 3", ex.Violations[1].Description);
        Assert.Contains("no profile 'no-such-profile' in the library (it has: burns, major-trauma, major-trauma-flow, respiratory-surge)", ex.Violations[4].Description);
        Assert.Contains("line 9", ex.Violations[5].Description);
    }

    [Fact]
    public void Rule_violations_found_after_reading_also_carry_their_line()
    {
        var ex = Refused(Minimal.Replace("T3: 4", "Burns: 4").Replace("horizon_days: 3", "horizon_days: 0"));
        Assert.Equal(["horizon_days", "regions[0].casualties.Burns"], ex.Violations.Select(v => v.Field));
        Assert.EndsWith("(line 4, column 15)", ex.Violations[0].Description);
        Assert.Contains("no profile of this scenario defines category 'Burns' (line 9", ex.Violations[1].Description);
    }

    [Fact] public void Wrong_shapes_are_named() => AssertRefused(Minimal.Replace("profiles: [major-trauma]", "profiles: major-trauma")
        .Replace("    casualties: {T1: 2, T3: 4}", "    casualties: [T1, T3]"), "profiles", "regions[0].casualties");

    [Fact] public void A_use_needs_exactly_one_of_item_and_group() => AssertRefused(Minimal.Replace("profiles: [major-trauma]",
        "profiles: [{id: p, name: P, categories: {T1: [{item: \"ppe:ffp2\", group: g, per_casualty_per_day: 1}], T3: [{per_casualty_per_day: 1}]}}]"),
        "profiles[0].categories.T1[0]", "profiles[0].categories.T3[0]");

    [Fact] public void Bad_item_ids_in_profiles_are_named() => AssertRefused(Minimal.Replace("profiles: [major-trauma]",
        "profiles: [{id: p, name: P, categories: {T1: [{item: \"abc:1\", per_casualty_per_day: 1}], T3: []}}]"),
        "profiles[0].categories.T1[0].item");

    [Fact] public void Two_profiles_may_not_define_the_same_category() => AssertRefused(Minimal.Replace("[major-trauma]", "[major-trauma, major-trauma]"),
        "profiles[1]", "profiles[1].categories.T1", "profiles[1].categories.T2", "profiles[1].categories.T3");

    [Fact] public void A_key_given_twice_is_named() => AssertRefused(Minimal + "\nhorizon_days: 4", "horizon_days");

    [Fact]
    public void Aliases_are_refused_so_a_small_file_cannot_expand_into_a_huge_one()
    {
        var ex = Refused(Minimal.Replace("casualties: {T1: 2, T3: 4}", "casualties: &c {T1: 2, T3: 4}") + "\n  - {region: \"03\", casualties: *c}");
        Assert.Equal("file", Assert.Single(ex.Violations).Field);
        Assert.Contains("aliases", ex.Violations[0].Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("id: a\n---\nid: b")]
    [InlineData("id: [unclosed")]
    [InlineData("{\"id\": \"a\"")]
    public void Files_that_are_not_one_mapping_are_refused_as_a_whole(string text)
    {
        var ex = Refused(text);
        Assert.Contains(ex.Violations, v => v.Field == "file");
    }

    [Fact]
    public void Inline_data_is_checked_with_the_same_field_names()
    {
        AssertRefused(Minimal + """

            locations:
              - {id: h, region: "01", kind: hospital}
              - {id: h2, region: "2", kind: hospital, lead_time_days: -1}
            stock:
              - {location: nowhere, item: "ppe:ffp2", quantity: -3}
            """,
            "locations[1].region", "locations[1].lead_time_days", "stock[0].location", "stock[0].quantity");
    }

    [Fact] public void Unknown_location_kinds_are_named() =>
        AssertRefused(Minimal + "\nlocations:\n  - {id: h, region: \"01\", kind: castle}", "locations[0].kind");

    [Fact]
    public void Profile_files_are_read_and_checked_on_their_own()
    {
        var p = ScenarioFile.ParseProfile("id: p\nname: P\ncategories:\n  T1:\n    - {group: g, per_casualty_per_day: 2}\n");
        Assert.Equal(new ProfileUse(SupplyRef.Group("g"), 2), Assert.Single(Assert.Single(p.Categories).Uses));
        var ex = Assert.Throws<DomainValidationException>(() =>
            ScenarioFile.ParseProfile("id: p\nname: P\ncategories:\n  T1:\n    - {group: g, per_casualty_per_day: 2, days: 0}\n"));
        Assert.Equal("categories.T1[0].days", Assert.Single(ex.Violations).Field);
        Assert.Contains("(line 5", ex.Violations[0].Description);
    }

    [Fact]
    public void The_library_ships_the_documented_profiles()
    {
        Assert.Equal(["burns", "major-trauma", "major-trauma-flow", "respiratory-surge"], ProfileLibrary.BuiltIn.Keys);
        Assert.Equal(["T1", "T2", "T3"], ProfileLibrary.BuiltIn["major-trauma"].Categories.Select(c => c.Name));
        Assert.Equal(["Burns"], ProfileLibrary.BuiltIn["burns"].Categories.Select(c => c.Name));
        Assert.Equal(["Ward", "ICU"], ProfileLibrary.BuiltIn["respiratory-surge"].Categories.Select(c => c.Name));
        Assert.Equal([(1, null), (2, null), (3, null)], ProfileLibrary.BuiltIn["major-trauma"].Categories.Select(c => (c.Priority, c.Flow)));
        Assert.Equal([new PatientFlow(10, 0.02, 0.5, 4), new PatientFlow(5, 0.005, 0.1, 2), new PatientFlow(1)],
            ProfileLibrary.BuiltIn["major-trauma-flow"].Categories.Select(c => c.Flow));
        Assert.All(ProfileLibrary.BuiltIn.Values, p => Assert.False(string.IsNullOrWhiteSpace(p.Source)));
    }
}
