using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Supply.Storage.Tests;

public sealed class BinaryGrainStorageSerializerTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void Writes_the_same_bytes_as_Orleans_own_storage_serializer_so_either_reads_the_other()
    {
        var state = TestState.Create("location", 42, payloadBytes: 70_000, seed: 7);
        var ours = new BinaryGrainStorageSerializer(Serializer);
        var orleans = new OrleansGrainStorageSerializer(Serializer);

        var written = ours.Serialize(state);

        Assert.Equal(orleans.Serialize(state).ToArray(), written.ToArray());
        var back = orleans.Deserialize<TestState>(written)!;
        Assert.Equal(("location", 42), (back.Name, back.Counter));
        Assert.Equal(state.Payload, ours.Deserialize<TestState>(orleans.Serialize(state)).Payload);
    }

    [Fact]
    public void Hands_storage_an_array_of_the_exact_size()
    {
        var written = new BinaryGrainStorageSerializer(Serializer).Serialize(TestState.Create("x", 1, payloadBytes: 5_000));

        // The SQLite provider binds the array as it is; a slice of a larger buffer would be copied again.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(written.ToMemory(), out var segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(segment.Array!.Length, segment.Count);
    }
}
