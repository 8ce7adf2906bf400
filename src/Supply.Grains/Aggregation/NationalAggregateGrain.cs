using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Supply.Domain.Aggregation;

namespace Supply.Grains.Aggregation;

/// <remarks>
/// Reentrant for the same reasons as <see cref="RegionAggregateGrain"/>; in particular <see cref="Rebuild"/> waits on
/// the regions while they push to it.
/// </remarks>
[Reentrant]
public sealed partial class NationalAggregateGrain : Grain, INationalAggregateGrain
{
    public const string StateName = "nationalAggregate";

    private readonly OffTurnState<NationalAggregateState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger<NationalAggregateGrain> _logger;
    private readonly CoalescingWriter _writer;
    private Dictionary<string, RegionTotals> _regions = new(StringComparer.Ordinal);
    private long _version;

    public NationalAggregateGrain(TimeProvider time, ILogger<NationalAggregateGrain> logger)
    {
        // Written off the turn (OffTurnState): GetVersion and GetTotals never wait behind a whole-state write.
        _state = new OffTurnState<NationalAggregateState>(StateName, StorageNames.Default, GrainContext, logger);
        _time = time;
        _logger = logger;
        _writer = new CoalescingWriter(WriteSnapshot, time, AggregationTiming.MinWriteInterval);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await _state.ReadAsync(cancellationToken);
        _regions = stored.AllRegions().ToDictionary(r => r.RegionCode, StringComparer.Ordinal);
        _version = stored.Version;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try { await _writer.WhenStored().WaitAsync(cancellationToken); }
        catch (Exception e) { LogDeactivationWriteFailed(_logger, e); }
    }

    public Task Push(Immutable<RegionTotals> totals)
    {
        if (!Aggregates.Accept(_regions, totals.Value)) return Task.CompletedTask; // a version we hold already, or older
        _version = Aggregates.NextVersion(_version, _time.GetUtcNow());
        RecordLag(totals.Value);
        ForgetMovedLocations();
        return _writer.WriteAsync();
    }

    /// <summary>
    /// A location that moved region is listed by its old region too, until that region forgets it: tell it to. Not
    /// awaited (the old region may be the one pushing to us now); a lost call is sent again on the next push.
    /// </summary>
    private void ForgetMovedLocations()
    {
        foreach (var (regionCode, location) in Aggregates.Superseded(_regions.Values))
            _ = ForgetAsync(regionCode, location);

        async Task ForgetAsync(string regionCode, LocationStatus location)
        {
            try { await GrainFactory.GetGrain<IRegionAggregateGrain>(regionCode).Forget(location.LocationId, location.Version, location.UsableOn); }
            catch (Exception e) { LogForgetFailed(_logger, e, location.LocationId, regionCode); }
        }
    }

    // Per region, the newest report already measured, so each report's lag is recorded once.
    private readonly Dictionary<string, DateTimeOffset> _newestMeasured = new(StringComparer.Ordinal);

    private void RecordLag(RegionTotals totals)
    {
        var newest = totals.Locations.Max(l => l.LastReceivedAt);
        if (newest is not { } received || (_newestMeasured.TryGetValue(totals.RegionCode, out var seen) && received <= seen)) return;
        _newestMeasured[totals.RegionCode] = received;
        AggregationMetrics.Lag.Record((_time.GetUtcNow() - received).TotalSeconds, new KeyValuePair<string, object?>("region", totals.RegionCode));
    }

    public Task<long> GetVersion() => Task.FromResult(_version);

    public Task<Immutable<NationalTotals>> GetTotals(Immutable<AggregateFilter> filter) =>
        Task.FromResult(Aggregates.Filter(_version, _regions.Values, filter.Value).AsImmutable());

    public async Task<Immutable<RebuildResult>> Rebuild(Immutable<IReadOnlyDictionary<string, IReadOnlyList<string>>> locationIdsByRegion)
    {
        var byRegion = locationIdsByRegion.Value;
        // Each region pushes its rebuilt totals to us while we wait (we are reentrant); we apply what they return as well.
        var rebuilt = await Task.WhenAll(byRegion.Select(kv =>
            GrainFactory.GetGrain<IRegionAggregateGrain>(kv.Key).Rebuild(kv.Value.AsImmutable())));
        foreach (var gone in _regions.Keys.Where(code => !byRegion.ContainsKey(code)).ToList()) _regions.Remove(gone);
        foreach (var totals in rebuilt) Aggregates.Accept(_regions, totals.Value);
        _version = Aggregates.NextVersion(_version, _time.GetUtcNow());
        await _writer.WriteAsync();

        var result = new RebuildResult(byRegion.Count, byRegion.Values.Sum(ids => ids.Count),
            rebuilt.Sum(r => r.Value.Locations.Count(l => l.Version > 0)), _version);
        LogRebuilt(_logger, result.Regions, result.Locations, result.LocationsReported);
        return result.AsImmutable();
    }

    public Task Flush() => _writer.WhenStored();

    private async Task WriteSnapshot()
    {
        // Snapshot synchronously (see CoalescingWriter): the dictionary holds immutable records, so a shallow copy is enough;
        // they are turned into columns as the state is serialized, off this grain's turn (OffTurnState).
        var snapshot = new NationalAggregateState
        {
            StoredRegions = _regions.Values.Select(r => new StoredRegionTotals(r)).ToList(),
            Version = _version,
        };
        try
        {
            await _state.WriteAsync(snapshot);
        }
        catch (InconsistentStateException)
        {
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not tell region {RegionCode} to forget moved location {LocationId}; it is asked again on the next push")]
    private static partial void LogForgetFailed(ILogger logger, Exception e, string locationId, string regionCode);

    [LoggerMessage(LogLevel.Warning, "The national aggregate could not store its totals while deactivating; regions push again on their next change")]
    private static partial void LogDeactivationWriteFailed(ILogger logger, Exception e);

    [LoggerMessage(LogLevel.Information, "National aggregate rebuilt: {Regions} regions, {Locations} locations, {Reported} of them have reported")]
    private static partial void LogRebuilt(ILogger logger, int regions, int locations, int reported);
}
