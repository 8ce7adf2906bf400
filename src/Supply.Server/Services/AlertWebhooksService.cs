using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;
using Supply.Server.Security;
using Supply.Webhooks;
using Supply.Webhooks.Outbox;
using D = Supply.Domain.Coverage;
using Level = Supply.Contracts.V1.CoverageLevel;

namespace Supply.Server.Services;

/// <summary>The AlertWebhooks RPCs: translation only; <see cref="WebhookSubscriptions"/> validates, scopes and stores.</summary>
public sealed class AlertWebhooksService(WebhookSubscriptions subscriptions) : AlertWebhooks.AlertWebhooksBase
{
    public override async Task<CreateSubscriptionResponse> CreateSubscription(CreateSubscriptionRequest request, ServerCallContext context)
    {
        var f = request.Filter ?? new AlertFilter();
        var filter = new Domain.Webhooks.WebhookFilter(ToDomain(f.Level), f.RegionCode, f.ItemId, f.SubstitutionGroup, f.ThresholdDays);
        var (id, secret) = await subscriptions.CreateAsync(CallerOf(context), request.Url, filter, request.Secret, request.Description);
        return new CreateSubscriptionResponse { Id = id, Secret = secret };
    }

    public override async Task<ListSubscriptionsResponse> ListSubscriptions(ListSubscriptionsRequest request, ServerCallContext context)
    {
        var response = new ListSubscriptionsResponse();
        response.Subscriptions.AddRange((await subscriptions.ListAsync(CallerOf(context))).Select(s => new WebhookSubscription
        {
            Id = s.Id,
            Url = s.Url,
            Description = s.Description,
            CreatedAt = Timestamp.FromDateTimeOffset(s.CreatedAt),
            CreatedBy = s.CreatedBy,
            Filter = new AlertFilter
            {
                Level = ToContract((D.CoverageLevel)s.Filter.Level),
                RegionCode = s.Filter.RegionCode,
                ItemId = s.Filter.ItemId,
                SubstitutionGroup = s.Filter.SubstitutionGroup,
                ThresholdDays = s.Filter.ThresholdDays,
            },
            Status = new DeliveryStatus
            {
                LastSuccess = Stamp(s.LastSuccess),
                LastFailure = Stamp(s.LastFailure),
                LastError = s.LastError,
                Pending = s.Pending,
                DeadLetters = s.DeadLetters,
                Delivered = s.Delivered,
            },
        }));
        return response;
    }

    public override async Task<DeleteSubscriptionResponse> DeleteSubscription(DeleteSubscriptionRequest request, ServerCallContext context)
    {
        await subscriptions.DeleteAsync(CallerOf(context), request.Id);
        return new DeleteSubscriptionResponse();
    }

    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        var response = new ListDeadLettersResponse();
        response.DeadLetters.AddRange((await subscriptions.DeadLettersAsync(CallerOf(context), request.SubscriptionId)).Select(ToContract));
        return response;
    }

    public override async Task<RedeliverDeadLettersResponse> RedeliverDeadLetters(RedeliverDeadLettersRequest request, ServerCallContext context) =>
        new() { Requeued = await subscriptions.RedeliverAsync(CallerOf(context), request.SubscriptionId) };

    // The authorization interceptor has already refused unauthenticated calls.
    private static Caller CallerOf(ServerCallContext context) =>
        Caller.From(context.GetHttpContext().User) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "not authenticated"));

    private static DeadLetter ToContract(OutboxEvent e) => new()
    {
        EventId = e.Id,
        Type = e.Type,
        CreatedAt = Timestamp.FromDateTimeOffset(e.CreatedAt),
        DeadAt = Stamp(e.DeadAt),
        Rounds = e.Rounds,
        LastError = e.LastError,
    };

    private static Timestamp? Stamp(DateTimeOffset? t) => t is { } v ? Timestamp.FromDateTimeOffset(v) : null;

    // Unspecified means region here: a subscriber wants its region's rows unless it says otherwise.
    private static D.CoverageLevel ToDomain(Level level) => level switch
    {
        Level.Location => D.CoverageLevel.Location,
        Level.HealthcareRegion => D.CoverageLevel.HealthcareRegion,
        Level.Nation => D.CoverageLevel.Nation,
        _ => D.CoverageLevel.Region,
    };

    private static Level ToContract(D.CoverageLevel level) => level switch
    {
        D.CoverageLevel.Location => Level.Location,
        D.CoverageLevel.Region => Level.Region,
        D.CoverageLevel.HealthcareRegion => Level.HealthcareRegion,
        _ => Level.Nation,
    };
}
