namespace Supply.Testing;

/// <summary>
/// Microsoft's Azure Storage emulator (npm azurite, pinned by tests/tools/package-lock.json, or found in
/// AZURITE_BIN_DIR): blob, queue and table services on free 127.0.0.1 ports, in memory. Installed on first
/// use (<see cref="AzuriteInstall"/>), so a machine with only the .NET SDK and Node.js/npm runs the tests.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    // The emulator's fixed, public development-storage key (documented by Microsoft; not a secret).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int MaxStartAttempts = 3;

    private readonly ChildProcess _process;

    private Azurite(ChildProcess process, int tablePort, int blobPort)
    {
        _process = process;
        TablePort = tablePort;
        BlobPort = blobPort;
    }

    public int TablePort { get; }
    public int BlobPort { get; }

    /// <summary>Development-storage connection string with explicit endpoints on this run's ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};";

    public static async Task<Azurite> StartAsync()
    {
        var azurite = await AzuriteInstall.EnsureAsync();
        for (var attempt = 1; ; attempt++)
        {
            int tablePort = FreePorts.Next(), blobPort = FreePorts.Next(), queuePort = FreePorts.Next();
            var process = ChildProcess.Start(azurite,
            [
                "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(),
                "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
                // Nothing on disk (--location cannot be combined with it; the working directory is a temp one).
                "--inMemoryPersistence",
                // The Azure SDKs may speak newer service versions than this Azurite knows.
                "--skipApiVersionCheck",
                "--disableTelemetry", "--silent",
            ], workingDirectory: Directory.CreateTempSubdirectory("azurite").FullName);
            try
            {
                await FreePorts.WaitListeningAsync(tablePort, TimeSpan.FromSeconds(60), () => process.Output, () => process.HasExited);
                await FreePorts.WaitListeningAsync(blobPort, TimeSpan.FromSeconds(60), () => process.Output, () => process.HasExited);
                return new Azurite(process, tablePort, blobPort);
            }
            catch (Exception) when (attempt < MaxStartAttempts && process.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                // Another process took a port between choosing it and Azurite binding it: try new ones.
                await process.DisposeAsync();
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
