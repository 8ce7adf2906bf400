using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;

namespace Supply.Storage;

/// <summary>
/// Orleans' binary serializer for grain state, written straight into one array of the exact size. Same bytes as
/// Orleans' <see cref="OrleansGrainStorageSerializer"/>, which grows an <c>ArrayBufferWriter</c> by doubling
/// and hands back a slice the storage must copy again: about six times the state's size in garbage per write,
/// on the path of every acknowledged report.
/// </summary>
public sealed class BinaryGrainStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    /// <summary>The same bytes, into <paramref name="output"/>: a pooled buffer the storage hands back once they are stored.</summary>
    public void Serialize<T>(T? input, IBufferWriter<byte> output) => serializer.Serialize(input, output);

    public T Deserialize<T>(BinaryData input) => serializer.Deserialize<T>(input.ToMemory())!;
}
