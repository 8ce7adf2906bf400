using Supply.Contracts.V1;
using Location = Supply.Domain.Catalog.Location;
using Supply.Grains.Catalog;

namespace Supply.Server.Security;

/// <summary>
/// Who may call what, in one table: every RPC of the contract has a rule here, and an RPC without
/// one is refused (fail closed). Rules that depend on a location look its region and owner up in
/// the per-silo catalog copy.
/// </summary>
public sealed class AccessPolicy(CatalogCache catalog)
{
    private delegate ValueTask<string?> Rule(Caller caller, object request, AccessPolicy policy);

    // null = allowed; otherwise why not.
    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        [Catalog.Descriptor.FindMethodByName("RegisterItems").FullName] = (c, _, _) => Role(c, Roles.Admin),
        [Catalog.Descriptor.FindMethodByName("RegisterLocations").FullName] = (c, _, _) => Role(c, Roles.Admin),
        [Catalog.Descriptor.FindMethodByName("ListItems").FullName] = (c, _, _) => AnyRole(c),
        [Catalog.Descriptor.FindMethodByName("ListLocations").FullName] = (c, _, _) => AnyRole(c),
        [StockReporting.Descriptor.FindMethodByName("SubmitReport").FullName] = (c, r, p) => p.CanWrite(c, ((StockReport)r).LocationId),
        [StockReporting.Descriptor.FindMethodByName("StreamReports").FullName] = (c, r, p) => p.CanWrite(c, ((StockReport)r).LocationId),
        [StockQuery.Descriptor.FindMethodByName("GetLocationStock").FullName] = (c, r, p) => p.CanRead(c, ((GetLocationStockRequest)r).LocationId),
        [StockQuery.Descriptor.FindMethodByName("GetReportHistory").FullName] = (c, r, p) => p.CanRead(c, ((GetReportHistoryRequest)r).LocationId),
        [StockQuery.Descriptor.FindMethodByName("GetItemStock").FullName] = (c, r, _) => ReadRegions(c, ((GetItemStockRequest)r).RegionCodes),
        [StockQuery.Descriptor.FindMethodByName("ListReportingStatus").FullName] = (c, r, _) =>
            ReadRegions(c, ((ListReportingStatusRequest)r).RegionCode is { Length: > 0 } code ? [code] : []),
        [Contracts.V1.Feeds.Descriptor.FindMethodByName("ListFeedHealth").FullName] = (c, _, _) =>
            new(c.Is(Roles.NationalCoordinator) || c.Is(Roles.Admin) ? null : "feed health is for national coordinators and administrators"),
        [Contracts.V1.Feeds.Descriptor.FindMethodByName("PullFeedNow").FullName] = (c, _, _) => Role(c, Roles.Admin),
        [ShortageNotices.Descriptor.FindMethodByName("PublishShortageNotice").FullName] = (c, _, _) =>
            new(c.Is(Roles.Admin) || c.Is(Roles.SupplierFeed) ? null : "needs the admin or supplier-feed role"),
        [ShortageNotices.Descriptor.FindMethodByName("ListShortageNotices").FullName] = (c, _, _) => AnyRole(c),
        [Scenarios.Descriptor.FindMethodByName("RunScenario").FullName] = (c, _, _) => Role(c, Roles.NationalCoordinator),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("GetCoverage").FullName] = (c, r, _) => ReadRegions(c, ((GetCoverageRequest)r).RegionCodes),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("ListShortfalls").FullName] = (c, _, _) => Role(c, Roles.NationalCoordinator),
        // Projections: a region's own rows for its readers, as coverage; everything else national (docs/projection.md).
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("GetProjection").FullName] = (c, r, _) => ReadRegions(c, ((GetProjectionRequest)r).RegionCodes),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("ListProjections").FullName] = (c, r, _) => ReadRegions(c, ((ListProjectionsRequest)r).RegionCodes),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("ListStaleLocations").FullName] = (c, r, _) =>
            ReadRegions(c, ((ListStaleLocationsRequest)r).RegionCode is { Length: > 0 } code ? [code] : []),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("WatchAlerts").FullName] = (c, _, _) => Role(c, Roles.NationalCoordinator),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("RebuildAggregates").FullName] = (c, _, _) => Role(c, Roles.Admin),
        [Contracts.V1.Coverage.Descriptor.FindMethodByName("GetExpiryWave").FullName] = (c, r, _) => ReadRegions(c, ((GetExpiryWaveRequest)r).RegionCodes),
        [StockQuery.Descriptor.FindMethodByName("FindLot").FullName] = (c, r, _) => ReadRegions(c, ((FindLotRequest)r).RegionCodes),
        [Contracts.V1.Readiness.Descriptor.FindMethodByName("SetReadinessTargets").FullName] = (c, _, _) => Role(c, Roles.Admin),
        [Contracts.V1.Readiness.Descriptor.FindMethodByName("ListReadinessTargets").FullName] = (c, _, _) => AnyRole(c),
        [Contracts.V1.Readiness.Descriptor.FindMethodByName("GetReadinessCompliance").FullName] = (c, r, _) =>
            ReadRegions(c, ((GetReadinessComplianceRequest)r).RegionCodes),
        // Regional callers read their regions' records; nation and healthcare regions are national figures.
        [Contracts.V1.Readiness.Descriptor.FindMethodByName("GetComplianceHistory").FullName] = (c, r, _) =>
            ((GetComplianceHistoryRequest)r) is { Level: CoverageLevel.Region } h ? ReadRegions(c, h.Areas) : Role(c, Roles.NationalCoordinator),
        // Webhooks: a regional caller only for subscriptions filtered to its region(s); which region a stored subscription has
        // is checked where it is loaded (Supply.Webhooks.WebhookSubscriptions), by CheckWebhookRegion too.
        [AlertWebhooks.Descriptor.FindMethodByName("CreateSubscription").FullName] = (c, r, _) =>
            new(CheckWebhookRegion(c, ((CreateSubscriptionRequest)r).Filter?.RegionCode ?? "")),
        [AlertWebhooks.Descriptor.FindMethodByName("ListSubscriptions").FullName] = (c, _, _) => ManagesWebhooks(c),
        [AlertWebhooks.Descriptor.FindMethodByName("DeleteSubscription").FullName] = (c, _, _) => ManagesWebhooks(c),
        [AlertWebhooks.Descriptor.FindMethodByName("ListDeadLetters").FullName] = (c, _, _) => ManagesWebhooks(c),
        [AlertWebhooks.Descriptor.FindMethodByName("RedeliverDeadLetters").FullName] = (c, _, _) => ManagesWebhooks(c),
        [Audit.Descriptor.FindMethodByName("ListAuditEntries").FullName] = (c, _, _) =>
            new(c.Is(Roles.NationalCoordinator) || c.Is(Roles.Admin) ? null : "the audit log is for national coordinators and administrators"),
    };

    /// <summary>Whether the method changes state (its refusals are audited).</summary>
    public static bool IsWrite(string method) => Writes.Contains(ToDescriptorName(method));

    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal)
    {
        Catalog.Descriptor.FindMethodByName("RegisterItems").FullName,
        Catalog.Descriptor.FindMethodByName("RegisterLocations").FullName,
        StockReporting.Descriptor.FindMethodByName("SubmitReport").FullName,
        StockReporting.Descriptor.FindMethodByName("StreamReports").FullName,
        ShortageNotices.Descriptor.FindMethodByName("PublishShortageNotice").FullName,
        Contracts.V1.Feeds.Descriptor.FindMethodByName("PullFeedNow").FullName,
        Contracts.V1.Readiness.Descriptor.FindMethodByName("SetReadinessTargets").FullName,
        AlertWebhooks.Descriptor.FindMethodByName("CreateSubscription").FullName,
        AlertWebhooks.Descriptor.FindMethodByName("DeleteSubscription").FullName,
        AlertWebhooks.Descriptor.FindMethodByName("RedeliverDeadLetters").FullName,
    };

    /// <summary>Probes and tooling that must work without a token (Kubernetes' gRPC probes send none).</summary>
    public static bool IsAnonymous(string method) => method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal);

    /// <summary>Tool discovery; anonymous only where configured (Development by default).</summary>
    public static bool IsReflection(string method) => method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);

    public static bool Covers(string fullMethodName) => Rules.ContainsKey(ToDescriptorName(fullMethodName));

    /// <summary>Null when the caller may make this call with this request; otherwise the reason it may not.</summary>
    public ValueTask<string?> CheckAsync(string method, Caller caller, object request) =>
        Rules.TryGetValue(ToDescriptorName(method), out var rule) ? rule(caller, request, this) : new("no access rule covers this method");

    /// <summary>The dashboard's questions, answered by the same rules as the RPCs that read the same data.</summary>
    public ValueTask<string?> CheckReadRegionsAsync(Caller caller, IReadOnlyCollection<string> regions) => ReadRegions(caller, regions);

    /// <summary>May the caller read this location's stock (the GetLocationStock rule)?</summary>
    public ValueTask<string?> CheckReadLocationAsync(Caller caller, string locationId) => CanRead(caller, locationId);

    /// <summary>The regions whose figures the caller may read: null means every region (national coordinators).</summary>
    public static IReadOnlySet<string>? ReadableRegions(Caller caller) =>
        caller.Is(Roles.NationalCoordinator) ? null
        : caller.Is(Roles.RegionalReader) || caller.Is(Roles.RegionReporter) ? caller.Regions
        : new HashSet<string>();

    /// <summary>
    /// May the caller manage a webhook subscription filtered to <paramref name="regionCode"/> ("" = every region)?
    /// National coordinators and administrators: any; regional readers and reporters: only one of their own regions.
    /// </summary>
    public static string? CheckWebhookRegion(Caller c, string regionCode)
    {
        if (c.Is(Roles.NationalCoordinator) || c.Is(Roles.Admin)) return null;
        if (!c.Is(Roles.RegionalReader) && !c.Is(Roles.RegionReporter)) return "needs the national-coordinator, admin, regional-reader or region-reporter role";
        if (regionCode.Length == 0) return "a regional caller's subscription must be filtered to its region (filter.region_code)";
        return c.Regions.Contains(regionCode) ? null : $"region {regionCode} is outside the caller's scope";
    }

    private static ValueTask<string?> ManagesWebhooks(Caller c) =>
        new(c.Is(Roles.NationalCoordinator) || c.Is(Roles.Admin) || c.Is(Roles.RegionalReader) || c.Is(Roles.RegionReporter)
            ? null : "needs the national-coordinator, admin, regional-reader or region-reporter role");

    // "/supply.v1.Catalog/RegisterItems" (gRPC path) -> "supply.v1.Catalog.RegisterItems" (descriptor name).
    private static string ToDescriptorName(string method) => method.TrimStart('/').Replace('/', '.');

    private static ValueTask<string?> Role(Caller c, string role) => new(c.Is(role) ? null : $"needs the {role} role");

    private static ValueTask<string?> AnyRole(Caller c) => new(c.Roles.Overlaps(Roles.All) ? null : "needs a Supply role");

    private static ValueTask<string?> ReadRegions(Caller c, IReadOnlyCollection<string> regions)
    {
        if (c.Is(Roles.NationalCoordinator)) return new((string?)null);
        if (!c.Is(Roles.RegionalReader) && !c.Is(Roles.RegionReporter)) return new("needs the national-coordinator or regional-reader role");
        if (regions.Count == 0) return new("a regional caller must name its region(s) in the request");
        var outside = regions.Where(r => !c.Regions.Contains(r)).ToList();
        return new(outside.Count == 0 ? null : $"region(s) {string.Join(", ", outside)} are outside the caller's scope");
    }

    private async ValueTask<string?> CanWrite(Caller c, string locationId)
    {
        if (!c.Is(Roles.RegionReporter) && !c.Is(Roles.SupplierFeed)) return "needs the region-reporter or supplier-feed role";
        if (await Find(locationId) is not { } location) return null; // unknown: validation refuses it, naming the field
        if (c.Is(Roles.RegionReporter) && c.Regions.Contains(location.RegionCode)) return null;
        if (c.Is(Roles.SupplierFeed) && location.Owner.Length > 0 && c.Suppliers.Contains(location.Owner)) return null;
        return $"location '{locationId}' (region {location.RegionCode}{(location.Owner.Length > 0 ? $", owner {location.Owner}" : "")}) is outside the caller's scope";
    }

    private async ValueTask<string?> CanRead(Caller c, string locationId)
    {
        if (c.Is(Roles.NationalCoordinator)) return null;
        if (await Find(locationId) is not { } location) return null; // unknown: the query answers NOT_FOUND
        if ((c.Is(Roles.RegionalReader) || c.Is(Roles.RegionReporter)) && c.Regions.Contains(location.RegionCode)) return null;
        if (c.Is(Roles.SupplierFeed) && location.Owner.Length > 0 && c.Suppliers.Contains(location.Owner)) return null;
        return $"location '{locationId}' is outside the caller's scope";
    }

    private async ValueTask<Location?> Find(string locationId)
    {
        var book = await catalog.GetAsync();
        if (book.TryGetLocation(locationId, out var location)) return location;
        return await catalog.RefreshAsync(book.Version) && (await catalog.GetAsync()).TryGetLocation(locationId, out location) ? location : null;
    }
}
