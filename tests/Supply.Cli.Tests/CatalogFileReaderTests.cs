using Supply.Cli.Input;
using Supply.Domain.Catalog;

namespace Supply.Cli.Tests;

public class CatalogFileReaderTests
{
    private const string ItemsHeader = "id,name,category,base_unit,pack_size,substitution_group,criticality\n";

    [Fact]
    public void Reads_a_valid_items_csv()
    {
        var csv = ItemsHeader +
                  "npl:20010100000001,Alvedon 500 mg tablett,medicine,tablet,100,N02BE01-500mg-tablet,important\n" +
                  "gtin:7350001000114,\"Spruta 10 ml, Luer-lock\",equipment,piece,,,\n" +
                  "ppe:ffp2,Andningsskydd FFP2,PPE,piece,20,,Life_Saving\n";
        var result = CatalogFileReader.ParseItems(csv, FileFormat.Csv, "items.csv");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var items = result.Value!.Values;
        Assert.Equal(3, items.Count);
        Assert.Equal(new Item("npl:20010100000001", "Alvedon 500 mg tablett", ItemCategory.Medicine, "tablet", 100, "N02BE01-500mg-tablet", Criticality.Important), items[0]);
        Assert.Equal("Spruta 10 ml, Luer-lock", items[1].Name);
        Assert.Equal(0, items[1].PackSize);                     // empty: the server's default (1)
        Assert.Equal(Criticality.Unspecified, items[1].Criticality);
        Assert.Equal(Criticality.LifeSaving, items[2].Criticality);
        Assert.Equal([2, 3, 4], result.Value.Lines);
    }

    [Fact]
    public void Reads_a_valid_items_json_with_numbers_and_any_column_order()
    {
        var json = """
            [
              { "name": "Alvedon 500 mg tablett", "id": "npl:20010100000001", "category": "medicine",
                "base_unit": "tablet", "pack_size": 100, "criticality": "important" },
              { "id": "ppe:ffp2", "name": "Andningsskydd FFP2", "category": "ppe", "base_unit": "piece", "substitution_group": null }
            ]
            """;
        var result = CatalogFileReader.ParseItems(json, FileFormat.Json, "items.json");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(100, result.Value!.Values[0].PackSize);
        Assert.Equal([2, 4], result.Value.Lines);
    }

    [Theory]
    [InlineData("npl:20010100000001,Alvedon,medicin,tablet,100,,important", "category", "medicin")]
    [InlineData("npl:20010100000001,Alvedon,medicine,tablet,ten,,important", "pack_size", "ten")]
    [InlineData("npl:20010100000001,Alvedon,medicine,tablet,100,,vital", "criticality", "vital")]
    [InlineData("npl:123,Alvedon,medicine,tablet,100,,important", "id", "8-20 digits")]
    [InlineData("gtin:7350001000113,Spruta,equipment,piece,100,,", "id", "check digit")]
    [InlineData("alvedon,Alvedon,medicine,tablet,100,,important", "id", "scheme")]
    [InlineData("npl:20010100000001,,medicine,tablet,100,,important", "name", "required")]
    [InlineData("npl:20010100000001,Alvedon,medicine,,100,,important", "base_unit", "required")]
    [InlineData("npl:20010100000001,Alvedon,medicine,tablet,-5,,important", "pack_size", "negative")]
    [InlineData("npl:20010100000001,Alvedon,medicine,tablet,100,N02BE01 500mg,important", "substitution_group", "token")]
    public void A_bad_item_row_names_its_line_and_column(string row, string column, string messagePart)
    {
        var csv = ItemsHeader + "ppe:ffp2,Andningsskydd FFP2,ppe,piece,20,,essential\n" + row + "\n";
        var result = CatalogFileReader.ParseItems(csv, FileFormat.Csv, "items.csv");
        Assert.False(result.Ok);
        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"items.csv:3: {column}: ", error.ToString());
    }

    [Fact]
    public void Duplicate_ids_name_both_lines()
    {
        var csv = ItemsHeader + "ppe:ffp2,A,ppe,piece,,,\nppe:ffp3,B,ppe,piece,,,\nppe:ffp2,C,ppe,piece,,,\n";
        var error = Assert.Single(CatalogFileReader.ParseItems(csv, FileFormat.Csv, "items.csv").Errors);
        Assert.Equal((4, "id"), (error.Line, error.Column));
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void Header_problems_are_reported_on_line_1()
    {
        var missing = CatalogFileReader.ParseItems("id,name,base_unit\nppe:ffp2,A,piece\n", FileFormat.Csv, "items.csv");
        var e1 = Assert.Single(missing.Errors);
        Assert.Equal((1, "category"), (e1.Line, e1.Column));

        var unknown = CatalogFileReader.ParseItems("id,name,category,base_unit,colour\nppe:ffp2,A,ppe,piece,red\n", FileFormat.Csv, "items.csv");
        var e2 = Assert.Single(unknown.Errors);
        Assert.Equal((1, "colour"), (e2.Line, e2.Column));
    }

    [Fact]
    public void Too_many_fields_and_broken_quotes_name_the_line()
    {
        var extra = CatalogFileReader.ParseItems(ItemsHeader + "ppe:ffp2,A,ppe,piece,1,,essential,oops\n", FileFormat.Csv, "items.csv");
        Assert.Equal(2, Assert.Single(extra.Errors).Line);

        var quote = CatalogFileReader.ParseItems(ItemsHeader + "ppe:ffp2,A,ppe,piece,1,,essential\nppe:ffp3,\"B,ppe,piece\n", FileFormat.Csv, "items.csv");
        Assert.Equal(3, Assert.Single(quote.Errors).Line);
    }

    [Fact]
    public void Empty_files_are_refused()
    {
        Assert.False(CatalogFileReader.ParseItems("", FileFormat.Csv).Ok);
        Assert.False(CatalogFileReader.ParseItems(ItemsHeader, FileFormat.Csv).Ok);
        Assert.False(CatalogFileReader.ParseItems("[]", FileFormat.Json).Ok);
    }

    [Fact]
    public void Json_errors_name_lines()
    {
        var badValue = """
            [
              { "id": "ppe:ffp2", "name": "A", "category": "ppe", "base_unit": "piece" },
              { "id": "ppe:ffp3", "name": "B", "category": "gloves",
                "base_unit": "piece" }
            ]
            """;
        var e1 = Assert.Single(CatalogFileReader.ParseItems(badValue, FileFormat.Json, "items.json").Errors);
        Assert.Equal((3, "category"), (e1.Line, e1.Column));

        var unknownField = "[\n {\"id\": \"ppe:ffp2\", \"name\": \"A\", \"category\": \"ppe\", \"base_unit\": \"piece\",\n  \"size\": \"M\"}\n]";
        var e2 = Assert.Single(CatalogFileReader.ParseItems(unknownField, FileFormat.Json, "items.json").Errors);
        Assert.Equal((3, "size"), (e2.Line, e2.Column));

        var broken = "[\n {\"id\": \"ppe:ffp2\",\n  \"name\" \"A\"}\n]";
        var e3 = Assert.Single(CatalogFileReader.ParseItems(broken, FileFormat.Json, "items.json").Errors);
        Assert.Equal(3, e3.Line);
        Assert.Contains("JSON", e3.Message);

        var notArray = CatalogFileReader.ParseItems("{\"id\": \"ppe:ffp2\"}", FileFormat.Json, "items.json");
        Assert.Contains("array", Assert.Single(notArray.Errors).Message);
    }

    [Fact]
    public void Reads_locations_and_checks_region_and_municipality()
    {
        var csv = "id,name,kind,region_code,municipality_code\n" +
                  "se-01-hosp-karolinska,Karolinska Universitetssjukhuset,hospital,01,0184\n" +
                  "se-14-wh-regionlager,VGR regionlager,Regional Warehouse,14,\n" +
                  "se-03-care-x,Uppsala hemsjukvård,municipal-care,3,380\n";
        var ok = CatalogFileReader.ParseLocations(csv, FileFormat.Csv, "locations.csv");
        Assert.True(ok.Ok, string.Join("\n", ok.Errors));
        Assert.Equal(LocationKind.RegionalWarehouse, ok.Value!.Values[1].Kind);
        Assert.Equal(("03", "0380"), (ok.Value.Values[2].RegionCode, ok.Value.Values[2].MunicipalityCode));

        var bad = "id,name,kind,region_code,municipality_code\n" +
                  "se-01-hosp-karolinska,Karolinska,hospital,02,\n" +
                  "se-01-hosp-sos,Södersjukhuset,hospital,01,1480\n" +
                  "se-01-x,X,clinic,01,0180\n" +
                  "-bad id,X,hospital,01,0180\n";
        var errors = CatalogFileReader.ParseLocations(bad, FileFormat.Csv, "locations.csv").Errors;
        Assert.Equal(
            [(2, "region_code"), (3, "municipality_code"), (4, "kind"), (5, "id")],
            errors.Select(e => (e.Line, e.Column!)).ToList());
    }

    [Fact]
    public void Server_field_paths_map_to_file_lines()
    {
        Assert.Equal((7, "name"), CatalogFileReader.Locate("items[2].name", [2, 5, 7]));
        Assert.Equal((2, (string?)null), CatalogFileReader.Locate("locations[0]", [2]));
        Assert.Equal((0, (string?)null), CatalogFileReader.Locate("items", [2]));
    }
}
