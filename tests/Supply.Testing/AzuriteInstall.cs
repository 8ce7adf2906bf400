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

    private static string Executable(string tools) => Path.Combine(tools, "node_modules", ".bin", "azurite");

    // npm writes its hidden lockfile at the end of an install: with it, the install finished (not one interrupted midway).
    private static bool IsInstalled(string tools) =>
        File.Exists(Executable(tools)) && File.Exists(Path.Combine(tools, "node_modules", ".package-lock.json"));

    /// <summary>The azurite executable: from AZURITE_BIN_DIR when set, else tests/tools', installed there if missing.</summary>
    public static Task<string> EnsureAsync()
    {
        if (Environment.GetEnvironmentVariable("AZURITE_BIN_DIR") is { Length: > 0 } binDir)
        {
            var given = Path.Combine(binDir, "azurite");
            return File.Exists(given) ? Task.FromResult(given) : throw new InvalidOperationException($"AZURITE_BIN_DIR is set but {given} does not exist.");
        }
        return EnsureAsync(Path.Combine(RepoPaths.Root, "tests", "tools"));
    }

    /// <summary>The azurite executable of the npm project in <paramref name="tools"/>, installed with `npm ci` if missing.</summary>
    public static async Task<string> EnsureAsync(string tools)
    {
        if (IsInstalled(tools)) return Executable(tools);

        await InProcess.WaitAsync();
        try
        {
            await using var fileLock = await AcquireLockAsync(Path.Combine(tools, ".install.lock"));
            if (!IsInstalled(tools)) await InstallAsync(tools); // another process may have installed it while we waited
            return Executable(tools);
        }
        finally
        {
            InProcess.Release();
        }
    }

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

    private static async Task InstallAsync(string tools)
    {
        ChildProcess npm;
        try
        {
            npm = ChildProcess.Start("npm", ["ci", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error"], workingDirectory: tools);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Azurite is installed with npm, which is not on PATH: install Node.js (with npm) to run these tests.", e);
        }

        await using (npm)
        {
            var exitCode = await npm.WaitForExitAsync(InstallTimeout);
            if (exitCode != 0 || !IsInstalled(tools))
                throw new InvalidOperationException(
                    $"`npm ci --prefix {tools}` failed (exit code {exitCode?.ToString() ?? "none: timed out"}); these tests need Azurite from it:\n{npm.Output}");
        }
    }
}
