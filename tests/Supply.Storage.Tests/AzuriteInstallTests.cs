using Supply.Testing;

namespace Supply.Storage.Tests;

/// <summary>The first-use install of Azurite (the Azure tests themselves cover the successful path).</summary>
public sealed class AzuriteInstallTests
{
    [Fact]
    public async Task A_failed_install_fails_with_npms_own_output()
    {
        var tools = Directory.CreateTempSubdirectory("azurite-install").FullName;
        try
        {
            // A truncated package.json: npm refuses it before going anywhere near the network.
            await File.WriteAllTextAsync(Path.Combine(tools, "package.json"), """{ "name": "broken-tools", """);
            await File.WriteAllTextAsync(Path.Combine(tools, "package-lock.json"), "{}");

            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteInstall.EnsureAsync(tools));

            Assert.Contains($"npm ci --prefix {tools}", e.Message);
            Assert.Contains("EJSONPARSE", e.Message); // npm's own explanation, passed on
            Assert.False(Directory.Exists(Path.Combine(tools, "node_modules", ".bin")));
        }
        finally
        {
            Directory.Delete(tools, recursive: true);
        }
    }
}
