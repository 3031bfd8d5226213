using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests;

/// <summary>The profile store against a real redis-server and against the embedded Garnet.</summary>
public sealed class RedisProfileStoreTests(RedisServerFixture redis, GarnetFixture garnet)
{
    public static TheoryData<string> Backends => ["redis-server", "garnet"];

    private (RedisProfileStore Store, IConnectionMultiplexer Connection) Store(string backend)
    {
        var connection = backend == "garnet" ? garnet.Connection : redis.Connection;
        var options = Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"s{Guid.NewGuid():N}"[..12] });
        return (new RedisProfileStore(connection, options), connection);
    }

    private static CustomerProfile Profile(string id) => new()
    {
        CustomerId = id,
        Cart = [new CartLine("p-1", "phones", "galaxy-s", 799m, 1, DateTimeOffset.UtcNow)],
        AppliedOffsets = { ["nba.clickstream/1"] = 41 },
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task WriteThenRead_RoundTripsTheProfile(string backend)
    {
        var (store, _) = Store(backend);

        var written = await store.TryWriteAsync([new VersionedProfile(Profile("cust-1"), 0)]);
        var read = await store.GetAsync("cust-1");

        Assert.True(Assert.Single(written));
        Assert.NotNull(read);
        Assert.Equal("galaxy-s", Assert.Single(read.Cart).ProductLine);
        Assert.Equal(41, read.AppliedOffsets["nba.clickstream/1"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Load_UnknownCustomer_IsEmptyAtVersionZero(string backend)
    {
        var (store, _) = Store(backend);

        var loaded = Assert.Single(await store.LoadAsync(["cust-unknown"]));

        Assert.Equal(0, loaded.Version);
        Assert.Empty(loaded.Profile.Cart);
        Assert.Null(await store.GetAsync("cust-unknown"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TryWrite_StaleVersion_IsRefusedAndKeepsNewerState(string backend)
    {
        var (store, _) = Store(backend);
        await store.TryWriteAsync([new VersionedProfile(Profile("cust-2"), 0)]);
        var current = Assert.Single(await store.LoadAsync(["cust-2"]));
        current.Profile.OrderCount = 7;
        Assert.True(Assert.Single(await store.TryWriteAsync([current])));

        // A writer that read version 0 (for example a consumer that lost its partitions) comes late.
        var stale = Profile("cust-2");
        stale.OrderCount = 1;
        var refused = await store.TryWriteAsync([new VersionedProfile(stale, 0)]);

        Assert.False(Assert.Single(refused));
        Assert.Equal(7, (await store.GetAsync("cust-2"))!.OrderCount);
        Assert.Equal(2, Assert.Single(await store.LoadAsync(["cust-2"])).Version);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Write_UsesAHashTaggedKeyPerCustomer(string backend)
    {
        var (store, connection) = Store(backend);

        await store.TryWriteAsync([new VersionedProfile(Profile("cust-3"), 0)]);

        var key = store.Keys.Profile("cust-3");
        Assert.EndsWith(":{cust-3}:profile", key, StringComparison.Ordinal);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(key));
    }
}
