using System.Text;
using Orleans.Runtime;

namespace Supply.Storage.Tests;

/// <summary>The key scheme on its own (no Azurite): valid, reversible, injective, bounded.</summary>
public sealed class AzureTableGrainStorageKeysTests
{
    private static bool IsValidAzureKey(string key) =>
        key.Length <= 512
        && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c))
        && Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(key)) == key; // no unpaired surrogate

    public static TheoryData<string> Hostile() => new(AzureTableGrainStorageTests.HostileKeys.Concat(["", "\ud800lone-high", "lone-low\udc00", "%u", "%uD800"]));

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Escape_is_reversible_and_leaves_no_forbidden_character(string value)
    {
        var escaped = AzureTableGrainStorageKeys.Escape(value);

        Assert.Equal(value, AzureTableGrainStorageKeys.Unescape(escaped));
        Assert.DoesNotContain(escaped, c => c is '/' or '\\' or '#' or '?' or '|' or '~' || char.IsControl(c));
        Assert.True(IsValidAzureKey(escaped) || escaped.Length > 512, escaped);
    }

    [Fact]
    public void Plain_text_is_left_as_it_is()
    {
        Assert.Equal("inventory-Ålesund_01.v2", AzureTableGrainStorageKeys.Escape("inventory-Ålesund_01.v2"));
        Assert.Equal("a%2Fb%25c%7Cd%7Ee%00", AzureTableGrainStorageKeys.Escape("a/b%c|d~e\0"));
    }

    [Fact]
    public void Distinct_grains_and_services_get_distinct_partition_keys()
    {
        var keys = new List<string>();
        foreach (var service in new[] { "svc", "svc|x", "svc%7Cx", "" })
        {
            foreach (var key in AzureTableGrainStorageTests.HostileKeys.Append("x|conformance/a"))
                keys.Add(AzureTableGrainStorageKeys.PartitionKey(service, GrainId.Create("conformance", key)));
        }

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.True(IsValidAzureKey(k), k));
    }

    [Fact]
    public void Long_keys_are_hashed_below_1_KiB_and_stay_distinct()
    {
        var a = AzureTableGrainStorageKeys.PartitionKey("svc", GrainId.Create("conformance", new string('x', 2000)));
        var b = AzureTableGrainStorageKeys.PartitionKey("svc", GrainId.Create("conformance", new string('x', 1999) + "y"));
        var emoji = AzureTableGrainStorageKeys.PartitionKey("svc", GrainId.Create("conformance", string.Concat(Enumerable.Repeat("🙂", 1000))));

        foreach (var key in new[] { a, b, emoji })
        {
            Assert.True(AzureTableGrainStorageKeys.IsHashed(key));
            Assert.True(key.Length <= AzureTableGrainStorageKeys.MaxKeyLength);
            Assert.True(Encoding.UTF8.GetByteCount(key) <= AzureTableGrainStorageKeys.MaxKeyUtf8Bytes);
            Assert.True(IsValidAzureKey(key));
            Assert.Matches("~[0-9A-F]{64}$", key);
        }

        Assert.NotEqual(a, b);
        Assert.StartsWith("svc|conformance%2Fxxxx", a); // the grain id's own '/' is escaped too
        // The prefix keeps surrogate pairs whole.
        Assert.Equal(emoji, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(emoji)));
    }

    [Fact]
    public void Keys_at_the_limit_are_kept_and_one_more_character_is_hashed()
    {
        var serviceAndType = "s|t%2F";
        var atLimit = new string('k', AzureTableGrainStorageKeys.MaxKeyLength - serviceAndType.Length);
        Assert.Equal(serviceAndType + atLimit, AzureTableGrainStorageKeys.PartitionKey("s", GrainId.Create("t", atLimit)));
        Assert.True(AzureTableGrainStorageKeys.IsHashed(AzureTableGrainStorageKeys.PartitionKey("s", GrainId.Create("t", atLimit + "k"))));
        Assert.False(AzureTableGrainStorageKeys.IsHashed(AzureTableGrainStorageKeys.RowKey("state")));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("%2")]
    [InlineData("%ZZ")]
    [InlineData("%u12")]
    public void Unescape_rejects_what_Escape_never_produces(string malformed) =>
        Assert.Throws<FormatException>(() => AzureTableGrainStorageKeys.Unescape(malformed));
}
