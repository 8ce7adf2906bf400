namespace Supply.Domain;

/// <summary>
/// A time kept as UTC ticks plus the offset in minutes, so it reads back exactly (offset included) from two primitives:
/// the columnar storage surrogates and the aggregates' per-line totals use it. For a time that may be absent, 0 ticks
/// means none.
/// </summary>
public static class StoredTime
{
    public static (long UtcTicks, short OffsetMinutes) Split(DateTimeOffset t) => (t.UtcTicks, (short)t.TotalOffsetMinutes);

    public static DateTimeOffset Join(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    public static (long UtcTicks, short OffsetMinutes) Split(DateTimeOffset? t) => t is { } time ? Split(time) : (0, 0);

    public static DateTimeOffset? JoinOrNone(long utcTicks, short offsetMinutes) => utcTicks == 0 ? null : Join(utcTicks, offsetMinutes);
}
