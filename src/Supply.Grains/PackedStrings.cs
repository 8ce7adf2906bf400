using System.Text;

namespace Supply.Grains;

/// <summary>
/// A column of strings stored as one byte array, for the surrogates of states written on every report (a location's
/// ledger, its totals in a region).
/// </summary>
/// <remarks>
/// Orleans' serializer records every string it writes, so that a repeat can be written as a reference; past a few dozen
/// in one write it moves them into a dictionary it grows afresh for each write. A ledger or a location's totals carry a
/// few thousand strings (item ids, lot numbers), and those dictionaries were 14% of the bytes a national load allocated
/// (benchmarks/README.md). Packed, a column is one field that Orleans copies as bytes.
/// Layout: the number of entries, then per entry a tag: 0 = null, 1 = equal to the entry before (the report id on every
/// item of one snapshot), n ≥ 2 = n − 2 bytes of UTF-8 follow. Numbers are 7-bit varints.
/// </remarks>
public static class PackedStrings
{
    private const int Null = 0, Repeat = 1, Text = 2;

    public static byte[] Pack(ReadOnlySpan<string?> values)
    {
        var size = VarintSize((uint)values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value || (i > 0 && RepeatsPrevious(values, i))) size++;
            else
            {
                var bytes = Encoding.UTF8.GetByteCount(value);
                size += VarintSize((uint)bytes + Text) + bytes;
            }
        }
        var packed = new byte[size];
        var at = WriteVarint(packed, 0, (uint)values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value) packed[at++] = Null;
            else if (i > 0 && RepeatsPrevious(values, i)) packed[at++] = Repeat;
            else
            {
                var bytes = Encoding.UTF8.GetByteCount(value);
                at = WriteVarint(packed, at, (uint)bytes + Text);
                at += Encoding.UTF8.GetBytes(value, packed.AsSpan(at));
            }
        }
        return packed;
    }

    /// <summary>The strings <see cref="Pack"/> was given; a repeated entry is the same instance as the one before it.</summary>
    /// <exception cref="FormatException">The bytes are not a packed column (cut short or garbled).</exception>
    public static string?[] Unpack(ReadOnlySpan<byte> packed)
    {
        var at = 0;
        var count = ReadVarint(packed, ref at);
        if (count > packed.Length) throw new FormatException($"a packed string column of {packed.Length} bytes cannot hold {count} entries");
        var values = new string?[count];
        for (var i = 0; i < values.Length; i++)
        {
            var tag = ReadVarint(packed, ref at);
            if (tag == Null) continue;
            if (tag == Repeat)
            {
                if (i == 0) throw new FormatException("a packed string column starts with a repeat");
                values[i] = values[i - 1];
                continue;
            }
            if (tag - Text > (uint)(packed.Length - at)) throw new FormatException("a packed string column is cut short");
            var length = (int)(tag - Text);
            values[i] = Encoding.UTF8.GetString(packed.Slice(at, length));
            at += length;
        }
        return values;
    }

    /// <summary>A column as stored: packed, or (in states stored before packing) a string array, or neither (empty).</summary>
    public static string?[] Read(byte[]? packed, string?[]? stored) => packed is not null ? Unpack(packed) : stored ?? [];

    private static bool RepeatsPrevious(ReadOnlySpan<string?> values, int i) =>
        values[i - 1] is { } previous && string.Equals(previous, values[i], StringComparison.Ordinal);

    private static int VarintSize(uint value)
    {
        var size = 1;
        while (value >= 0x80) { value >>= 7; size++; }
        return size;
    }

    private static int WriteVarint(byte[] to, int at, uint value)
    {
        while (value >= 0x80)
        {
            to[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        to[at++] = (byte)value;
        return at;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> from, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (at >= from.Length) throw new FormatException("a packed string column is cut short");
            var b = from[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("a packed string column holds a number longer than five bytes");
    }
}
