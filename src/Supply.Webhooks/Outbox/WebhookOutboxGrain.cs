using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supply.Application;
using Supply.Domain.Coverage;
using Supply.Grains;
using Supply.Webhooks.Delivery;

namespace Supply.Webhooks.Outbox;

/// <summary>
/// Subscriptions and their outbox, in one grain with persistent state. Its timer (every <see cref="WebhookOptions.Interval"/>)
/// first looks for alerts (<see cref="CoverageQueries.LookAsync"/>, the watcher WatchAlerts runs, with each subscription's
/// tracker kept in state) and stores them before anything is sent, then delivers each subscription's events in order. An
/// event leaves the outbox only after a 2xx, so a crash or restart at any point sends it again, never loses it.
/// The timer interleaves with calls, so a hanging receiver never holds up managing subscriptions; the grain's turns are
/// still one at a time, and writes of the state are serialised by <see cref="_writing"/>.
/// </summary>
public sealed partial class WebhookOutboxGrain(
    [PersistentState("webhooks", StorageNames.Default)] IPersistentState<OutboxState> state,
    CoverageQueries queries, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookOutboxGrain> logger)
    : Grain, IWebhookOutboxGrain
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> _nextRound = new(StringComparer.Ordinal);
    private bool _ticking;

    private List<StoredSubscription> Subscriptions => state.State.Subscriptions;
    private WebhookOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Options.Interval) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task<string> CreateAsync(NewSubscription subscription)
    {
        var stored = new StoredSubscription
        {
            Id = Guid.NewGuid().ToString("N"), Url = subscription.Url, Secret = subscription.Secret, Filter = subscription.Filter,
            Description = subscription.Description, CreatedAt = time.GetUtcNow(), CreatedBy = subscription.CreatedBy,
        };
        Subscriptions.Add(stored);
        await PersistAsync();
        return stored.Id;
    }

    public Task<List<SubscriptionView>> ListAsync() => Task.FromResult(Subscriptions.OrderBy(s => s.CreatedAt).Select(SubscriptionView.Of).ToList());

    public Task<SubscriptionView?> GetAsync(string id) => Task.FromResult(Find(id) is { } s ? SubscriptionView.Of(s) : null);

    public async Task<bool> DeleteAsync(string id)
    {
        if (Find(id) is not { } s) return false;
        Subscriptions.Remove(s);
        _nextRound.Remove(id);
        await PersistAsync();
        return true;
    }

    public Task<List<OutboxEvent>?> DeadLettersAsync(string id) =>
        Task.FromResult(Find(id) is { } s ? s.DeadLetters.AsEnumerable().Reverse().ToList() : null);

    public async Task<int> RedeliverAsync(string id)
    {
        if (Find(id) is not { } s) return -1;
        var count = s.DeadLetters.Count;
        foreach (var e in s.DeadLetters)
        {
            e.Rounds = 0;
            e.DeadAt = null;
        }
        s.Pending.AddRange(s.DeadLetters);
        s.DeadLetters.Clear();
        _nextRound.Remove(id);
        await PersistAsync();
        return count;
    }

    public Task WakeAsync() => Task.CompletedTask;

    private StoredSubscription? Find(string id) => Subscriptions.Find(s => s.Id == id);

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_ticking) return;
        _ticking = true;
        try
        {
            await DetectAsync(cancellationToken);
            await Task.WhenAll(Subscriptions.Where(s => s.Pending.Count > 0).ToList().Select(s => DeliverAsync(s, cancellationToken)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTickFailed(e);
        }
        finally
        {
            _ticking = false;
        }
    }

    /// <summary>Each subscription's alert tracker, one look; new events are stored before the trackers' memory moves on.</summary>
    private async Task DetectAsync(CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var s in Subscriptions.ToList())
        {
            var f = s.Filter;
            var tracker = new AlertTracker(f.ThresholdDays, s.Below.Select(Split), s.Stale);
            var watch = new AlertWatch((CoverageLevel)f.Level, f.SubstitutionGroup.Length > 0, f.RegionCode.Length > 0 ? [f.RegionCode] : [],
                f.ItemId, f.SubstitutionGroup, WithStaleness: f.ItemId.Length == 0 && f.SubstitutionGroup.Length == 0);
            IReadOnlyList<CoverageAlertEvent> alerts;
            try
            {
                alerts = await queries.LookAsync(watch, tracker, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDetectFailed(e, s.Id); // the silo not answering yet at start: the next tick looks again
                continue;
            }
            if (Find(s.Id) is null) continue; // deleted meanwhile
            var below = tracker.Below.Select(k => k.Area + Separator + k.Key).Order(StringComparer.Ordinal).ToList();
            var stale = tracker.StaleIds.Order(StringComparer.Ordinal).ToList();
            if (alerts.Count == 0 && below.SequenceEqual(s.Below) && stale.SequenceEqual(s.Stale)) continue;
            (s.Below, s.Stale) = (below, stale);
            foreach (var alert in alerts)
            {
                var e = AlertCloudEvents.Create(s.Id, f.ThresholdDays, alert, Options.Source);
                if (!s.Pending.Exists(p => p.Id == e.Id)) s.Pending.Add(e);
            }
            changed = true;
        }
        if (changed) await PersistAsync();
    }

    /// <summary>A subscription's pending events in order; the first failure ends its round (order is kept, the receiver gets a rest).</summary>
    private async Task DeliverAsync(StoredSubscription s, CancellationToken cancellationToken)
    {
        if (_nextRound.TryGetValue(s.Id, out var next) && time.GetUtcNow() < next) return;
        while (s.Pending.Count > 0 && Find(s.Id) is not null)
        {
            var e = s.Pending[0];
            var (outcome, error) = await sender.SendAsync(s.Url, s.Secret, e.Body, cancellationToken);
            var now = time.GetUtcNow();
            if (outcome == DeliveryOutcome.Delivered)
            {
                s.Pending.Remove(e);
                s.Delivered++;
                s.LastSuccess = now;
                _nextRound.Remove(s.Id);
                await PersistAsync();
                continue;
            }
            (s.LastFailure, s.LastError) = (now, error);
            if (outcome == DeliveryOutcome.Failed)
            {
                e.Rounds++;
                e.LastError = error;
                if (e.Rounds >= Options.DeadLetterAfterRounds)
                {
                    e.DeadAt = now;
                    s.Pending.Remove(e);
                    s.DeadLetters.Add(e);
                    if (s.DeadLetters.Count > Options.DeadLettersKept) s.DeadLetters.RemoveRange(0, s.DeadLetters.Count - Options.DeadLettersKept);
                    LogDeadLetter(s.Id, e.Id, e.Rounds, error);
                }
                var wait = Options.RoundDelay * Math.Pow(2, Math.Min(e.Rounds - 1, 20));
                _nextRound[s.Id] = now + (wait < Options.MaxRoundDelay ? wait : Options.MaxRoundDelay);
            }
            await PersistAsync();
            return;
        }
    }

    private async Task PersistAsync()
    {
        await _writing.WaitAsync();
        try { await state.WriteStateAsync(); }
        finally { _writing.Release(); }
    }

    private const char Separator = '\u001f';

    private static (string Area, string Key) Split(string key)
    {
        var at = key.IndexOf(Separator);
        return at < 0 ? (key, "") : (key[..at], key[(at + 1)..]);
    }

    [LoggerMessage(LogLevel.Warning, "Webhooks: a round of detection and delivery failed; the next tick tries again")]
    private partial void LogTickFailed(Exception e);

    [LoggerMessage(LogLevel.Warning, "Webhooks: looking for alerts for subscription {Subscription} failed; the next tick looks again")]
    private partial void LogDetectFailed(Exception e, string subscription);

    [LoggerMessage(LogLevel.Warning, "Webhooks: event {EventId} of subscription {Subscription} is a dead letter after {Rounds} rounds ({Error})")]
    private partial void LogDeadLetter(string subscription, string eventId, int rounds, string error);
}
