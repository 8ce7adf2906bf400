namespace Supply.Feeds;

/// <summary>The file formats a feed can have.</summary>
public static class FeedFormats
{
    /// <summary>A pharmacy chain's stock file: JSON with stores, articles (by varunummer) and batches.</summary>
    public const string PharmacyJson = "pharmacy-json";

    /// <summary>A medtech supplier's article list: ';'-separated CSV keyed by article number or GTIN, one row per lot.</summary>
    public const string MedtechCsv = "medtech-csv";

    public static readonly IReadOnlyList<string> All = [PharmacyJson, MedtechCsv];
}

/// <summary>
/// Everything about the feeds, bound from configuration by
/// <see cref="FeedServiceCollectionExtensions.AddSupplyFeeds(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>:
/// the feeds from <c>Supply:Feeds:&lt;name&gt;</c>, the scheduler settings from <c>Supply:FeedScheduler</c>.
/// </summary>
public sealed class SupplyFeedsOptions
{
    /// <summary>The feeds by name (the configuration key). A name is part of every report id: lower-case letters, digits and '-'.</summary>
    public Dictionary<string, FeedOptions> Feeds { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>false</c> keeps the scheduler idle; feeds can still be pulled on demand (<see cref="IFeedPuller"/>).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How long the scheduler waits after start before the first pulls (lets the silo come up).</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pulls of different feeds running at once (pulls of one feed never overlap).</summary>
    public int MaxConcurrentPulls { get; set; } = 4;
}

/// <summary>One supplier feed: where to fetch it, how to read it, which locations it writes, how hard to try.</summary>
public sealed class FeedOptions
{
    /// <summary>Set from the configuration key; need not be given.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>false</c>: configured but neither scheduled nor pullable.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>http(s) URL of the stock file.</summary>
    public string Url { get; set; } = "";

    /// <summary><see cref="FeedFormats.PharmacyJson"/> or <see cref="FeedFormats.MedtechCsv"/>.</summary>
    public string Format { get; set; } = "";

    /// <summary>Time between the end of one scheduled pull and the start of the next; zero: pull on demand only.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>pharmacy-json: store id in the file → stock location id. A store not listed is reported as unmapped.</summary>
    public Dictionary<string, string> Stores { get; set; } = new(StringComparer.Ordinal);

    /// <summary>medtech-csv: the supplier's stock location that every row of the file belongs to.</summary>
    public string Location { get; set; } = "";

    /// <summary>
    /// Article mapping file (supplier article number or GTIN → catalog item id): CSV with a header
    /// <c>supplier_article,item_id</c> (',' or ';') or JSON (an object <c>{"article":"item"}</c> or an array of
    /// <c>{"supplier_article":…,"item_id":…}</c>). Relative to the working directory. Re-read when it changes.
    /// </summary>
    public string MappingFile { get; set; } = "";

    /// <summary>Inline article mapping; entries here win over the mapping file.</summary>
    public Dictionary<string, string> Mapping { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Optional: an article without a mapping entry maps to <c>scheme:number</c> when that is a valid item id:
    /// <c>vnr</c> or <c>npl</c> from the article number (vnr / article_no), <c>gtin</c> from the GTIN. Empty: mapping only.
    /// </summary>
    public string IdentityScheme { get; set; } = "";

    /// <summary>Extra request headers (e.g. an API key). Values are never shown in health or logs.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time allowed for one attempt: the request and the whole body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, on transient failures only (0 = try once).</summary>
    public int Retries { get; set; } = 3;

    /// <summary>First back-off delay; doubles per retry, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public FeedBreakerOptions Breaker { get; set; } = new();

    /// <summary>No good data (by the file's own time) within this window: the feed is stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A file with more bad rows than this share of its data rows is refused whole.</summary>
    public double MaxBadRowRatio { get; set; } = 0.10;

    /// <summary>Larger bodies are refused (not retried).</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The URL without credentials or query (what health and logs show).</summary>
    public string DisplayUrl => Uri.TryCreate(Url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}{u.AbsolutePath}" : "";
}

/// <summary>The circuit breaker of one feed (Polly's ranges apply: durations at least 0.5 s, throughput at least 2).</summary>
public sealed class FeedBreakerOptions
{
    /// <summary>Share of transient failures among recent attempts that opens the breaker.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts within <see cref="SamplingDuration"/> before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 4;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the breaker stays open before one trial attempt.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(2);
}
