using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;
using Microsoft.Extensions.Options;
using Supply.Application;
using Supply.Application.Forecast;
using Supply.Server.Coverage;
using D = Supply.Domain.Coverage;
using Level = Supply.Contracts.V1.CoverageLevel;

namespace Supply.Server.Services;

/// <summary>
/// The Coverage RPCs: translation only (request → query record → <see cref="CoverageQueries"/>, <see cref="ProjectionQueries"/> or
/// the expiry queries → message). The readers cache; a cached answer's message is built once (<see cref="TranslatedResponses{TRow, TResponse}"/>).
/// </summary>
public sealed class CoverageService(CoverageQueries queries, Application.Expiry.ExpiryQueries expiry, AggregateRebuilder rebuilder,
    ProjectionQueries projections, IOptions<CoverageOptions> options) : Contracts.V1.Coverage.CoverageBase
{
    public override async Task<ProjectionsResponse> GetProjection(GetProjectionRequest request, ServerCallContext context)
    {
        var (at, rows) = await projections.ProjectOneAsync(ToDomain(request.Level), request.ByGroup, request.Key, request.RegionCodes,
            request.HorizonDays, context.CancellationToken);
        return Projections(at, rows);
    }

    public override async Task<ProjectionsResponse> ListProjections(ListProjectionsRequest request, ServerCallContext context)
    {
        var (at, rows) = await projections.ProjectAsync(new ProjectionQuery(ToDomain(request.Level), request.ByGroup, request.Keys,
            request.RegionCodes, request.HorizonDays, request.RunsOutWithinDays, request.Limit), context.CancellationToken);
        return TranslatedResponses<Domain.Forecast.ProjectionRow, ProjectionsResponse>.Of(at, rows, Projections);
    }

    private static ProjectionsResponse Projections(DateTimeOffset at, IReadOnlyList<Domain.Forecast.ProjectionRow> rows)
    {
        var response = new ProjectionsResponse { ComputedAt = Timestamp.FromDateTimeOffset(at) };
        response.Projections.AddRange(rows.Select(r => r.ToContract()));
        return response;
    }

    public override async Task<GetCoverageResponse> GetCoverage(GetCoverageRequest request, ServerCallContext context)
    {
        var (at, rows) = await queries.RowsAsync(new CoverageQuery(ToDomain(request.Level), request.ByGroup, request.ItemId, request.SubstitutionGroup,
            (Domain.Catalog.ItemCategory)request.Category, request.RegionCodes), context.CancellationToken);
        return TranslatedResponses<D.CoverageRow, GetCoverageResponse>.Of(at, rows, static (at, rows) =>
        {
            var response = new GetCoverageResponse { ComputedAt = Timestamp.FromDateTimeOffset(at) };
            response.Rows.AddRange(rows.Select(ToContract));
            return response;
        });
    }

    public override async Task<ListShortfallsResponse> ListShortfalls(ListShortfallsRequest request, ServerCallContext context)
    {
        if (request.Projected)
        {
            var projected = await projections.ProjectedShortfallsAsync(ToDomain(request.Level), request.ByGroup,
                (Domain.Catalog.ItemCategory)request.Category, request.ThresholdDays, request.Limit, context.CancellationToken);
            var list = new ListShortfallsResponse();
            list.Shortfalls.AddRange(projected.Select(p => new Contracts.V1.Shortfall { Row = ToContract(p.ToCoverageRow()), Projection = p.ToContract() }));
            return list;
        }
        var shortfalls = await queries.ShortfallsAsync(ToDomain(request.Level), request.ByGroup, (Domain.Catalog.ItemCategory)request.Category,
            request.ThresholdDays, request.Limit, null, context.CancellationToken);
        var response = new ListShortfallsResponse();
        response.Shortfalls.AddRange(shortfalls.Select(s => new Contracts.V1.Shortfall { Row = ToContract(s.Row), UnitsToThreshold = s.UnitsToThreshold }));
        return response;
    }

    public override async Task<ListStaleLocationsResponse> ListStaleLocations(ListStaleLocationsRequest request, ServerCallContext context)
    {
        var stale = await queries.StaleLocationsAsync(request.RegionCode, context.CancellationToken);
        var response = new ListStaleLocationsResponse { StaleAfterHours = queries.StaleAfter.TotalHours };
        response.Locations.AddRange(stale.Select(s => new StaleLocation
        {
            LocationId = s.LocationId,
            RegionCode = s.RegionCode,
            LastAsOf = s.LastAsOf is { } t ? Timestamp.FromDateTimeOffset(t) : null,
        }));
        return response;
    }

    /// <summary>The watcher's events as they come (<see cref="CoverageQueries.WatchAsync"/>).</summary>
    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<CoverageAlert> responseStream, ServerCallContext context)
    {
        if (request.Projected)
        {
            await foreach (var (at, kind, row) in projections.WatchAsync(ToDomain(request.Level), request.ByGroup, request.ThresholdDays,
                request.Follow, options.Value.AlertInterval, context.CancellationToken))
                await responseStream.WriteAsync(new CoverageAlert
                {
                    At = Timestamp.FromDateTimeOffset(at), Kind = kind, Row = ToContract(row.ToCoverageRow()), Projection = row.ToContract(),
                }, context.CancellationToken);
            return;
        }
        await foreach (var alert in queries.WatchAsync(ToDomain(request.Level), request.ByGroup, request.ThresholdDays, request.Follow, null,
            context.CancellationToken))
            await responseStream.WriteAsync(new CoverageAlert
            {
                At = Timestamp.FromDateTimeOffset(alert.At),
                Kind = alert.Kind,
                Row = alert.Row is null ? null : ToContract(alert.Row),
                LocationId = alert.LocationId,
            }, context.CancellationToken);
    }

    public override async Task<RebuildAggregatesResponse> RebuildAggregates(RebuildAggregatesRequest request, ServerCallContext context)
    {
        var (locations, regions) = await rebuilder.RebuildAsync(context.CancellationToken);
        return new RebuildAggregatesResponse { Locations = locations, Regions = regions };
    }

    public override async Task<GetExpiryWaveResponse> GetExpiryWave(GetExpiryWaveRequest request, ServerCallContext context)
    {
        var wave = await expiry.WaveAsync(new Application.Expiry.ExpiryWaveQuery(ToDomain(request.Level), request.ByGroup, request.ItemId,
            request.SubstitutionGroup, (Domain.Catalog.ItemCategory)request.Category, request.RegionCodes, request.Weeks), context.CancellationToken);
        var response = new GetExpiryWaveResponse
        {
            Start = wave.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Weeks = wave.Weeks,
            ComputedAt = Timestamp.FromDateTimeOffset(wave.At),
        };
        response.Rows.AddRange(wave.Rows.Select(r =>
        {
            var row = new ExpiryWaveRow
            {
                Level = ToContract(r.Level), Area = r.Area, Subject = r.Subject == D.CoverageSubject.Item ? "item" : "group", Key = r.Key,
                Expired = r.Expired, WastedUnlessMoved = r.WastedUnlessMoved, OnHand = r.OnHand, DailyConsumption = r.DailyConsumption, Locations = r.Locations,
            };
            row.Expiring.AddRange(r.Expiring);
            return row;
        }));
        return response;
    }

    internal static Level ToContract(D.CoverageLevel level) => level switch
    {
        D.CoverageLevel.Location => Level.Location,
        D.CoverageLevel.Region => Level.Region,
        D.CoverageLevel.HealthcareRegion => Level.HealthcareRegion,
        _ => Level.Nation,
    };

    internal static D.CoverageLevel ToDomain(Level level) => level switch
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
        Area = r.Area,
        Subject = r.Subject == D.CoverageSubject.Item ? "item" : "group",
        Key = r.Key,
        Usable = r.Figures.Usable,
        DailyConsumption = r.Figures.DailyConsumption,
        DaysOfSupply = r.Figures.DaysOfSupply ?? 0,
        HasDaysOfSupply = r.Figures.DaysOfSupply.HasValue,
        StaleShare = r.Figures.StaleShare,
        Locations = r.Locations,
    };
}
