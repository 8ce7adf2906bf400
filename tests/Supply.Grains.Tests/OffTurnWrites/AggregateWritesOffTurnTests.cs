using Orleans.Concurrency;
using Supply.Domain.Aggregation;
using Supply.Domain.Coverage;
using Supply.Grains.Aggregation;

namespace Supply.Grains.Tests.OffTurnWrites;

/// <summary>
/// Issue 18: an aggregate's whole-state write runs off the grain's turn, so reads answer while it is being written, and
/// still nothing is acknowledged before it is stored. The storage holds a write by blocking its calling thread, as a
/// national-size serialization does: before the fix the grain's own turn was that thread and every read waited.
/// </summary>
public abstract class AggregateWritesOffTurnTests(HeldStorageCluster fixture)
{
    // A read that waits behind the held write never answers; this is only how long we give it before failing.
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private readonly string _s = Guid.NewGuid().ToString("N")[..8];
    private INationalAggregateGrain Nation => fixture.Grains.GetGrain<INationalAggregateGrain>(NationalAggregateKey.Sweden);

    [Fact]
    public async Task National_reads_answer_while_the_national_write_is_held_and_pushes_are_acknowledged_only_once_stored()
    {
        await Nation.Push(Region("01", 10).AsImmutable());

        using (var hold = fixture.Storage.HoldWrites(NationalAggregateGrain.StateName))
        {
            var first = Nation.Push(Region("03", 20).AsImmutable());
            await hold.Entered.WaitAsync(WriteBound);

            // A write is inside the storage, holding its thread: the nation answers, with 03 counted.
            var version = await Nation.GetVersion().WaitAsync(ReadBound);
            Assert.Equal(20, OnHand(await Until(Totals, t => t.Regions.Any(r => r.RegionCode == "03")), "03"));
            Assert.False(first.IsCompleted); // not stored yet, so not acknowledged

            // A push while the write is held is taken in memory at once (once it arrives: it is not awaited here) and
            // acknowledged only by a later write.
            var second = Nation.Push(Region("04", 30).AsImmutable());
            var withSecond = await Until(Totals, t => t.Regions.Any(r => r.RegionCode == "04"));
            Assert.True(withSecond.Version > version);
            Assert.Equal(30, OnHand(withSecond, "04"));
            Assert.False(first.IsCompleted || second.IsCompleted);

            hold.Release();
            await Task.WhenAll(first, second).WaitAsync(WriteBound);
        }

        // Everything acknowledged is stored: a fresh activation reads all three regions back.
        await fixture.Cluster.DeactivateAsync(Nation);
        var reloaded = await Totals();
        Assert.Equal((10L, 20L, 30L), (OnHand(reloaded, "01"), OnHand(reloaded, "03"), OnHand(reloaded, "04")));
    }

    [Fact]
    public async Task Region_reads_answer_while_the_region_write_is_held()
    {
        var region = fixture.Grains.GetGrain<IRegionAggregateGrain>("05");
        var (a, b) = ($"held-{_s}-a", $"held-{_s}-b");
        await region.Publish(Location("05", a, 1, 7).AsImmutable());

        using (var hold = fixture.Storage.HoldWrites(RegionAggregateGrain.StateName))
        {
            var publish = region.Publish(Location("05", b, 1, 9).AsImmutable());
            await hold.Entered.WaitAsync(WriteBound);

            var held = (await region.GetLocations(new[] { a, b }.AsImmutable<IReadOnlyCollection<string>>()).WaitAsync(ReadBound)).Value;
            Assert.Equal([a, b], held.Select(l => l.LocationId));
            Assert.Contains(b, (await region.GetAllLocations().WaitAsync(ReadBound)).Value.Select(l => l.LocationId));
            Assert.False(publish.IsCompleted);

            hold.Release();
            await publish.WaitAsync(WriteBound);
        }

        await fixture.Cluster.DeactivateAsync(region);
        var reloaded = (await region.GetLocations(new[] { a, b }.AsImmutable<IReadOnlyCollection<string>>())).Value;
        Assert.Equal([7L, 9L], reloaded.Select(l => l.Items.Single().OnHand));
    }

    [Fact]
    public async Task A_write_the_storage_refuses_is_not_acknowledged_and_reads_go_on()
    {
        await Nation.Push(Region("06", 40).AsImmutable());
        fixture.Storage.Refuse(NationalAggregateGrain.StateName);
        try
        {
            var refused = Nation.Push(Region("06", 41).AsImmutable());
            await Assert.ThrowsAnyAsync<Exception>(() => refused.WaitAsync(WriteBound));
            Assert.Equal(41, OnHand(await Totals(), "06")); // held in memory, newest wins; only its acknowledgement failed
        }
        finally
        {
            fixture.Storage.Accept();
        }

        // The region's next version is stored and survives a fresh activation.
        await Nation.Push(Region("06", 42).AsImmutable()).WaitAsync(WriteBound);
        await fixture.Cluster.DeactivateAsync(Nation);
        Assert.Equal(42, OnHand(await Totals(), "06"));
    }

    [Fact]
    public async Task A_publication_whose_row_the_storage_refused_is_acknowledged_again_only_once_stored()
    {
        var region = fixture.Grains.GetGrain<IRegionAggregateGrain>("07");
        var id = $"held-{_s}-row";
        fixture.Storage.Refuse($"{RegionAggregateGrain.StateName}/{id}");
        try
        {
            var refused = region.Publish(Location("07", id, 1, 11).AsImmutable());
            await Assert.ThrowsAnyAsync<Exception>(() => refused.WaitAsync(WriteBound));
        }
        finally
        {
            fixture.Storage.Accept();
        }

        // The location publishes the same version again (its publisher retries): the region holds it already, but not
        // stored, so the retry is acknowledged only by a write that stores it.
        await region.Publish(Location("07", id, 1, 11).AsImmutable()).WaitAsync(WriteBound);
        await fixture.Cluster.DeactivateAsync(region);
        var reloaded = (await region.GetLocations(new[] { id }.AsImmutable<IReadOnlyCollection<string>>())).Value;
        Assert.Equal([11L], reloaded.Select(l => l.Items.Single().OnHand));
    }

    /// <summary>Reads until <paramref name="done"/> holds; every read must answer within the read bound.</summary>
    private static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value) || attempt == 100) return value;
            await Task.Delay(20);
        }
    }

    private async Task<NationalTotals> Totals() => (await Nation.GetTotals(AggregateFilter.All.AsImmutable()).WaitAsync(ReadBound)).Value;

    private long OnHand(NationalTotals totals, string regionCode) =>
        totals.Regions.Single(r => r.RegionCode == regionCode).Rows.Single(r => r.Subject == CoverageSubject.Item && r.Key == Item).OnHand;

    private string Item => $"ppe:held-{_s}";

    /// <summary>A region's totals of one location holding <paramref name="onHand"/> of the test's item; a larger amount is a newer version.</summary>
    private RegionTotals Region(string code, long onHand) =>
        Aggregates.RegionTotalsOf(code, version: DateTimeOffset.UtcNow.UtcTicks + onHand, [Location(code, $"held-{_s}-{code}", onHand, onHand)]);

    private LocationTotals Location(string region, string id, long version, long onHand) =>
        new(id, region, HealthcareRegions.OfRegion(region)[0], version, Now, Now, Today,
            [new LocationItemTotals(Item, "", onHand, 0, 0, onHand, onHand, 1, 0, Now, [])]);
}

[Collection(Name)]
public sealed class AggregateWritesOffTurnOnSqliteTests(HeldSqliteCluster fixture)
    : AggregateWritesOffTurnTests(fixture), IClassFixture<HeldSqliteCluster>
{
    /// <summary>One collection for both storages: a held aggregate write holds the silo's one aggregate write slot (CoalescingWriter).</summary>
    public const string Name = "aggregate writes held";
}

[Collection(AggregateWritesOffTurnOnSqliteTests.Name)]
public sealed class AggregateWritesOffTurnOnAzureBlobTests(HeldAzureBlobCluster fixture)
    : AggregateWritesOffTurnTests(fixture), IClassFixture<HeldAzureBlobCluster>;
