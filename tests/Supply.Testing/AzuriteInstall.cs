namespace Supply.Testing;

/// <summary>
/// Installs Azurite into tests/tools/node_modules with `npm ci` (pinned by tests/tools/package-lock.json) the first
/// time a test needs it. Test projects run as separate processes that may all start at once, so the check and the
/// install happen under a cross-process lock (an exclusively opened lock file), and the check is repeated once the
/// lock is held: whoever comes second finds the finished install. `.ci/run` may install beforehand; nothing depends on it.
/// </summary>
public static class AzuriteInstall
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(8);
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    private static string ToolsDirectory => Path.Combine(RepoPaths.Root, "tests", "tools");
    private static string Executable => Path.Combine(ToolsDirectory, "node_modules", ".bin", "azurite");
    // npm writes its hidden lockfile at the end of an install: with it, the install finished (not one interrupted midway).
    private static string Finished => Path.Combine(ToolsDirectory, "node_modules", ".package-lock.json");

    /// <summary>The azurite executable: from AZURITE_BIN_DIR when set, else installed here if missing.</summary>
    public static async Task<string> EnsureAsync()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BIN_DIR") is { Length: > 0 } binDir)
        {
            var given = Path.Combine(binDir, "azurite");
            return File.Exists(given) ? given : throw new InvalidOperationException($"AZURITE_BIN_DIR is set but {given} does not exist.");
        }
        if (IsInstalled()) return Executable;

        await InProcess.WaitAsync();
        try
        {
            await using var fileLock = await AcquireLockAsync(Path.Combine(ToolsDirectory, ".install.lock"));
            if (!IsInstalled()) await InstallAsync(); // another process may have installed it while we waited
            return Executable;
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static bool IsInstalled() => File.Exists(Executable) && File.Exists(Finished);

    /// <summary>Opens the lock file exclusively (FileShare.None takes an advisory lock on Unix), waiting while another process holds it.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"Another process has held {path} for {LockTimeout.TotalMinutes} minutes while installing Azurite.", e);
            }
        }
    }

    private static async Task InstallAsync()
    {
        ChildProcess npm;
        try
        {
            npm = ChildProcess.Start("npm", ["ci", "--prefix", ToolsDirectory, "--no-audit", "--no-fund", "--loglevel=error"],
                workingDirectory: ToolsDirectory);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Azurite is installed with npm, which is not on PATH: install Node.js (with npm) to run these tests.", e);
        }

        await using (npm)
        {
            var exitCode = await npm.WaitForExitAsync(InstallTimeout);
            if (exitCode != 0 || !IsInstalled())
                throw new InvalidOperationException(
                    $"`npm ci --prefix tests/tools` failed (exit code {exitCode?.ToString() ?? "none: timed out"}); Azurite is needed by these tests:\n{npm.Output}");
        }
    }
}
