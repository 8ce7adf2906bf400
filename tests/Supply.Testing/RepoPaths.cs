namespace Supply.Testing;

public static class RepoPaths
{
    /// <summary>The folder holding Supply.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The server built beside the tests (a ProjectReference makes sure it is built).</summary>
    public static string ServerDll => Path.Combine(Root, "src", "Supply.Server", "bin", Configuration, "net10.0", "Supply.Server.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Supply.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Supply.sln not found above {AppContext.BaseDirectory}");
    }
}
