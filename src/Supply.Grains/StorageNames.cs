namespace Supply.Grains;

/// <summary>Names of the grain storage providers the host must register.</summary>
public static class StorageNames
{
    public const string Default = "supply";
}
