using Microsoft.Extensions.Options;
using Supply.Domain.Catalog;

namespace Supply.Feeds;

/// <summary>Checks the feed configuration at start-up; every problem names the setting ("Supply:Feeds:x:Url").</summary>
public sealed class SupplyFeedsOptionsValidator : IValidateOptions<SupplyFeedsOptions>
{
    public ValidateOptionsResult Validate(string? name, SupplyFeedsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrentPulls < 1) errors.Add("Supply:FeedScheduler:MaxConcurrentPulls must be at least 1");
        if (options.StartDelay < TimeSpan.Zero) errors.Add("Supply:FeedScheduler:StartDelay must not be negative");
        foreach (var (key, feed) in options.Feeds) errors.AddRange(Check(key, feed));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Feed names go into report ids: keep them short and plain.</summary>
    public static bool IsFeedName(string name) =>
        name.Length is >= 1 and <= 40 && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    public static IEnumerable<string> Check(string key, FeedOptions f)
    {
        var at = $"Supply:Feeds:{key}";
        if (!IsFeedName(key)) yield return $"{at}: the feed name must be 1-40 lower-case letters, digits or '-'";
        if (!f.Enabled) yield break;
        if (!Uri.TryCreate(f.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return $"{at}:Url must be an absolute http or https URL";
        if (!FeedFormats.All.Contains(f.Format))
            yield return $"{at}:Format must be one of {string.Join(", ", FeedFormats.All)} (got '{f.Format}')";
        if (f.Interval < TimeSpan.Zero) yield return $"{at}:Interval must not be negative (zero: on demand only)";

        if (f.Format == FeedFormats.PharmacyJson)
        {
            if (f.Stores.Count == 0) yield return $"{at}:Stores must map at least one store to a location id";
            if (f.Location.Length > 0) yield return $"{at}:Location is for medtech-csv; a pharmacy-json feed maps stores with Stores";
            foreach (var (store, location) in f.Stores)
            {
                if (string.IsNullOrWhiteSpace(store)) yield return $"{at}:Stores has an empty store id";
                if (!LocationId.IsValid(location, out var why)) yield return $"{at}:Stores:{store}: location id {why}";
            }
            foreach (var dup in f.Stores.GroupBy(kv => kv.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
                yield return $"{at}:Stores: location '{dup.Key}' is given to more than one store ({string.Join(", ", dup.Select(kv => kv.Key))})";
        }
        else if (f.Format == FeedFormats.MedtechCsv)
        {
            if (!LocationId.IsValid(f.Location, out var why)) yield return $"{at}:Location (the supplier's stock location) {why}";
            if (f.Stores.Count > 0) yield return $"{at}:Stores is for pharmacy-json; a medtech-csv feed writes one Location";
        }

        if (f.Mapping.Count == 0 && f.MappingFile.Length == 0 && f.IdentityScheme.Length == 0)
            yield return $"{at}: give an article mapping (MappingFile or Mapping) or an IdentityScheme; otherwise every article is unmapped";
        if (f.MappingFile.Length > 0 && !File.Exists(f.MappingFile))
            yield return $"{at}:MappingFile '{f.MappingFile}' does not exist (relative to {Environment.CurrentDirectory})";
        foreach (var (article, item) in f.Mapping)
        {
            if (string.IsNullOrWhiteSpace(article)) yield return $"{at}:Mapping has an empty article number";
            if (!ItemId.IsValid(item, out var why)) yield return $"{at}:Mapping:{article}: item id {why}";
        }
        if (f.IdentityScheme is not ("" or "vnr" or "npl" or "gtin"))
            yield return $"{at}:IdentityScheme must be empty, vnr, npl or gtin (got '{f.IdentityScheme}')";
        foreach (var header in f.Headers.Keys)
            if (header.Length == 0 || !header.All(c => c > ' ' && c < 127 && c != ':'))
                yield return $"{at}:Headers: '{header}' is not a header name";

        // Polly's own ranges, checked here so the message names the setting.
        if (f.Timeout < TimeSpan.FromMilliseconds(10) || f.Timeout > TimeSpan.FromHours(24))
            yield return $"{at}:Timeout must be between 10 ms and 24 h";
        if (f.Retries is < 0 or > 20) yield return $"{at}:Retries must be between 0 and 20";
        if (f.RetryDelay < TimeSpan.Zero || f.RetryDelay > TimeSpan.FromHours(24)) yield return $"{at}:RetryDelay must be between 0 and 24 h";
        if (f.MaxRetryDelay < f.RetryDelay) yield return $"{at}:MaxRetryDelay must not be less than RetryDelay";
        if (f.Breaker.FailureRatio is <= 0 or > 1) yield return $"{at}:Breaker:FailureRatio must be above 0 and at most 1";
        if (f.Breaker.MinimumThroughput < 2) yield return $"{at}:Breaker:MinimumThroughput must be at least 2";
        if (f.Breaker.SamplingDuration < TimeSpan.FromMilliseconds(500)) yield return $"{at}:Breaker:SamplingDuration must be at least 0.5 s";
        if (f.Breaker.BreakDuration < TimeSpan.FromMilliseconds(500) || f.Breaker.BreakDuration > TimeSpan.FromDays(1))
            yield return $"{at}:Breaker:BreakDuration must be between 0.5 s and 1 day";
        if (f.StaleAfter <= TimeSpan.Zero) yield return $"{at}:StaleAfter must be positive";
        if (f.MaxBadRowRatio is < 0 or > 1 || double.IsNaN(f.MaxBadRowRatio)) yield return $"{at}:MaxBadRowRatio must be between 0 and 1";
        if (f.MaxFileBytes <= 0) yield return $"{at}:MaxFileBytes must be positive";
    }
}
