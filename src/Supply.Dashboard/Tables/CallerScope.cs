using Supply.Application;
using Supply.Server.Security;

namespace Supply.Dashboard.Tables;

/// <summary>The regions a table may read for a caller, asked of the access policy exactly as gRPC's GetCoverage rule asks.</summary>
public static class CallerScope
{
    /// <summary>
    /// <paramref name="requested"/> when the caller may read them all; with none requested, every region for a national
    /// coordinator ([] = all) or the caller's own regions. Refusals throw <see cref="AccessDeniedException"/>.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> RegionsAsync(AccessPolicy policy, Caller caller, IReadOnlyCollection<string> requested)
    {
        IReadOnlyCollection<string> regions = requested.Count > 0 ? requested
            : AccessPolicy.ReadableRegions(caller) is { } own ? own.Order(StringComparer.Ordinal).ToList() : [];
        if (await policy.CheckReadRegionsAsync(caller, regions) is { } refused) throw new AccessDeniedException(refused);
        return regions;
    }

    /// <summary>National aggregates (nation, healthcare regions) are for callers who may read every region.</summary>
    public static async Task RequireNationalAsync(AccessPolicy policy, Caller caller)
    {
        if (await policy.CheckReadRegionsAsync(caller, []) is { } refused) throw new AccessDeniedException(refused);
    }
}
