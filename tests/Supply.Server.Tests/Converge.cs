namespace Supply.Server.Tests;

/// <summary>
/// Reads across locations come from the aggregates, which trail a report by about a second: read again until the
/// answer satisfies <c>done</c> (bounded), and return the last answer for the test to assert on.
/// </summary>
internal static class Converge
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var answer = await read();
            if (done(answer) || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(100);
        }
    }
}
