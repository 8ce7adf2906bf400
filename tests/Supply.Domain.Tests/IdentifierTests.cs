using Supply.Domain.Catalog;

namespace Supply.Domain.Tests;

public class ItemIdTests
{
    [Theory]
    [InlineData("npl:12345678")]                 // 8 digits: shortest NPL
    [InlineData("npl:20100101000012")]
    [InlineData("npl:12345678901234567890")]     // 20 digits: longest NPL
    [InlineData("vnr:000000")]
    [InlineData("vnr:123456")]
    [InlineData("gtin:96385074")]                // GTIN-8
    [InlineData("gtin:036000291452")]            // GTIN-12 (UPC-A)
    [InlineData("gtin:4006381333931")]           // GTIN-13 (EAN)
    [InlineData("gtin:00012345600012")]          // GTIN-14
    [InlineData("ppe:ffp2")]
    [InlineData("ppe:gloves-nitrile-m")]
    [InlineData("ppe:x")]
    public void Accepts_well_formed_ids(string id)
    {
        Assert.True(ItemId.IsValid(id, out var why), why);
        Assert.Equal("", why);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("123456", "no scheme prefix")]
    [InlineData("atc:N02BE01", "unknown scheme 'atc'")]
    [InlineData("NPL:12345678", "unknown scheme 'NPL'")]         // schemes are lower case
    [InlineData(":123456", "unknown scheme ''")]
    [InlineData("npl:1234567", "npl: must be followed by 8-20 digits")]
    [InlineData("npl:123456789012345678901", "npl: must be followed by 8-20 digits")]
    [InlineData("npl:1234567a", "npl: must be followed by 8-20 digits")]
    [InlineData("npl: 12345678", "npl: must be followed by 8-20 digits")]
    [InlineData("npl:１２３４５６７８", "npl: must be followed by 8-20 digits")] // full-width digits are not ASCII digits
    [InlineData("vnr:12345", "vnr: must be followed by exactly 6 digits")]
    [InlineData("vnr:1234567", "vnr: must be followed by exactly 6 digits")]
    [InlineData("vnr:12345x", "vnr: must be followed by exactly 6 digits")]
    [InlineData("gtin:96385075", "valid GS1 check digit")]       // wrong check digit
    [InlineData("gtin:4006381333932", "valid GS1 check digit")]
    [InlineData("gtin:4006381333", "valid GS1 check digit")]     // 10 digits: not a GTIN length
    [InlineData("gtin:400638133393", "valid GS1 check digit")]   // 12 digits but the EAN body's check digit is wrong
    [InlineData("gtin:40063813339310", "valid GS1 check digit")]
    [InlineData("ppe:", "ppe: must be followed by a lower-case class name")]
    [InlineData("ppe:FFP2", "ppe: must be followed by a lower-case class name")]
    [InlineData("ppe:ffp_2", "ppe: must be followed by a lower-case class name")]
    [InlineData("ppe:ffp 2", "ppe: must be followed by a lower-case class name")]
    [InlineData("ppe:åsa", "ppe: must be followed by a lower-case class name")]
    public void Refuses_malformed_ids_with_a_reason(string? id, string reason)
    {
        Assert.False(ItemId.IsValid(id, out var why));
        Assert.Contains(reason, why);
    }

    [Fact]
    public void Refuses_ids_longer_than_64_characters()
    {
        var ppe = "ppe:" + new string('a', 40);
        Assert.True(ItemId.IsValid(ppe, out _));
        var tooLong = "npl:" + new string('1', 61);
        Assert.False(ItemId.IsValid(tooLong, out var why));
        Assert.Equal("is longer than 64 characters", why);
        Assert.False(ItemId.IsValid("ppe:" + new string('a', 41), out _));
    }

    [Theory]
    [InlineData("400638133393", "4006381333931")]
    [InlineData("9638507", "96385074")]
    [InlineData("03600029145", "036000291452")]
    [InlineData("0001234560001", "00012345600012")]
    [InlineData("1234567", "12345670")]              // sum is a multiple of ten: check digit 0
    [InlineData("9999999999999", "99999999999997")]
    public void WithCheckDigit_appends_the_GS1_check_digit(string body, string expected)
    {
        Assert.Equal(expected, ItemId.WithCheckDigit(body));
        Assert.True(ItemId.GtinCheckDigitOk(expected));
    }

    [Theory]
    [InlineData("1234567")]
    [InlineData("73500012345")]
    [InlineData("735000123456")]
    [InlineData("7350001234567")]
    public void Exactly_one_check_digit_is_valid_for_each_body(string body)
    {
        var good = ItemId.WithCheckDigit(body);
        Assert.Equal(body.Length + 1, good.Length);
        Assert.True(ItemId.IsValid("gtin:" + good, out var why), why);
        for (var d = '0'; d <= '9'; d++)
        {
            var candidate = body + d;
            Assert.Equal(candidate == good, ItemId.GtinCheckDigitOk(candidate));
        }
    }

    [Fact]
    public void A_single_changed_digit_breaks_the_check_digit()
    {
        var good = ItemId.WithCheckDigit("735000123456");
        for (var i = 0; i < good.Length - 1; i++)
        {
            var chars = good.ToCharArray();
            chars[i] = (char)('0' + (chars[i] - '0' + 1) % 10);
            Assert.False(ItemId.GtinCheckDigitOk(new string(chars)), $"changed digit {i}");
        }
    }
}

public class LocationIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("se-13.hallands-sjukhus_halmstad:lager-1")]
    [InlineData("SE01:KAROLINSKA")]
    public void Accepts_letters_digits_and_separators(string id) => Assert.True(LocationId.IsValid(id, out _));

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("-warehouse", "must start with a letter or digit")]
    [InlineData(".hidden", "must start with a letter or digit")]
    [InlineData("ward 7", "must start with a letter or digit")]
    [InlineData("lager/1", "must start with a letter or digit")]
    [InlineData("växjö", "must start with a letter or digit")]
    public void Refuses_other_characters(string? id, string reason)
    {
        Assert.False(LocationId.IsValid(id, out var why));
        Assert.Contains(reason, why);
    }

    [Fact]
    public void Refuses_ids_longer_than_100_characters()
    {
        Assert.True(LocationId.IsValid(new string('a', 100), out _));
        Assert.False(LocationId.IsValid(new string('a', 101), out var why));
        Assert.Equal("is longer than 100 characters", why);
    }
}

public class RegionTests
{
    public static readonly string[] Codes =
        ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

    [Fact]
    public void There_are_exactly_the_21_county_codes()
    {
        Assert.Equal(Codes, Regions.All.Select(r => r.Code).Order(StringComparer.Ordinal));
        Assert.All(Codes, c => Assert.True(Regions.IsRegionCode(c), c));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("02")]   // no longer used
    [InlineData("11")]   // merged into Skåne
    [InlineData("15")]   // merged into Västra Götaland
    [InlineData("16")]
    [InlineData("26")]
    [InlineData("1")]
    [InlineData("013")]
    [InlineData(" 13")]
    public void Other_codes_are_not_regions(string? code) => Assert.False(Regions.IsRegionCode(code));

    [Fact]
    public void Reference_data_is_loaded_with_healthcare_regions()
    {
        Assert.Equal("Region Stockholm", Regions.Get("01").Name);
        Assert.Equal(["Stockholm-Gotland"], Regions.Get("09").HealthcareRegions);
        Assert.Equal(["Södra", "Västra"], Regions.Get("13").HealthcareRegions);
        Assert.All(Regions.All, r => Assert.True(r.Population > 0, r.Code));
        Assert.All(Regions.All, r => Assert.NotEmpty(r.HealthcareRegions));
        Assert.Throws<KeyNotFoundException>(() => Regions.Get("02"));
    }
}
