using Supply.Domain.Catalog;
using Supply.Domain.Coverage;

namespace Supply.Domain.Webhooks;

/// <summary>Which alerts a webhook subscription receives; empty strings mean "all".</summary>
public sealed record WebhookFilter(CoverageLevel Level, string RegionCode, string ItemId, string SubstitutionGroup, double ThresholdDays)
{
    /// <summary>Rows of groups when the filter names a group; otherwise of items (a named item, or every item).</summary>
    public bool ByGroup => SubstitutionGroup.Length > 0;

    /// <summary>Location staleness is about locations, not items: sent only to subscriptions not narrowed to an item or group.</summary>
    public bool WithStaleness => ItemId.Length == 0 && SubstitutionGroup.Length == 0;
}

/// <summary>The rules a new subscription must meet; every broken one is named by its request field.</summary>
public static class WebhookRules
{
    public const int MinSecretLength = 16, MaxSecretLength = 256, MaxUrlLength = 2048, MaxDescriptionLength = 500;

    public static void Validate(string url, WebhookFilter filter, string secret, string description)
    {
        var v = new Violations();
        if (!IsDeliverableUrl(url, out var why)) v.Add("url", why);
        if (filter.RegionCode.Length > 0) v.Check(Regions.IsRegionCode(filter.RegionCode), "filter.region_code", $"'{filter.RegionCode}' is not a Swedish region code");
        if (filter.ItemId.Length > 0 && !Catalog.ItemId.IsValid(filter.ItemId, out var itemWhy)) v.Add("filter.item_id", itemWhy);
        v.Check(filter.ItemId.Length == 0 || filter.SubstitutionGroup.Length == 0, "filter.substitution_group", "name an item or a substitution group, not both");
        v.Check(double.IsFinite(filter.ThresholdDays) && filter.ThresholdDays > 0, "filter.threshold_days", "must be a number of days above zero");
        v.Check(secret.Length == 0 || secret.Length is >= MinSecretLength and <= MaxSecretLength, "secret",
            $"must be {MinSecretLength} to {MaxSecretLength} characters, or empty to have one made");
        v.Check(description.Length <= MaxDescriptionLength, "description", $"must be at most {MaxDescriptionLength} characters");
        if (v.Any) throw new DomainValidationException(v.Items);
    }

    /// <summary>An absolute http or https URL with a host, no user info (it would be a second, unprotected secret).</summary>
    public static bool IsDeliverableUrl(string url, out string why)
    {
        why = "";
        if (string.IsNullOrWhiteSpace(url)) why = "is required: the absolute http:// or https:// URL to POST events to";
        else if (url.Length > MaxUrlLength) why = $"must be at most {MaxUrlLength} characters";
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc) why = $"'{url}' is not an absolute URL";
        else if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) why = $"scheme '{uri.Scheme}' is not http or https";
        else if (uri.Host.Length == 0) why = "has no host";
        else if (uri.UserInfo.Length > 0) why = "must not carry a user name or password";
        return why.Length == 0;
    }
}
