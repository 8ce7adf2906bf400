namespace Supply.Grains;

/// <summary>
/// Times in the columnar surrogates: UTC ticks plus the offset in minutes, so a time reads back exactly (offset
/// included) from two primitive columns.
/// </summary>
internal static class StoredTime
{
    public static (long UtcTicks, short OffsetMinutes) Split(DateTimeOffset t) => (t.UtcTicks, (short)t.TotalOffsetMinutes);

    public static DateTimeOffset Join(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
}
