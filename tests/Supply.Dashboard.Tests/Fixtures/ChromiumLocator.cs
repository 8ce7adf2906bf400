using System.Diagnostics;

namespace Supply.Dashboard.Tests.Fixtures;

/// <summary>
/// The system Chromium the tests drive (Playwright downloads no browser here): CHROMIUM_PATH, else /usr/bin/chromium.
/// When missing it is installed as the platform allows: as root on Debian/Ubuntu with apt-get, under a cross-process
/// lock (test projects start at once); otherwise the tests fail with the command to run.
/// </summary>
public static class ChromiumLocator
{
    private const string DebianPath = "/usr/bin/chromium";
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static async Task<string> EnsureAsync()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new InvalidOperationException($"CHROMIUM_PATH is set but {given} does not exist.");
        if (File.Exists(DebianPath)) return DebianPath;

        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get") || Environment.UserName != "root")
            throw new InvalidOperationException("Chromium is missing. Install it (Debian: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH " +
                "to a Chromium or Chrome executable.");
        await InProcess.WaitAsync();
        try
        {
            await using var fileLock = await LockAsync(Path.Combine(Path.GetTempPath(), "supply-chromium-install.lock"));
            if (File.Exists(DebianPath)) return DebianPath; // another test process installed it while we waited
            await RunAsync("apt-get", "update");
            await RunAsync("apt-get", "install -y --no-install-recommends chromium");
            return File.Exists(DebianPath) ? DebianPath : throw new InvalidOperationException($"apt-get installed chromium, but {DebianPath} is missing.");
        }
        finally { InProcess.Release(); }
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
            catch (IOException) when (DateTime.UtcNow < deadline) { await Task.Delay(500); }
        }
    }

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {arguments}` failed ({process.ExitCode}): {await error}\n{await output}");
    }
}
