using Supply.Gs1;

namespace Supply.Gs1.Tests;

public class Gs1ParserTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);
    private const char GS = Gs1Parser.GroupSeparator;
    // A GTIN-14 with a valid check digit (GS1's own example number).
    private const string Gtin14 = "09506000134352";

    [Theory]
    [InlineData("]d2" + "01" + Gtin14 + "17281130" + "10ABC-123")]
    [InlineData("01" + Gtin14 + "17281130" + "10ABC-123")]
    [InlineData("\u001d01" + Gtin14 + "10ABC-123\u001d17281130")]
    [InlineData("(01)" + Gtin14 + "(17)281130(10)ABC-123")]
    [InlineData("(01)" + Gtin14 + "(10)ABC-123(17)281100")]
    [InlineData("https://id.gs1.org/01/" + Gtin14 + "/10/ABC-123?17=281130")]
    [InlineData("https://example.se/products/01/9506000134352/10/ABC%2D123?17=281130&linkType=gs1:pip")]
    public void Every_form_of_the_same_pack_reads_the_same(string payload)
    {
        var data = Gs1Parser.Parse(payload, Today);

        Assert.Equal(new Gs1Data(Gtin14, "ABC-123", new DateOnly(2028, 11, 30), null), data);
        Assert.Equal("gtin:" + Gtin14, data.ItemId);
    }

    [Fact]
    public void Variable_length_values_end_at_the_group_separator_and_serials_are_read()
    {
        var data = Gs1Parser.Parse($"01{Gtin14}21SER1{GS}10LOT7{GS}17270215", Today);

        Assert.Equal(("SER1", "LOT7", new DateOnly(2027, 2, 15)), (data.Serial, data.Batch, data.Expiry));
    }

    [Fact]
    public void Day_00_means_the_last_day_of_the_month_also_in_a_leap_year()
    {
        Assert.Equal(new DateOnly(2028, 2, 29), Gs1Parser.Parse($"01{Gtin14}17280200", Today).Expiry);
        Assert.Equal(new DateOnly(2027, 2, 28), Gs1Parser.Parse($"01{Gtin14}17270200", Today).Expiry);
    }

    [Theory]
    [InlineData("95", 1995)] // more than 50 years ahead of 2026: last century
    [InlineData("76", 2076)] // exactly 50 ahead
    [InlineData("77", 1977)] // 49 back
    [InlineData("26", 2026)]
    public void Two_digit_years_follow_the_sliding_window(string yy, int year) =>
        Assert.Equal(year, Gs1Parser.Parse($"01{Gtin14}17{yy}0101", Today).Expiry!.Value.Year);

    [Theory]
    // The position is the 0-based index of the character at fault.
    [InlineData("01" + "09506000134353" + "10A", 15, "check digit")]
    [InlineData("]d2" + "01" + "09506000134353", 18, "check digit")]
    [InlineData("(01)09506000134353", 17, "check digit")]
    [InlineData("01" + Gtin14 + "17281330", 20, "month 13")]
    [InlineData("01" + Gtin14 + "17270230", 22, "day 30")]
    [InlineData("01" + Gtin14 + "1728A130", 20, "digits only")]
    [InlineData("01" + Gtin14 + "99XYZ", 16, "no application identifier")]
    [InlineData("01" + "0950600013", 12, "needs 14")]
    [InlineData("01" + Gtin14 + "10ABC DEF", 21, "character set")]
    [InlineData("01" + Gtin14 + "10" + "123456789012345678901", 38, "at most 20")]
    [InlineData("https://id.gs1.org/01/09506000134353/10/A", 35, "check digit")]
    [InlineData("https://id.gs1.org/01/9506000134353", 34, "check digit")]
    [InlineData("https://id.gs1.org/01/" + Gtin14 + "?17=281301", 42, "month 13")]
    [InlineData("https://id.gs1.org/products/123", 18, "/01/")]
    [InlineData("]X9" + "01" + Gtin14, 0, "symbology")]
    [InlineData("", 0, "empty")]
    public void Bad_payloads_are_refused_with_the_position_at_fault(string payload, int position, string because)
    {
        Assert.False(Gs1Parser.TryParse(payload, out _, out var error, Today));
        Assert.Equal(position, error!.Position);
        Assert.Contains(because, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_value_given_twice_differently_is_refused()
    {
        Assert.False(Gs1Parser.TryParse($"01{Gtin14}10A{GS}10B", out _, out var error, Today));
        Assert.Contains("twice", error!.Message);
    }

    [Fact]
    public void Known_identifiers_Supply_does_not_use_are_read_past()
    {
        // 21 then 714 (a national reimbursement number) as some countries' packs carry.
        var data = Gs1Parser.Parse($"01{Gtin14}21XYZ{GS}714ABC12{GS}10L1", Today);
        Assert.Equal(("XYZ", "L1"), (data.Serial, data.Batch));
    }

    [Fact]
    public void Looks_like_payload_tells_scans_from_plain_codes()
    {
        Assert.True(Gs1Parser.LooksLikePayload("(01)" + Gtin14));
        Assert.True(Gs1Parser.LooksLikePayload("]d201" + Gtin14));
        Assert.True(Gs1Parser.LooksLikePayload("https://id.gs1.org/01/" + Gtin14));
        Assert.False(Gs1Parser.LooksLikePayload(Gtin14));
    }
}
