using System.Text;
using System.Text.Json;
using Supply.Application;
using Supply.Domain;
using Supply.Domain.Coverage;
using Supply.Domain.Webhooks;
using Supply.Webhooks.Delivery;

namespace Supply.Server.Tests.Webhooks;

/// <summary>The signature, the CloudEvent's shape and id, the URL rule and the alert tracker, without a server.</summary>
public sealed class WebhookUnitTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private static CoverageRow Row(string area, double days) =>
        new(CoverageLevel.Region, area, CoverageSubject.Item, "ppe:ffp2", new CoverageFigures((long)(days * 10), 10, 0), 3);

    [Fact]
    public void The_signature_is_hmac_sha256_of_the_body_as_openssl_computes_it()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"abc"}""");
        // printf '%s' '{"id":"abc"}' | openssl dgst -sha256 -hmac 'a-receivers-own-secret-of-32-chars'
        const string openssl = "1eeaeea9af1cad0d54fb51c394e76be12289acde9687202a9bf3cc1a29b35a86";
        Assert.Equal("sha256=" + openssl, WebhookSignature.Sign(WebhookSettings.Secret, body));
        Assert.True(WebhookSignature.Verify(WebhookSettings.Secret, body, "sha256=" + openssl));
        Assert.False(WebhookSignature.Verify("another-secret-of-enough-length", body, "sha256=" + openssl));
        Assert.False(WebhookSignature.Verify(WebhookSettings.Secret, Encoding.UTF8.GetBytes("""{"id":"abd"}"""), "sha256=" + openssl));
        Assert.False(WebhookSignature.Verify(WebhookSettings.Secret, body, null));
        Assert.NotEqual(WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
    }

    [Fact]
    public void An_alert_becomes_a_structured_cloud_event_1_0_with_a_stable_id()
    {
        var alert = new CoverageAlertEvent(At, AlertChange.Below, Row("09", 5), "", "09");
        var e = AlertCloudEvents.Create("sub1", 14, alert, "/supply/coverage-alerts");
        var json = JsonDocument.Parse(e.Body).RootElement;
        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(e.Id, json.GetProperty("id").GetString());
        Assert.Equal(WebhookEventId.Of("sub1", "below", "09", "ppe:ffp2", At), e.Id);
        Assert.Equal(("se.supply.coverage.below-threshold", "/supply/coverage-alerts", "application/json", "09/ppe:ffp2"),
            (json.GetProperty("type").GetString(), json.GetProperty("source").GetString(), json.GetProperty("datacontenttype").GetString(),
                json.GetProperty("subject").GetString()));
        Assert.Equal(At, json.GetProperty("time").GetDateTimeOffset());
        var data = json.GetProperty("data");
        Assert.Equal(("below", "09", 14.0, "sub1"), (data.GetProperty("kind").GetString(), data.GetProperty("regionCode").GetString(),
            data.GetProperty("thresholdDays").GetDouble(), data.GetProperty("subscriptionId").GetString()));
        Assert.Equal((50L, 5.0), (data.GetProperty("row").GetProperty("usable").GetInt64(), data.GetProperty("row").GetProperty("daysOfSupply").GetDouble()));

        // The same alert always has the same id (and bytes); another kind, time or subscription another id.
        Assert.Equal(e.Body, AlertCloudEvents.Create("sub1", 14, alert, "/supply/coverage-alerts").Body);
        Assert.NotEqual(e.Id, AlertCloudEvents.Create("sub2", 14, alert, "/supply/coverage-alerts").Id);
        Assert.NotEqual(e.Id, AlertCloudEvents.Create("sub1", 14, alert with { Kind = AlertChange.Recovered }, "/supply/coverage-alerts").Id);
        Assert.NotEqual(e.Id, AlertCloudEvents.Create("sub1", 14, alert with { At = At.AddSeconds(1) }, "/supply/coverage-alerts").Id);

        var stale = AlertCloudEvents.Create("sub1", 14, new CoverageAlertEvent(At, AlertChange.Stale, null, "se-09-hosp-visby", "09"), "/s");
        var staleJson = JsonDocument.Parse(stale.Body).RootElement;
        Assert.Equal(("se.supply.location.stale", JsonValueKind.Null), (staleJson.GetProperty("type").GetString(),
            staleJson.GetProperty("data").GetProperty("row").ValueKind));
    }

    [Theory]
    [InlineData("https://hooks.region.example/supply", true)]
    [InlineData("http://127.0.0.1:8080/x?y=1", true)]
    [InlineData("ftp://hooks.example/", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("hooks.example/supply", false)]
    [InlineData("", false)]
    [InlineData("https://u:p@hooks.example/", false)]
    public void Only_absolute_http_urls_are_deliverable(string url, bool ok) => Assert.Equal(ok, WebhookRules.IsDeliverableUrl(url, out _));

    [Fact]
    public void The_tracker_reports_changes_once_and_remembers_them_across_a_restore()
    {
        var tracker = new AlertTracker(14);
        Assert.Equal(["below 01", "stale se-1"], Kinds(tracker.Look([Row("01", 5), Row("02", 30)], ["se-1"])));
        Assert.Empty(tracker.Look([Row("01", 4), Row("02", 30)], ["se-1"]));

        var restored = new AlertTracker(14, tracker.Below, tracker.StaleIds); // as the outbox grain keeps it
        Assert.Empty(restored.Look([Row("01", 4), Row("02", 30)], ["se-1"]));
        Assert.Equal(["recovered 01", "below 02", "fresh se-1"], Kinds(restored.Look([Row("01", 20), Row("02", 3)], [])));
    }

    [Fact]
    public void A_subscription_filter_is_checked_field_by_field()
    {
        var e = Assert.Throws<DomainValidationException>(() => WebhookRules.Validate("https://x.example/h",
            new WebhookFilter(CoverageLevel.Region, "1", "nope", "", double.NaN), "", new string('d', 501)));
        Assert.Equal(["description", "filter.item_id", "filter.region_code", "filter.threshold_days"],
            e.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    private static List<string> Kinds(IEnumerable<AlertChange> changes) =>
        changes.Select(c => $"{c.Kind} {(c.Row is null ? c.LocationId : c.Row.Area)}").ToList();
}
