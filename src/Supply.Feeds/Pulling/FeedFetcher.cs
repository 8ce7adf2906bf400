using System.Net.Http.Headers;

namespace Supply.Feeds.Pulling;

/// <summary>A fetched file: its bytes and what HTTP said about its time.</summary>
internal sealed record FetchedFile(byte[] Content, DateTimeOffset? LastModified);

/// <summary>One HTTP attempt: GET the feed URL and read the whole body (bounded), or throw.</summary>
internal static class FeedFetcher
{
    public static async Task<FetchedFile> FetchOnceAsync(HttpClient client, FeedOptions feed, TimeProvider time, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, feed.Url);
        foreach (var (name, value) in feed.Headers) request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(feed.Format == FeedFormats.PharmacyJson ? "application/json" : "text/csv"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.1));

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var retry = response.Headers.RetryAfter;
            TimeSpan? after = retry?.Delta ?? (retry?.Date is { } at ? at - time.GetUtcNow() : null);
            throw new FeedHttpException(response.StatusCode, after is { } a && a > TimeSpan.Zero ? a : null);
        }
        if (response.Content.Headers.ContentLength is { } length && length > feed.MaxFileBytes)
            throw new FeedFileTooLargeException(feed.MaxFileBytes);

        await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > feed.MaxFileBytes) throw new FeedFileTooLargeException(feed.MaxFileBytes);
            buffer.Write(chunk, 0, read);
        }
        return new FetchedFile(buffer.ToArray(), response.Content.Headers.LastModified);
    }
}
