namespace Supply.Testing;

/// <summary>
/// Microsoft's Azure Storage emulator (npm azurite, installed by `npm ci --prefix tests/tools`),
/// table and blob services on free 127.0.0.1 ports, in memory.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly ChildProcess _process;

    private Azurite(ChildProcess process, int tablePort, int blobPort)
    {
        _process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync()
    {
        var binDir = Environment.GetEnvironmentVariable("AZURITE_BIN_DIR") ?? Path.Combine(RepoPaths.Root, "tests", "tools", "node_modules", ".bin");
        var azurite = Path.Combine(binDir, "azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {binDir}: run `npm ci --prefix tests/tools` (.ci/run does this)");
        int tablePort = FreePorts.Next(), blobPort = FreePorts.Next(), queuePort = FreePorts.Next();
        var process = ChildProcess.Start(azurite,
        [
            "--inMemoryPersistence", "--skipApiVersionCheck", "--silent",
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
        ], workingDirectory: Directory.CreateTempSubdirectory("azurite").FullName);
        await FreePorts.WaitListeningAsync(tablePort, TimeSpan.FromSeconds(30), () => process.Output);
        await FreePorts.WaitListeningAsync(blobPort, TimeSpan.FromSeconds(30), () => process.Output);
        return new Azurite(process, tablePort, blobPort);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
