using Microsoft.Extensions.Options;
using NextBestAction.Ingestion;
using NextBestAction.Profiles;

namespace NextBestAction.UnitTests.Ingestion;

public sealed class ProfileCacheTests
{
    private static ProfileCache Cache(int capacity) => new(Options.Create(new IngestionOptions { ProfileCacheSize = capacity }));

    private static VersionedProfile Entry(string id, long version) => new(new CustomerProfile { CustomerId = id }, version);

    [Fact]
    public void TryTake_RemovesTheEntry_SoAFailedWriteCannotLeaveItBehind()
    {
        var cache = Cache(10);
        cache.Put(Entry("cust-1", 3));

        Assert.True(cache.TryTake("cust-1", out var taken));
        Assert.Equal(3, taken.Version);
        Assert.False(cache.TryTake("cust-1", out _));
    }

    [Fact]
    public void Put_OverCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = Cache(2);
        cache.Put(Entry("cust-1", 1));
        cache.Put(Entry("cust-2", 1));
        cache.Put(Entry("cust-1", 2));
        cache.Put(Entry("cust-3", 1));

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryTake("cust-2", out _));
        Assert.True(cache.TryTake("cust-1", out var kept));
        Assert.Equal(2, kept.Version);
    }

    [Fact]
    public void Put_WithCapacityZero_KeepsNothing()
    {
        var cache = Cache(0);

        cache.Put(Entry("cust-1", 1));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var cache = Cache(10);
        cache.Put(Entry("cust-1", 1));

        cache.Clear();

        Assert.False(cache.TryTake("cust-1", out _));
    }
}
