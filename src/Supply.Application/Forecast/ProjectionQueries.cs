using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Supply.Domain;
using Supply.Domain.Aggregation;
using Supply.Domain.Catalog;
using Supply.Domain.Coverage;
using Supply.Domain.Forecast;
using Supply.Server.Coverage;
using Supply.Grains.Catalog;

namespace Supply.Application.Forecast;

/// <summary>What a projection query asks for: empty lists mean all; <paramref name="RunsOutWithinDays"/> 0 means no such filter.</summary>
public sealed record ProjectionQuery(
    CoverageLevel Level, bool ByGroup, IReadOnlyList<string> Keys, IReadOnlyList<string> RegionCodes, int HorizonDays = 0,
    double RunsOutWithinDays = 0, int Limit = 0);

/// <summary>
/// Projections (docs/projection.md): validates and selects (runs out within N days, worst first); reading, planning and
/// caching are the one reader's (<see cref="AggregateReader.ProjectionsAsync"/>), so nothing here asks a location.
/// </summary>
public sealed class ProjectionQueries(AggregateReader reader, CatalogCache cache, TimeProvider time)
{
    public async Task<(DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows)> ProjectAsync(ProjectionQuery query, CancellationToken cancellationToken)
    {
        Validate(query, await cache.GetAsync());
        var subject = query.ByGroup ? CoverageSubject.SubstitutionGroup : CoverageSubject.Item;
        var filter = new ProjectionFilter(query.RegionCodes, query.Keys, query.HorizonDays == 0 ? StockoutProjection.DefaultHorizonDays : query.HorizonDays);
        var (now, rows) = await reader.ProjectionsAsync(query.Level, subject, filter, cancellationToken);

        if (query.RunsOutWithinDays <= 0 && query.Limit <= 0) return (now, rows); // the reader's own list: the same one while cached

        // The selection is kept with the reader's list it was made from, so a repeated call gets the same list back (and the
        // server builds its message once) while the reader's answer stands; it goes when that list goes.
        var selections = _selections.GetValue(rows, static _ => new ConcurrentDictionary<(double, int), IReadOnlyList<ProjectionRow>>());
        if (selections.Count >= MaxSelectionsPerAnswer) selections.Clear();
        return (now, selections.GetOrAdd((query.RunsOutWithinDays, query.Limit), static (q, rows) => Select(rows, q.Item1, q.Item2), rows));
    }

    private const int MaxSelectionsPerAnswer = 16;

    private readonly ConditionalWeakTable<IReadOnlyList<ProjectionRow>, ConcurrentDictionary<(double, int), IReadOnlyList<ProjectionRow>>> _selections = new();

    /// <summary>Rows that run out within <paramref name="runsOutWithinDays"/> (0: all), worst first, at most <paramref name="limit"/> (0: 100).</summary>
    private static IReadOnlyList<ProjectionRow> Select(IReadOnlyList<ProjectionRow> rows, double runsOutWithinDays, int limit)
    {
        IEnumerable<ProjectionRow> selected = rows;
        if (runsOutWithinDays > 0) selected = selected.Where(r => r.RunsOutWithin(runsOutWithinDays));
        return selected.OrderBy(r => Math.Min(r.AtCurrent.DaysOfSupply, r.AtTrend.DaysOfSupply))
            .ThenBy(r => r.Area, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(limit == 0 ? 100 : limit).ToList();
    }

    /// <summary>One item or group per area (GetProjection): the key is required.</summary>
    public Task<(DateTimeOffset At, IReadOnlyList<ProjectionRow> Rows)> ProjectOneAsync(
        CoverageLevel level, bool byGroup, string key, IReadOnlyList<string> regionCodes, int horizonDays, CancellationToken cancellationToken)
    {
        if (key.Length == 0) throw new DomainValidationException([new Violation("key", $"is required: an {(byGroup ? "substitution group" : "item id")}")]);
        return ProjectAsync(new ProjectionQuery(level, byGroup, [key], regionCodes, horizonDays), cancellationToken);
    }

    /// <summary>
    /// Shortfalls by the projection (ListShortfalls with projected): rows that run out within <paramref name="withinDays"/> at
    /// current or trending consumption, earliest first; items of <paramref name="category"/> only, unless Unspecified.
    /// </summary>
    public async Task<IReadOnlyList<ProjectionRow>> ProjectedShortfallsAsync(CoverageLevel level, bool byGroup, ItemCategory category,
        double withinDays, int limit, CancellationToken cancellationToken)
    {
        var v = new Violations();
        v.Check(double.IsFinite(withinDays) && withinDays > 0, "threshold_days", "must be a number of days above zero");
        v.Check(limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        if (v.Any) throw new DomainValidationException(v.Items);
        var book = await cache.GetAsync();
        var (_, rows) = await ProjectAsync(new ProjectionQuery(level, byGroup, [], [], RunsOutWithinDays: withinDays, Limit: 10_000), cancellationToken);
        return rows.Where(r => category == ItemCategory.Unspecified || byGroup
                || (book.TryGetItem(r.Key, out var item) && item.Category == category))
            .Take(limit == 0 ? 100 : limit).ToList();
    }

    /// <summary>
    /// WatchAlerts with projected: "below" when a row starts to run out within <paramref name="withinDays"/>, "recovered" when it
    /// no longer does; the first look reports every row already below. Looks again every <paramref name="interval"/>.
    /// </summary>
    public async IAsyncEnumerable<(DateTimeOffset At, string Kind, ProjectionRow Row)> WatchAsync(CoverageLevel level, bool byGroup,
        double withinDays, bool follow, TimeSpan interval, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var v = new Violations();
        v.Check(double.IsFinite(withinDays) && withinDays > 0, "threshold_days", "must be a number of days above zero");
        if (v.Any) throw new DomainValidationException(v.Items);
        var below = new HashSet<(string, string)>();
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var (at, rows) = await ProjectAsync(new ProjectionQuery(level, byGroup, [], []), cancellationToken);
            var seen = new HashSet<(string, string)>();
            foreach (var row in rows)
            {
                var key = (row.Area, row.Key);
                seen.Add(key);
                var isBelow = row.RunsOutWithin(withinDays);
                if (isBelow && below.Add(key)) yield return (at, "below", row);
                else if (!isBelow && below.Remove(key)) yield return (at, "recovered", row);
            }
            below.IntersectWith(seen);
        }
        while (follow && await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static void Validate(ProjectionQuery query, CatalogBook book)
    {
        var v = new Violations();
        for (var i = 0; i < query.RegionCodes.Count; i++)
            v.Check(Regions.IsRegionCode(query.RegionCodes[i]), $"region_codes[{i}]", $"'{Clip(query.RegionCodes[i])}' is not a Swedish region code");
        v.Check(query.HorizonDays is >= 0 and <= 3650, "horizon_days", "must be 0 (730) to 3650 days");
        v.Check(double.IsFinite(query.RunsOutWithinDays) && query.RunsOutWithinDays >= 0, "runs_out_within_days", "must be a number of days, zero or more");
        v.Check(query.Limit is >= 0 and <= 10_000, "limit", "must be between 0 and 10,000 (0 means 100)");
        for (var i = 0; i < query.Keys.Count; i++)
        {
            var key = query.Keys[i];
            var known = query.ByGroup
                ? book.Items.Values.Any(item => item.SubstitutionGroup == key) || book.Items.ContainsKey(key) // a group, or an item that is its own group
                : book.Items.ContainsKey(key);
            v.Check(known, query.Keys.Count == 1 ? "key" : $"keys[{i}]",
                $"'{Clip(key)}' is not a known {(query.ByGroup ? "substitution group" : "item")}");
        }
        if (v.Any) throw new DomainValidationException(v.Items);
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
