namespace Supply.Testing;

/// <summary>A throwaway redis-server on 127.0.0.1 (Debian's package; .ci/run installs it).</summary>
public sealed class Redis : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Redis(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<Redis> StartAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: apt-get install -y redis-server (.ci/run does this)");
        var port = FreePorts.Next();
        var process = ChildProcess.Start(binary, ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await FreePorts.WaitListeningAsync(port, TimeSpan.FromSeconds(20), () => process.Output);
        return new Redis(process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
