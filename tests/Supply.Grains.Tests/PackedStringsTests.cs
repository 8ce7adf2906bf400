namespace Supply.Grains.Tests;

/// <summary>String columns of stored states packed into one byte array (PackedStrings): what is read back is what was packed.</summary>
public sealed class PackedStringsTests
{
    [Fact]
    public void Nulls_empties_repeats_and_non_ascii_text_read_back_the_same()
    {
        var report = "rapport-Västerås-1";
        string?[] column = ["npl:20050101000017", null, "", "", report, report, report, "Lot Ö-12 ✓", null, null, new string('x', 300)];

        var back = PackedStrings.Unpack(PackedStrings.Pack(column));

        Assert.Equal(column, back);
        Assert.Same(back[4], back[6]); // a repeat is one string, as the report id of every item of a snapshot
    }

    [Fact]
    public void A_repeated_string_costs_one_byte()
    {
        var id = "snapshot-2026-12-08";
        int Packed(int times) => PackedStrings.Pack(Enumerable.Repeat(id, times).ToArray()).Length;

        Assert.Equal(Packed(1000) + 1000, Packed(2000));
        Assert.True(Packed(2000) < id.Length + 2010);
        Assert.Empty(PackedStrings.Unpack(PackedStrings.Pack([])));
    }

    [Theory]
    [InlineData(new byte[] { })] // no count
    [InlineData(new byte[] { 2, 7, 0x61 })] // two entries, the first says 5 bytes but one follows
    [InlineData(new byte[] { 1, 1 })] // a repeat with nothing before it
    [InlineData(new byte[] { 200, 1 })] // more entries than bytes
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // a number longer than five bytes
    public void Garbled_bytes_are_refused_as_a_format_error(byte[] packed) =>
        Assert.Throws<FormatException>(() => PackedStrings.Unpack(packed));

    [Fact]
    public void A_column_stored_before_packing_is_read_as_stored()
    {
        string?[] old = ["a", null, "b"];

        Assert.Same(old, PackedStrings.Read(null, old));
        Assert.Equal(old, PackedStrings.Read(PackedStrings.Pack(old), null));
        Assert.Empty(PackedStrings.Read(null, null));
    }
}
