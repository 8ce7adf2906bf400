using Orleans.Serialization;

namespace Supply.Grains;

public static class SupplySerialization
{
    /// <summary>
    /// Domain types stay plain C# (no Orleans attributes); Orleans carries them with System.Text.Json.
    /// Register on every silo and client.
    /// </summary>
    public static ISerializerBuilder AddSupplyDomainTypes(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(isSupported: type => type.Namespace?.StartsWith("Supply.Domain", StringComparison.Ordinal) == true);
}
