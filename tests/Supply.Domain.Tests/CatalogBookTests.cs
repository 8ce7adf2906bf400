using System.Text.Json;
using Supply.Domain.Catalog;
using static Supply.Domain.Tests.TestData;

namespace Supply.Domain.Tests;

public class ItemValidationTests
{
    private static List<string> Fields(Item item)
    {
        var v = new Violations();
        Supply.Domain.Catalog.Item.Validate(item, "items[3]", v);
        return v.Items.Select(x => x.Field).ToList();
    }

    [Fact]
    public void A_complete_item_has_no_violations() => Assert.Empty(Fields(Item(Vnr)));

    [Fact]
    public void Defaults_left_open_by_the_contract_are_allowed() =>
        Assert.Empty(Fields(Item(Vnr, packSize: 0, criticality: Criticality.Unspecified, group: "")));

    public static TheoryData<Item, string> BadItems => new()
    {
        { Item("vnr:12345"), "items[3].id" },
        { Item("12345678"), "items[3].id" },
        { Item(Vnr, name: ""), "items[3].name" },
        { Item(Vnr, name: "   "), "items[3].name" },
        { Item(Vnr, name: new string('x', 201)), "items[3].name" },
        { Item(Vnr, category: ItemCategory.Unspecified), "items[3].category" },
        { Item(Vnr, category: (ItemCategory)9), "items[3].category" },
        { Item(Vnr, baseUnit: ""), "items[3].base_unit" },
        { Item(Vnr, baseUnit: "per pack"), "items[3].base_unit" },
        { Item(Vnr, baseUnit: new string('u', 33)), "items[3].base_unit" },
        { Item(Vnr, packSize: -1), "items[3].pack_size" },
        { Item(Vnr, group: "pain relief"), "items[3].substitution_group" },
        { Item(Vnr, group: new string('g', 65)), "items[3].substitution_group" },
        { Item(Vnr, criticality: (Criticality)7), "items[3].criticality" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public void Each_bad_field_is_named(Item item, string field) => Assert.Equal([field], Fields(item));

    [Fact]
    public void Boundary_lengths_are_accepted() =>
        Assert.Empty(Fields(Item(Vnr, name: new string('x', 200), baseUnit: new string('u', 32), group: new string('g', 64))));

    [Fact]
    public void Normalising_fills_defaults_and_trims_the_name()
    {
        var n = Item(Vnr, name: "  Paracetamol  ", packSize: 0, criticality: Criticality.Unspecified).Normalised();
        Assert.Equal("Paracetamol", n.Name);
        Assert.Equal(1, n.PackSize);
        Assert.Equal(Criticality.Standard, n.Criticality);

        var kept = Item(Vnr, packSize: 20, criticality: Criticality.LifeSaving).Normalised();
        Assert.Equal(20, kept.PackSize);
        Assert.Equal(Criticality.LifeSaving, kept.Criticality);
    }
}

public class LocationValidationTests
{
    private static List<string> Fields(Location location)
    {
        var v = new Violations();
        Supply.Domain.Catalog.Location.Validate(location, "locations[0]", v);
        return v.Items.Select(x => x.Field).ToList();
    }

    [Theory]
    [InlineData("13", "")]
    [InlineData("13", "1380")]
    [InlineData("01", "0180")]
    [InlineData("25", "2580")]
    public void Valid_locations_have_no_violations(string region, string municipality) =>
        Assert.Empty(Fields(Location(Loc, region: region, municipality: municipality)));

    public static TheoryData<Location, string> BadLocations => new()
    {
        { Location("-bad"), "locations[0].id" },
        { Location(""), "locations[0].id" },
        { Location(Loc, name: " "), "locations[0].name" },
        { Location(Loc, name: new string('n', 201)), "locations[0].name" },
        { Location(Loc, kind: LocationKind.Unspecified), "locations[0].kind" },
        { Location(Loc, kind: (LocationKind)42), "locations[0].kind" },
        { Location(Loc, region: "02"), "locations[0].region_code" },
        { Location(Loc, region: ""), "locations[0].region_code" },
        { Location(Loc, region: "13", municipality: "0180"), "locations[0].municipality_code" },  // not in region 13
        { Location(Loc, region: "13", municipality: "138"), "locations[0].municipality_code" },
        { Location(Loc, region: "13", municipality: "13800"), "locations[0].municipality_code" },
        { Location(Loc, region: "13", municipality: "13a0"), "locations[0].municipality_code" },
    };

    [Theory]
    [MemberData(nameof(BadLocations))]
    public void Each_bad_field_is_named(Location location, string field) => Assert.Equal([field], Fields(location));

    [Fact]
    public void Municipality_is_not_judged_when_the_region_is_already_wrong() =>
        Assert.Equal(["locations[0].region_code"], Fields(Location(Loc, region: "99", municipality: "x")));

    [Fact]
    public void Normalising_trims_the_name() =>
        Assert.Equal("Karolinska", Location(Loc, name: "\tKarolinska ").Normalised().Name);
}

public class CatalogBookTests
{
    [Fact]
    public void Registering_new_items_creates_them_and_bumps_the_version_once()
    {
        var book = new CatalogBook();
        var result = book.RegisterItems([Item(Vnr), Item(Npl), Item(Ppe, category: ItemCategory.Ppe)]);
        Assert.Equal(new RegisterResult(3, 0, 0, 1), result);
        Assert.Equal(1, book.Version);
        Assert.Equal(3, book.Items.Count);
        Assert.True(book.TryGetItem(Npl, out var npl));
        Assert.Equal(Npl, npl.Id);
        Assert.False(book.TryGetItem(UnregisteredItem, out _));
    }

    [Fact]
    public void Registration_stores_the_normalised_entry()
    {
        var book = new CatalogBook();
        book.RegisterItems([Item(Vnr, name: " Paracetamol ", packSize: 0, criticality: Criticality.Unspecified)]);
        Assert.Equal(Item(Vnr, name: "Paracetamol", packSize: 1, criticality: Criticality.Standard), book.Items[Vnr]);
    }

    [Fact]
    public void Upsert_counts_created_updated_and_unchanged()
    {
        var book = new CatalogBook();
        book.RegisterItems([Item(Vnr, name: "A"), Item(Npl, name: "B")]);

        var result = book.RegisterItems([
            Item(Vnr, name: "A"),                 // unchanged
            Item(Npl, name: "B renamed"),         // updated
            Item(Ppe, category: ItemCategory.Ppe) // created
        ]);

        Assert.Equal(new RegisterResult(1, 1, 1, 2), result);
        Assert.Equal("B renamed", book.Items[Npl].Name);
        Assert.Equal(3, book.Items.Count);
    }

    [Fact]
    public void An_entry_equal_after_normalising_is_unchanged_and_does_not_bump_the_version()
    {
        var book = new CatalogBook();
        book.RegisterItems([Item(Vnr, name: "Paracetamol", packSize: 1, criticality: Criticality.Standard)]);
        var result = book.RegisterItems([Item(Vnr, name: "  Paracetamol ", packSize: 0, criticality: Criticality.Unspecified)]);
        Assert.Equal(new RegisterResult(0, 0, 1, 1), result);
        Assert.Equal(1, book.Version);
    }

    [Fact]
    public void Versions_grow_by_one_per_effective_request_and_are_shared_by_items_and_locations()
    {
        var book = new CatalogBook();
        Assert.Equal(1, book.RegisterItems([Item(Vnr)]).Version);
        Assert.Equal(2, book.RegisterLocations([Location(Loc)]).Version);
        Assert.Equal(2, book.RegisterLocations([Location(Loc)]).Version);      // no change
        Assert.Equal(3, book.RegisterLocations([Location(Loc, name: "Renamed"), Location(OtherLoc, region: "01")]).Version);
        Assert.Equal(3, book.Version);
    }

    [Fact]
    public void One_bad_item_refuses_the_whole_request_and_changes_nothing()
    {
        var book = NewCatalog();
        var before = JsonSerializer.Serialize(book);

        var ex = Assert.Throws<DomainValidationException>(() => book.RegisterItems([
            Item("vnr:654321"),
            Item(Vnr, name: "Renamed"),
            Item("ppe:n95"),
            Item("gtin:4006381333932"),   // bad check digit
        ]));

        Assert.Equal(["items[3].id"], ex.Violations.Select(v => v.Field));
        Assert.Equal(before, JsonSerializer.Serialize(book));
        Assert.False(book.TryGetItem("vnr:654321", out _));
    }

    [Fact]
    public void All_violations_are_reported_with_their_index()
    {
        var book = new CatalogBook();
        var ex = Assert.Throws<DomainValidationException>(() => book.RegisterItems([
            Item(Vnr, name: ""),
            Item(Npl),
            Item(Ppe, packSize: -2, category: ItemCategory.Unspecified),
        ]));
        Assert.Equal(["items[0].name", "items[2].category", "items[2].pack_size"], ex.Violations.Select(v => v.Field));
        Assert.Empty(book.Items);
        Assert.Equal(0, book.Version);
    }

    [Fact]
    public void An_id_twice_in_one_request_is_refused_at_the_second_entry()
    {
        var book = new CatalogBook();
        var ex = Assert.Throws<DomainValidationException>(() => book.RegisterItems([Item(Vnr), Item(Npl), Item(Vnr, name: "Other")]));
        Assert.Equal(["items[2].id"], ex.Violations.Select(v => v.Field));
        Assert.Empty(book.Items);
    }

    [Fact]
    public void An_empty_request_is_refused()
    {
        var book = new CatalogBook();
        Assert.Equal(["items"], Assert.Throws<DomainValidationException>(() => book.RegisterItems([])).Violations.Select(v => v.Field));
        Assert.Equal(["locations"], Assert.Throws<DomainValidationException>(() => book.RegisterLocations([])).Violations.Select(v => v.Field));
        Assert.Equal(0, book.Version);
    }

    [Fact]
    public void One_bad_location_refuses_the_whole_request_and_changes_nothing()
    {
        var book = NewCatalog();
        var before = JsonSerializer.Serialize(book);
        var ex = Assert.Throws<DomainValidationException>(() => book.RegisterLocations([
            Location("se-12.skane"),
            Location(Loc, name: "Renamed"),
            Location("se-14.sahlgrenska", region: "14", municipality: "1380"),
        ]));
        Assert.Equal(["locations[2].municipality_code"], ex.Violations.Select(v => v.Field));
        Assert.Equal(before, JsonSerializer.Serialize(book));
    }

    [Fact]
    public void The_number_of_violations_is_capped()
    {
        var book = new CatalogBook();
        var bad = Enumerable.Range(0, 200).Select(i => Item($"vnr:{i}")).ToList();
        var ex = Assert.Throws<DomainValidationException>(() => book.RegisterItems(bad));
        Assert.InRange(ex.Violations.Count, 1, Limits.MaxViolations);
        Assert.Equal("items[0].id", ex.Violations[0].Field);
    }
}
