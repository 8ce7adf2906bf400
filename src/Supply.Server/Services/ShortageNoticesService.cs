using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Supply.Contracts.V1;
using Supply.Domain;
using Supply.Domain.Stock;
using Supply.Grains.Shortages;
using Notice = Supply.Domain.Shortages.ShortageNotice;

namespace Supply.Server.Services;

/// <summary>Stores and lists shortage notices; scenarios read them through the grain.</summary>
public sealed class ShortageNoticesService(IGrainFactory grains, TimeProvider time) : ShortageNotices.ShortageNoticesBase
{
    public const string GrainKey = "se";

    public override async Task<PublishShortageNoticeResponse> PublishShortageNotice(ShortageNotice request, ServerCallContext context)
    {
        var v = new Violations();
        var from = Date(request.From, "from", v);
        var to = Date(request.To, "to", v);
        if (v.Any) throw new DomainValidationException(v.Items);
        var notice = new Notice(request.Id, request.ItemId, from, to, request.Source, request.Reason,
            request.HasDeliveryFactor ? request.DeliveryFactor : null, request.HasDeliveryQuantity ? request.DeliveryQuantity : null,
            [.. request.Alternatives], request.SupplierLocationId, time.GetUtcNow());
        var violations = await grains.GetGrain<IShortageNoticesGrain>(GrainKey).Publish(notice.AsImmutable());
        if (violations.Count > 0) throw new DomainValidationException(violations);
        return new PublishShortageNoticeResponse();
    }

    public override async Task<ListShortageNoticesResponse> ListShortageNotices(ListShortageNoticesRequest request, ServerCallContext context)
    {
        var v = new Violations();
        DateOnly? activeOn = request.ActiveOn.Length > 0 ? Date(request.ActiveOn, "active_on", v) : null;
        if (v.Any) throw new DomainValidationException(v.Items);
        var notices = (await grains.GetGrain<IShortageNoticesGrain>(GrainKey).List()).Value
            .Where(n => request.ItemId.Length == 0 || n.ItemId == request.ItemId)
            .Where(n => activeOn is null || n.ActiveOn(activeOn.Value));
        var response = new ListShortageNoticesResponse();
        response.Notices.AddRange(notices.Select(ToContract));
        return response;
    }

    private static ShortageNotice ToContract(Notice n)
    {
        var notice = new ShortageNotice
        {
            Id = n.Id, ItemId = n.ItemId, From = n.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            To = n.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Source = n.Source, Reason = n.Reason,
            SupplierLocationId = n.SupplierLocationId, PublishedAt = Timestamp.FromDateTimeOffset(n.PublishedAt),
        };
        if (n.DeliveryFactor is { } f) notice.DeliveryFactor = f;
        if (n.DeliveryQuantity is { } q) notice.DeliveryQuantity = q;
        notice.Alternatives.AddRange(n.Alternatives);
        return notice;
    }

    private static DateOnly Date(string text, string field, Violations v)
    {
        if (ReportValidator.TryParseDate(text, out var date)) return date;
        v.Add(field, text.Length == 0 ? "is required (YYYY-MM-DD)" : $"'{text}' is not a date (YYYY-MM-DD)");
        return default;
    }
}
