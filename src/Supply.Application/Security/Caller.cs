using System.Security.Claims;

namespace Supply.Server.Security;

/// <summary>The roles of the sector, as the design fixes them.</summary>
public static class Roles
{
    /// <summary>Writes the stock of the locations of its region(s).</summary>
    public const string RegionReporter = "region-reporter";
    /// <summary>Writes the stock of the locations its supplier owns.</summary>
    public const string SupplierFeed = "supplier-feed";
    /// <summary>Reads everything, runs scenarios, reads the audit log.</summary>
    public const string NationalCoordinator = "national-coordinator";
    /// <summary>Reads the stock of its region(s).</summary>
    public const string RegionalReader = "regional-reader";
    /// <summary>Maintains the catalog of items and locations; reads the audit log.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [RegionReporter, SupplierFeed, NationalCoordinator, RegionalReader, Admin];
}

/// <summary>Claim types in Supply's tokens and certificate mappings.</summary>
public static class SupplyClaims
{
    public const string Name = "sub";
    public const string Role = "role";
    /// <summary>A region code the caller's role applies to (repeatable).</summary>
    public const string Region = "region";
    /// <summary>A supplier (location owner) the caller's role applies to (repeatable).</summary>
    public const string Supplier = "supplier";
}

/// <summary>An authenticated caller: who, in which roles, for which regions and suppliers.</summary>
public sealed record Caller(string Name, IReadOnlySet<string> Roles, IReadOnlySet<string> Regions, IReadOnlySet<string> Suppliers)
{
    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true }) return null;
        HashSet<string> All(string type) => user.FindAll(type).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var name = user.FindFirst(SupplyClaims.Name)?.Value ?? user.Identity.Name ?? "unnamed";
        return new Caller(name, All(SupplyClaims.Role), All(SupplyClaims.Region), All(SupplyClaims.Supplier));
    }

    public bool Is(string role) => Roles.Contains(role);

    /// <summary>For the audit log: "region-reporter,regional-reader".</summary>
    public string RoleText => string.Join(',', Roles.Order(StringComparer.Ordinal));

    /// <summary>For the audit log: "region:12 supplier:apoteket-ab".</summary>
    public string ScopeText => string.Join(' ',
        Regions.Order(StringComparer.Ordinal).Select(r => $"region:{r}").Concat(Suppliers.Order(StringComparer.Ordinal).Select(s => $"supplier:{s}")));
}
