using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Supply.Domain.Aggregation;
using Supply.Domain.Readiness;
using Supply.Domain.Scenarios;
using Supply.Grains.Stock;

namespace Supply.Grains.Aggregation;

/// <remarks>
/// Reentrant so that it never holds a caller up while it waits on storage or another grain: a publication
/// only changes the in-memory totals (synchronously, so it is atomic) and then waits for the coalesced write.
/// The state object handed to storage is a fresh snapshot per write, so publications interleaved with a write
/// in flight never touch what is being serialized.
/// </remarks>
[Reentrant]
public sealed partial class RegionAggregateGrain : Grain, IRegionAggregateGrain
{
    public const string StateName = "regionAggregate";

    private readonly OffTurnState<RegionAggregateState> _state;
    private readonly OffTurnRows<RegionLocationRow> _locationRows; // each location's totals in a row of its own
    private readonly HashSet<string> _unstored = new(StringComparer.Ordinal); // locations whose totals (or absence) are not stored yet
    private readonly TimeProvider _time;
    private readonly ILogger<RegionAggregateGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly RowBudget _rowBudget; // rows pushes may build afresh, over time
    private Dictionary<string, LocationTotals> _locations = new(StringComparer.Ordinal);
    private RegionRows _rows = new(); // the rows of _locations, kept up to date one publication at a time
    private long _version;
    private long _pushedVersion = -1;
    private bool _unpushed; // the nation may not have our current version
    private IGrainTimer? _pushTimer;
    private bool _pushArmed;
    private int _pushFailures;
    private TimeSpan _lastPushCost; // computing a large region's totals takes a while: debounce longer than that
    private long _lastPushEnded;    // timestamp (TimeProvider) when it was last computed; 0: never
    private (long Version, LocationComplianceRequest Request, RegionComplianceParts Parts)? _compliance; // the last answer, at _version

    public RegionAggregateGrain(TimeProvider time, ILogger<RegionAggregateGrain> logger)
    {
        // Written off the turn (OffTurnState): reads and publications never wait behind a whole-state write.
        _state = new OffTurnState<RegionAggregateState>(StateName, StorageNames.Default, GrainContext, logger);
        _locationRows = new OffTurnRows<RegionLocationRow>(StateName, StorageNames.Default, GrainContext, logger);
        _time = time;
        _logger = logger;
        _writer = new CoalescingWriter(WriteSnapshot, time, AggregationTiming.MinWriteInterval);
        _rowBudget = new RowBudget(time);
    }

    private string RegionCode => this.GetPrimaryKeyString();

    private INationalAggregateGrain Nation => GrainFactory.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await _state.ReadAsync(cancellationToken);
        _locations = new Dictionary<string, LocationTotals>(stored.Locations, StringComparer.Ordinal);
        if (stored.LocationRows is { } ids)
        {
            foreach (var row in (await _locationRows.ReadAsync(ids)).Values)
                if (row.Totals is { } totals) Aggregates.Accept(_locations, totals);
        }
        else _unstored.UnionWith(_locations.Keys); // stored whole, as before rows: the next write stores them as rows
        _rows = RegionRows.Of(_locations.Values);
        _version = stored.Version;
        // We cannot know whether the nation got our last push before we were deactivated (or crashed): push once.
        // The nation ignores a version it already holds.
        if (_state.RecordExists)
        {
            _unpushed = true;
            SchedulePush(AggregationTiming.QuietDelay);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _pushTimer?.Dispose();
        try
        {
            await _writer.WhenStored().WaitAsync(cancellationToken);
            if (_unpushed) await PushNow().WaitAsync(cancellationToken);
        }
        catch (Exception e)
        {
            LogDeactivationFlushFailed(_logger, e, RegionCode);
        }
    }

    public Task Publish(Immutable<LocationTotals> totals)
    {
        var published = totals.Value;
        if (!string.Equals(published.RegionCode, RegionCode, StringComparison.Ordinal))
        {
            LogForeignPublication(_logger, published.LocationId, published.RegionCode, RegionCode);
            return Task.CompletedTask;
        }
        var previous = _locations.GetValueOrDefault(published.LocationId);
        if (!Aggregates.Accept(_locations, published))
        {
            // A version we hold already, or older. If what we hold is not stored yet (a write failed), the caller waits for
            // the write that stores it, so an acknowledgement still means stored.
            return _unstored.Contains(published.LocationId) ? _writer.WriteAsync() : Task.CompletedTask;
        }
        _rows.Replace(previous, published);
        _unstored.Add(published.LocationId);
        Changed();
        return _writer.WriteAsync();
    }

    public Task Forget(string locationId, long version, DateOnly usableOn)
    {
        var previous = _locations.GetValueOrDefault(locationId);
        if (!Aggregates.Forget(_locations, locationId, version, usableOn)) return Task.CompletedTask; // gone, or newer since
        _rows.Replace(previous, null);
        _unstored.Add(locationId);
        LogForgotten(_logger, locationId, RegionCode);
        Changed();
        return _writer.WriteAsync();
    }

    public Task<Immutable<RegionView>> GetView() =>
        Task.FromResult(new RegionView(RegionCode, _version, _pushedVersion, LocationsInIdOrder(), _rows.ToRows()).AsImmutable());

    public Task<Immutable<IReadOnlyList<LocationTotals>>> GetAllLocations() => Task.FromResult(LocationsInIdOrder().AsImmutable());

    private IReadOnlyList<LocationTotals> LocationsInIdOrder() => _locations.Values.OrderBy(l => l.LocationId, StringComparer.Ordinal).ToList();

    public Task<Immutable<IReadOnlyList<LocationTotals>>> GetLocations(Immutable<IReadOnlyCollection<string>> locationIds) =>
        Task.FromResult(((IReadOnlyList<LocationTotals>)locationIds.Value.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id => _locations.GetValueOrDefault(id)).OfType<LocationTotals>().ToList()).AsImmutable());

    public Task<Immutable<ScenarioStockTable>> GetScenarioStock(Immutable<ScenarioStockQuery> query) =>
        Task.FromResult(Aggregates.ScenarioStockTableOf(RegionCode, _locations.Values, query.Value).AsImmutable());

    public Task<Immutable<RegionComplianceParts>> GetComplianceParts(Immutable<LocationComplianceRequest> request)
    {
        if (_compliance is not { } last || last.Version != _version || !last.Request.SameAs(request.Value))
            _compliance = (_version, request.Value, LocationCompliance.Of(RegionCode, _locations.Values, request.Value));
        return Task.FromResult(_compliance.Value.Parts.AsImmutable());
    }

    public async Task<Immutable<RegionTotals>> Rebuild(Immutable<IReadOnlyList<string>> locationIds)
    {
        var ids = locationIds.Value.Distinct(StringComparer.Ordinal).ToList();
        // Downward calls only: locations never wait on their region, so this cannot form a cycle.
        var pulled = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IStockLocationGrain>(id).GetTotals()));

        var rebuilt = new Dictionary<string, LocationTotals>(StringComparer.Ordinal);
        foreach (var totals in pulled.Select(p => p.Value))
        {
            if (totals is null || !string.Equals(totals.RegionCode, RegionCode, StringComparison.Ordinal)) continue;
            rebuilt[totals.LocationId] = totals;
            // Something newer may have been published while we were asking: newest version wins.
            if (_locations.TryGetValue(totals.LocationId, out var held)) Aggregates.Accept(rebuilt, held);
        }
        _unstored.UnionWith(_locations.Keys); // gone, or replaced
        _unstored.UnionWith(rebuilt.Keys);
        _locations = rebuilt;
        _rows = RegionRows.Of(rebuilt.Values);
        Changed();
        await _writer.WriteAsync();
        var result = await PushNow();
        LogRebuilt(_logger, RegionCode, ids.Count, rebuilt.Count);
        return result.AsImmutable();
    }

    public async Task Flush()
    {
        await _writer.WhenStored();
        await PushNow();
    }

    private void Changed()
    {
        _version = Aggregates.NextVersion(_version, _time.GetUtcNow());
        _unpushed = true;
        SchedulePush(AggregationTiming.PushDelayAfter(_lastPushCost, _lastPushEnded == 0 ? TimeSpan.MaxValue : _time.GetElapsedTime(_lastPushEnded),
            _rowBudget.Wait()));
    }

    /// <summary>Debounce: one timer tick per burst of changes; the tick pushes the newest totals.</summary>
    private void SchedulePush(TimeSpan due)
    {
        if (_pushArmed) return;
        _pushTimer ??= this.RegisterGrainTimer(static (grain, _) => grain.PushDue(), this,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        _pushTimer.Change(due, Timeout.InfiniteTimeSpan);
        _pushArmed = true;
    }

    /// <remarks>
    /// Starts the push without awaiting it in the timer's turn: a push completes only once the nation has stored it
    /// (a coalesced write, seconds apart for a large nation), and a timer does not tick again until its callback ends,
    /// so awaiting here would hold every later change back that long. The nation has a push in memory as soon as it
    /// arrives (newest version wins, so overlapping pushes are harmless).
    /// </remarks>
    private Task PushDue()
    {
        _pushArmed = false;
        if (_unpushed) _ = PushInBackground();
        return Task.CompletedTask;
    }

    private async Task PushInBackground()
    {
        try
        {
            await PushNow();
            _pushFailures = 0;
        }
        catch (Exception e)
        {
            _pushFailures++;
            _unpushed = true;
            LogPushFailed(_logger, e, RegionCode, _pushFailures);
            SchedulePush(AggregationTiming.RetryDelay(_pushFailures));
        }
    }

    private async Task<RegionTotals> PushNow()
    {
        var computing = _time.GetTimestamp();
        var totals = Aggregates.RegionTotalsOf(RegionCode, _version, _locations.Values, _rows);
        _lastPushCost = _time.GetElapsedTime(computing);
        _rowBudget.Spend(_rows.RebuiltByLastRead);
        _lastPushEnded = _time.GetTimestamp();
        await Nation.Push(totals.AsImmutable());
        _pushedVersion = Math.Max(_pushedVersion, totals.Version);
        if (_version == totals.Version) _unpushed = false;
        return totals;
    }

    /// <remarks>
    /// Rows first, then the region's own state naming them: a row it names is always stored, and a location forgotten is
    /// cleared before the state stops naming it. A region of ~95 locations × 2,000 items rewritten whole on every write was
    /// a quarter of a national load's CPU; now a write costs the locations that changed.
    /// </remarks>
    private async Task WriteSnapshot()
    {
        // Snapshot synchronously (see CoalescingWriter): the changed locations' immutable totals (null: gone), the ids held.
        var changed = _unstored.Select(id => (id, _locations.TryGetValue(id, out var t) ? new RegionLocationRow { Totals = t } : null)).ToList();
        _unstored.Clear();
        var state = new RegionAggregateState { Version = _version, LocationRows = [.. _locations.Keys] };
        try
        {
            await _locationRows.WriteAsync(changed);
            await _state.WriteAsync(state);
        }
        catch (Exception e)
        {
            // Not stored, or not all of it: the next write stores these again (those that changed since are listed already).
            foreach (var (id, _) in changed) _unstored.Add(id);
            // Someone else wrote (or cleared) our rows: reload them in a fresh activation; publishers retry.
            if (e is InconsistentStateException) DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(LogLevel.Information, "Location {LocationId} now reports to another region; region {RegionCode} no longer counts it")]
    private static partial void LogForgotten(ILogger logger, string locationId, string regionCode);

    [LoggerMessage(LogLevel.Warning, "Location {LocationId} published for region {Published} to region {Region}; ignored")]
    private static partial void LogForeignPublication(ILogger logger, string locationId, string published, string region);

    [LoggerMessage(LogLevel.Warning, "Region {Region} could not push its totals to the nation (attempt {Attempt}); retrying")]
    private static partial void LogPushFailed(ILogger logger, Exception e, string region, int attempt);

    [LoggerMessage(LogLevel.Warning, "Region {Region} could not store or push its totals while deactivating; its next activation pushes again")]
    private static partial void LogDeactivationFlushFailed(ILogger logger, Exception e, string region);

    [LoggerMessage(LogLevel.Information, "Region {Region} rebuilt from {Asked} locations ({Kept} in the region)")]
    private static partial void LogRebuilt(ILogger logger, string region, int asked, int kept);
}
