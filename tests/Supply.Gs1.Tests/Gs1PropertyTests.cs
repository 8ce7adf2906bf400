using CsCheck;
using Supply.Gs1;

namespace Supply.Gs1.Tests;

/// <summary>Round trips over generated packs: what the writer writes, the parser reads back, in every form.</summary>
public class Gs1PropertyTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static readonly Gen<string> GtinGen =
        Gen.Char['0', '9'].Array[13].Select(body => new string(body) + Gtin.CheckDigit(body));

    // Character set 82 without '(' (the human-readable form cannot carry it unambiguously).
    private static readonly char[] Cset82 = Enumerable.Range('!', 'z' - '!' + 1).Select(c => (char)c)
        .Where(c => c is not ('#' or '$' or '@' or '[' or '\\' or ']' or '^' or '`' or '(')).ToArray();

    private static readonly Gen<string?> TextGen = Gen.OneOf(
        Gen.Const((string?)null), Gen.Int[1, 20].SelectMany(n => Gen.Int[0, Cset82.Length - 1].Select(i => Cset82[i]).Array[n]).Select(a => (string?)new string(a)));

    // The sliding window around 2026 covers 1977-2076.
    private static readonly Gen<DateOnly?> DateGen = Gen.OneOf(
        Gen.Const((DateOnly?)null), Gen.Int[0, 365 * 99].Select(d => (DateOnly?)new DateOnly(1977, 1, 1).AddDays(d)));

    private static readonly Gen<Gs1Data> DataGen =
        Gen.Select(GtinGen, TextGen, DateGen, TextGen, (g, b, e, s) => new Gs1Data(g, b, e, s));

    [Fact]
    public void Element_strings_round_trip_with_and_without_separators_prefix_and_parentheses() =>
        DataGen.Sample(d =>
        {
            Assert.Equal(d, Gs1Parser.Parse(Gs1Writer.ElementString(d), Today));
            Assert.Equal(d, Gs1Parser.Parse(Gs1Writer.ElementString(d, symbologyPrefix: "]d2\u001d"), Today));
            Assert.Equal(d, Gs1Parser.Parse(Gs1Writer.ElementString(d, parentheses: true), Today));
        }, iter: 2000);

    [Fact]
    public void Digital_link_uris_round_trip() =>
        DataGen.Sample(d => Assert.Equal(d, Gs1Parser.Parse(Gs1Writer.DigitalLinkUri(d), Today)), iter: 2000);

    [Fact]
    public void Any_single_wrong_gtin_digit_is_refused_at_the_check_digit() =>
        Gen.Select(GtinGen, Gen.Int[0, 13], Gen.Int[1, 9]).Sample((gtin, i, delta) =>
        {
            var wrong = gtin.ToCharArray();
            wrong[i] = (char)('0' + (wrong[i] - '0' + delta) % 10);
            var payload = "]d201" + new string(wrong);
            // Mod 10 with weights 3 and 1 catches every single-digit error.
            Assert.False(Gs1Parser.TryParse(payload, out _, out var error, Today));
            Assert.Equal(3 + 2 + 13, error!.Position);
        }, iter: 1000);

    [Fact]
    public void Parsing_never_throws_on_arbitrary_text() =>
        Gen.String[Gen.Char[(char)0, (char)127], 0, 60].Sample(s =>
        {
            if (Gs1Parser.TryParse(s, out _, out var error)) return;
            Assert.InRange(error!.Position, 0, s.Length);
        }, iter: 5000);
}
