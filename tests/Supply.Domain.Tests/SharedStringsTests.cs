namespace Supply.Domain.Tests;

public sealed class SharedStringsTests
{
    private static string Fresh(string value) => new(value.AsSpan()); // equal, never the same instance

    [Fact]
    public void Equal_strings_come_back_as_one_instance()
    {
        var first = SharedStrings.Of(Fresh("LOT-SHARED-0001"));
        var second = SharedStrings.Of(Fresh("LOT-SHARED-0001"));
        Assert.Equal("LOT-SHARED-0001", second);
        Assert.Same(first, second);
        Assert.Same("", SharedStrings.Of(Fresh("")));
    }

    [Fact]
    public void When_full_it_starts_over_and_still_answers_equal_strings()
    {
        // More distinct lot numbers than the table holds, as a reporting system that never stops inventing them.
        for (var i = 0; i < SharedStrings.Capacity + 1_000; i++)
            Assert.Equal($"LOT-FLOOD-{i}", SharedStrings.Of($"LOT-FLOOD-{i}"));
        var again = SharedStrings.Of(Fresh("LOT-AFTER-FLOOD"));
        Assert.Same(again, SharedStrings.Of(Fresh("LOT-AFTER-FLOOD")));
    }
}
