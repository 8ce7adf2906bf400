using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Supply.Contracts.V1;
using Supply.Domain;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using ItemCategory = Supply.Contracts.V1.ItemCategory;
using Supply.Domain.Coverage;
using Supply.Grains.Catalog;
using Supply.Server.Coverage;
using D = Supply.Domain.Coverage;
using Level = Supply.Contracts.V1.CoverageLevel;

namespace Supply.Server.Services;

/// <summary>Coverage, shortfalls, staleness and alerts, computed from the aggregation path's cells by the domain.</summary>
public sealed class CoverageService(ICoverageCellSource source, CatalogCache cache, IOptions<CoverageOptions> options, TimeProvider time,
    AggregateRebuilder rebuilder, NationalCoverageReader national) : Contracts.V1.Coverage.CoverageBase
{
    public override async Task<GetCoverageResponse> GetCoverage(GetCoverageRequest request, ServerCallContext context)
    {
        var book = await cache.GetAsync();
        var v = new Violations();
        CheckRegions(request.RegionCodes, v);
        if (request.ItemId.Length > 0 && !ItemId.IsValid(request.ItemId, out var why)) v.Add("item_id", why);
        if (v.Any) throw new DomainValidationException(v.Items);
        var (at, rows) = await RowsAsync(book, ToDomain(request.Level), request.ByGroup, request.ItemId, request.SubstitutionGroup, request.Category,
            request.RegionCodes, context.CancellationToken);
        // Reused rows (a dashboard polling the nation: the national reader returns the same list while nothing changed)
        // reuse their message too: nothing changes a sent response.
        return Responses.GetValue(rows, r =>
        {
            var built = new GetCoverageResponse { ComputedAt = Timestamp.FromDateTimeOffset(at) };
            built.Rows.AddRange(r.Select(ToContract));
            return built;
        });
    }

    /// <summary>
    /// Coverage rows at <paramref name="level"/>. Above location level they come from the national aggregate, which has
    /// the sums already: a national query never rolls up every location's cells. Location rows, and group rows restricted
    /// to one item or one category (a group's sums mix items), roll up the cells of only the regions and items asked for.
    /// </summary>
    private async Task<(DateTimeOffset At, IReadOnlyList<D.CoverageRow> Rows)> RowsAsync(CatalogBook book, D.CoverageLevel level,
        bool byGroup, string itemId, string group, ItemCategory category, IReadOnlyCollection<string> regionCodes, CancellationToken cancellationToken)
    {
        var subject = byGroup ? CoverageSubject.SubstitutionGroup : CoverageSubject.Item;
        bool KeepItem(string id, string groupKey) =>
            (itemId.Length == 0 || id == itemId)
            && (group.Length == 0 || groupKey == group)
            && (category == ItemCategory.Unspecified || (book.TryGetItem(id, out var item) && (int)item.Category == (int)category));
        bool KeepRegion(string code) => regionCodes.Count == 0 || regionCodes.Contains(code);

        if (level == D.CoverageLevel.Location || (byGroup && (itemId.Length > 0 || category != ItemCategory.Unspecified)))
        {
            var snapshot = await source.SnapshotAsync(cancellationToken);
            return (snapshot.At, CoverageRollup.Rows(snapshot.CellsWhere(KeepRegion, KeepItem), level, subject));
        }
        var key = byGroup ? group : itemId;
        var filter = new AggregateFilter([.. regionCodes], subject, key.Length > 0 ? [key] : []);
        var cacheKey = string.Join('|', (int)level, byGroup, itemId, group, (int)category, string.Join(',', regionCodes), book.Version);
        return await national.RowsAsync(cacheKey, level, filter,
            row => subject == CoverageSubject.SubstitutionGroup || KeepItem(row.Key, row.SubstitutionGroup.Length > 0 ? row.SubstitutionGroup : row.Key),
            cell => KeepItem(cell.ItemId, cell.GroupKey) && KeepRegion(cell.RegionCode));
    }

    private static readonly ConditionalWeakTable<IReadOnlyList<D.CoverageRow>, GetCoverageResponse> Responses = new();

    public override async Task<ListShortfallsResponse> ListShortfalls(ListShortfallsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Check(double.IsFinite(request.ThresholdDays) && request.ThresholdDays > 0, "threshold_days", "must be a number of days above zero");
        v.Check(request.Limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var (_, rows) = await RowsAsync(book, ToDomain(request.Level), request.ByGroup, "", "", request.Category, [], context.CancellationToken);
        var response = new ListShortfallsResponse();
        response.Shortfalls.AddRange(Shortfalls.Under(rows, request.ThresholdDays).Take(request.Limit == 0 ? 100 : request.Limit)
            .Select(s => new Contracts.V1.Shortfall { Row = ToContract(s.Row), UnitsToThreshold = s.UnitsToThreshold }));
        return response;
    }

    public override async Task<ListStaleLocationsResponse> ListStaleLocations(ListStaleLocationsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        if (request.RegionCode.Length > 0) CheckRegions([request.RegionCode], v);
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var snapshot = await source.SnapshotAsync(context.CancellationToken);
        var response = new ListStaleLocationsResponse { StaleAfterHours = options.Value.StaleAfter.TotalHours };
        foreach (var r in snapshot.Reporting.Where(r => snapshot.Stale.Contains(r.LocationId)).OrderBy(r => r.LocationId, StringComparer.Ordinal))
        {
            if (!book.TryGetLocation(r.LocationId, out var location) || (request.RegionCode.Length > 0 && location.RegionCode != request.RegionCode)) continue;
            response.Locations.Add(new StaleLocation
            {
                LocationId = r.LocationId, RegionCode = location.RegionCode,
                LastAsOf = r.LastAsOf is { } t ? Timestamp.FromDateTimeOffset(t) : null,
            });
        }
        return response;
    }

    /// <summary>
    /// Each watcher compares successive snapshots itself: the first look reports what is already below
    /// the threshold (and stale), later looks report only crossings, recoveries and staleness changes.
    /// </summary>
    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<CoverageAlert> responseStream, ServerCallContext context)
    {
        var v = new Violations();
        v.Check(double.IsFinite(request.ThresholdDays) && request.ThresholdDays > 0, "threshold_days", "must be a number of days above zero");
        if (v.Any) throw new DomainValidationException(v.Items);
        var level = ToDomain(request.Level);
        var below = new Dictionary<(string, string), D.CoverageRow>();
        var stale = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(options.Value.AlertInterval, time);
        do
        {
            var snapshot = await source.SnapshotAsync(context.CancellationToken);
            var now = Timestamp.FromDateTimeOffset(snapshot.At);
            var rows = (await RowsAsync(await cache.GetAsync(), level, request.ByGroup, "", "", ItemCategory.Unspecified, [], context.CancellationToken))
                .Rows.ToDictionary(r => (r.Area, r.Key));
            foreach (var (key, row) in rows.OrderBy(kv => kv.Key))
            {
                var isBelow = row.Figures.DaysOfSupply < request.ThresholdDays;
                if (isBelow && below.TryAdd(key, row)) await Send("below", row, "");
                else if (!isBelow && below.Remove(key)) await Send("recovered", row, "");
            }
            foreach (var gone in below.Keys.Where(k => !rows.ContainsKey(k)).ToList()) below.Remove(gone);
            foreach (var id in snapshot.Stale.Order(StringComparer.Ordinal).Where(stale.Add).ToList()) await Send("stale", null, id);
            foreach (var id in stale.Where(id => !snapshot.Stale.Contains(id)).Order(StringComparer.Ordinal).ToList())
            {
                stale.Remove(id);
                await Send("fresh", null, id);
            }

            Task Send(string kind, D.CoverageRow? row, string location) => responseStream.WriteAsync(new CoverageAlert
            {
                At = now, Kind = kind, Row = row is null ? null : ToContract(row), LocationId = location,
            }, context.CancellationToken);
        }
        while (request.Follow && await timer.WaitForNextTickAsync(context.CancellationToken));
    }

    public override async Task<RebuildAggregatesResponse> RebuildAggregates(RebuildAggregatesRequest request, ServerCallContext context)
    {
        var (locations, regions) = await rebuilder.RebuildAsync(context.CancellationToken);
        return new RebuildAggregatesResponse { Locations = locations, Regions = regions };
    }

    private static void CheckRegions(IEnumerable<string> regions, Violations v)
    {
        var list = regions.ToList();
        for (var i = 0; i < list.Count; i++)
            v.Check(Regions.IsRegionCode(list[i]), list.Count == 1 ? "region_code" : $"region_codes[{i}]", $"'{list[i]}' is not a Swedish region code");
    }

    private static D.CoverageLevel ToDomain(Level level) => level switch
    {
        Level.Location => D.CoverageLevel.Location,
        Level.Region => D.CoverageLevel.Region,
        Level.HealthcareRegion => D.CoverageLevel.HealthcareRegion,
        _ => D.CoverageLevel.Nation,
    };

    private static Contracts.V1.CoverageRow ToContract(D.CoverageRow r) => new()
    {
        Level = r.Level switch
        {
            D.CoverageLevel.Location => Level.Location,
            D.CoverageLevel.Region => Level.Region,
            D.CoverageLevel.HealthcareRegion => Level.HealthcareRegion,
            _ => Level.Nation,
        },
        Area = r.Area, Subject = r.Subject == CoverageSubject.Item ? "item" : "group", Key = r.Key, Usable = r.Figures.Usable,
        DailyConsumption = r.Figures.DailyConsumption, DaysOfSupply = r.Figures.DaysOfSupply ?? 0, HasDaysOfSupply = r.Figures.DaysOfSupply.HasValue,
        StaleShare = r.Figures.StaleShare, Locations = r.Locations,
    };
}
