namespace Supply.Storage.Tests;

/// <summary>Small grain state used by the storage tests.</summary>
[GenerateSerializer]
public sealed class TestState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public int Counter { get; set; }
    [Id(2)] public byte[] Payload { get; set; } = [];

    public static TestState Create(string name, int counter, int payloadBytes = 0, int seed = 0)
    {
        var payload = new byte[payloadBytes];
        new Random(seed).NextBytes(payload);
        return new TestState { Name = name, Counter = counter, Payload = payload };
    }
}
