using System.Globalization;
using CsCheck;
using Supply.Domain.Stock;

namespace Supply.Domain.Tests;

/// <summary>The hand-written YYYY-MM-DD reader accepts exactly what the framework's exact parser accepts, with the same date.</summary>
public class DateParsingTests
{
    private static (bool, DateOnly) Framework(string s) =>
        (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d), d);

    private static (bool, DateOnly) Ours(string s) => (ReportValidator.TryParseDate(s, out var d), d);

    [Theory]
    [InlineData("2027-03-31")]
    [InlineData("2024-02-29")] // leap day
    [InlineData("2023-02-29")] // not a leap year
    [InlineData("1900-02-29")] // century, not a leap year
    [InlineData("2000-02-29")]
    [InlineData("0000-01-01")] // no year zero
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2027-13-01")]
    [InlineData("2027-00-10")]
    [InlineData("2027-04-31")]
    [InlineData("2027-04-00")]
    [InlineData("2027-4-01")]
    [InlineData("2027/04/01")]
    [InlineData(" 2027-04-01")]
    [InlineData("2027-04-01 ")]
    [InlineData("2027-04-01T00:00")]
    [InlineData("27-04-01")]
    [InlineData("２０２７-04-01")] // full-width digits
    [InlineData("202a-04-01")]
    [InlineData("")]
    public void Same_answer_as_the_framework(string s) => Assert.Equal(Framework(s), Ours(s));

    [Fact]
    public void Same_answer_for_any_ten_characters_of_digits_and_dashes() =>
        Gen.Char["0123456789-+ /"].Array[10].Select(c => new string(c))
            .Select(Gen.Int[1, 9999], Gen.Int[0, 13], Gen.Int[0, 32], (noise, y, m, d) => (noise, iso: $"{y:D4}-{m:D2}-{d:D2}"))
            .Sample(x => Framework(x.noise) == Ours(x.noise) && Framework(x.iso) == Ours(x.iso), iter: 20_000);
}
