using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Supply.Grains.Tests;

/// <summary>Orleans' serializer with the domain types registered as the silos register them: what crosses silos and reaches storage.</summary>
internal static class DomainSerializer
{
    public static readonly Serializer Instance =
        new ServiceCollection().AddSerializer(s => s.AddSupplyDomainTypes()).BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>Serialized and read back, as another silo or a later activation would see it.</summary>
    public static T RoundTrip<T>(T value) => Instance.Deserialize<T>(Instance.SerializeToArray(value))!;
}
