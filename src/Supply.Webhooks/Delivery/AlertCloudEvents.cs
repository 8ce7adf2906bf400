using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Supply.Application;
using Supply.Domain.Coverage;
using Supply.Domain.Webhooks;
using Supply.Webhooks.Outbox;

namespace Supply.Webhooks.Delivery;

/// <summary>A coverage alert as a CloudEvents 1.0 event in structured JSON mode (the CloudNative.CloudEvents SDK writes it).</summary>
public static class AlertCloudEvents
{
    public const string BelowThreshold = "se.supply.coverage.below-threshold", Recovered = "se.supply.coverage.recovered",
        LocationStale = "se.supply.location.stale", LocationFresh = "se.supply.location.fresh";

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);
    private static readonly JsonEventFormatter Formatter = new(DataJson, new JsonDocumentOptions());

    public static string TypeOf(string kind) => kind switch
    {
        AlertChange.Below => BelowThreshold,
        AlertChange.Recovered => Recovered,
        AlertChange.Stale => LocationStale,
        _ => LocationFresh,
    };

    /// <summary>The event for <paramref name="alert"/>, with its stable id, ready for the outbox.</summary>
    public static OutboxEvent Create(string subscriptionId, double thresholdDays, CoverageAlertEvent alert, string source)
    {
        var row = alert.Row;
        var id = WebhookEventId.Of(subscriptionId, alert.Kind, row?.Area ?? alert.LocationId, row?.Key ?? "", alert.At);
        var data = new AlertData(alert.Kind, alert.At, alert.RegionCode, alert.LocationId, thresholdDays, subscriptionId, row is null ? null : new AlertRow(
            row.Level switch
            {
                CoverageLevel.Location => "location",
                CoverageLevel.Region => "region",
                CoverageLevel.HealthcareRegion => "healthcare-region",
                _ => "nation",
            },
            row.Area, row.Subject == CoverageSubject.Item ? "item" : "group", row.Key, row.Figures.Usable, row.Figures.DailyConsumption,
            row.Figures.DaysOfSupply, row.Figures.StaleShare, row.Locations));
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = id,
            Type = TypeOf(alert.Kind),
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
            Subject = row is null ? alert.LocationId : $"{row.Area}/{row.Key}",
            Time = alert.At,
            DataContentType = MediaTypeNames.Application.Json,
            Data = JsonSerializer.SerializeToElement(data, DataJson),
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new OutboxEvent { Id = id, Type = cloudEvent.Type, Body = Encoding.UTF8.GetString(body.Span), CreatedAt = alert.At };
    }

    /// <summary>Reads a delivered body back (receivers in C# can do the same).</summary>
    public static CloudEvent Parse(ReadOnlyMemory<byte> body) => Formatter.DecodeStructuredModeMessage(body, null, null);

    /// <summary>The event's <c>data</c>: the alert as WatchAlerts sends it, and which subscription and threshold it is for.</summary>
    public sealed record AlertData(string Kind, DateTimeOffset At, string RegionCode, string LocationId, double ThresholdDays, string SubscriptionId,
        AlertRow? Row);

    /// <summary>A coverage row; <c>daysOfSupply</c> is null when nothing is consumed.</summary>
    public sealed record AlertRow(string Level, string Area, string Subject, string Key, long Usable, double DailyConsumption, double? DaysOfSupply,
        double StaleShare, int Locations);
}
