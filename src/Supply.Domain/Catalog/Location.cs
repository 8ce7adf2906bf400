namespace Supply.Domain.Catalog;

/// <summary>A place that holds stock: hospital, warehouse, care unit, stockpile, pharmacy, supplier.</summary>
public sealed record Location(
    string Id,
    string Name,
    LocationKind Kind,
    string RegionCode,
    string MunicipalityCode)
{
    /// <summary>The organisation reporting the stock when not a region (pharmacy chain, supplier); empty otherwise.</summary>
    public string Owner { get; init; } = "";

    public static void Validate(Location location, string path, Violations v)
    {
        if (!LocationId.IsValid(location.Id, out var why)) v.Add($"{path}.id", why);
        v.Check(!string.IsNullOrWhiteSpace(location.Name), $"{path}.name", "is required");
        v.Check(location.Name.Length <= Limits.MaxNameLength, $"{path}.name", $"is longer than {Limits.MaxNameLength} characters");
        v.Check(Enum.IsDefined(location.Kind) && location.Kind != LocationKind.Unspecified, $"{path}.kind", "must be a known location kind");
        ValidateOwner(location, path, v);
        if (v.Check(Regions.IsRegionCode(location.RegionCode), $"{path}.region_code",
                $"'{location.RegionCode}' is not a Swedish region code (01, 03-10, 12-14, 17-25)")
            && location.MunicipalityCode.Length > 0)
        {
            v.Check(location.MunicipalityCode.Length == 4 && location.MunicipalityCode.All(char.IsAsciiDigit)
                    && location.MunicipalityCode.StartsWith(location.RegionCode, StringComparison.Ordinal),
                $"{path}.municipality_code", "must be four digits starting with the region code");
        }
    }

    public Location Normalised() => this with { Name = Name.Trim() };

    private static void ValidateOwner(Location location, string path, Violations v) =>
        v.Check(location.Owner.Length == 0 || Text.IsToken(location.Owner, 64), $"{path}.owner", "must be a token of at most 64 characters without spaces");
}
