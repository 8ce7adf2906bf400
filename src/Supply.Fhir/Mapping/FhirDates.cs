using System.Globalization;

namespace Supply.Fhir.Mapping;

/// <summary>FHIR date and dateTime values as Supply needs them.</summary>
public static class FhirDates
{
    /// <summary>A dateTime with a time must carry a zone (FHIR requires it); a date alone is midnight UTC.</summary>
    public static bool TryInstant(string? s, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(s)) return false;
        if (s.Length == 10)
        {
            if (!DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
            value = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }
        var zoned = s.EndsWith('Z') || s.Length > 19 && (s[^6] is '+' or '-');
        return zoned && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>An expiry as the last day of use: a date, the date part of a dateTime, or a month (its last day).</summary>
    public static bool TryLastUseDay(string? s, out DateOnly day)
    {
        day = default;
        if (string.IsNullOrWhiteSpace(s)) return false;
        if (s.Length == 7 && DateOnly.TryParseExact(s + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            day = first.AddMonths(1).AddDays(-1);
            return true;
        }
        return s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
