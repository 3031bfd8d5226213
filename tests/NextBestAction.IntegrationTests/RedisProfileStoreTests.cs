using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests;

/// <summary>The profile store against a real redis-server and against the embedded Garnet.</summary>
public sealed class RedisProfileStoreTests(RedisServerFixture redis, GarnetFixture garnet)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

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

        var written = await store.TryWriteAsync([new VersionedProfile(Profile("cust-1"), 0)], Now);
        var read = await store.GetAsync("cust-1", Now);

        Assert.True(Assert.Single(written));
        Assert.NotNull(read);
        Assert.Equal("galaxy-s", Assert.Single(read.Cart).ProductLine);
        Assert.Equal(41, read.AppliedOffsets["nba.clickstream/1"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Write_SetsTheInactiveRetentionOnThePartsAndTheVersion_AndTheNextWriteStartsItAgain(string backend)
    {
        var connection = backend == "garnet" ? garnet.Connection : redis.Connection;
        var options = Options.Create(new RedisOptions { Configuration = "unused", KeyPrefix = $"r{Guid.NewGuid():N}"[..12] });
        var store = new RedisProfileStore(connection, options, Options.Create(new ProfileRules { InactiveRetentionDays = 2 }));
        var db = connection.GetDatabase();
        var twoDays = TimeSpan.FromDays(2);

        await store.TryWriteAsync([new VersionedProfile(Profile("cust-1"), 0)], Now);
        await db.KeyExpireAsync(store.Keys.Profile("cust-1"), TimeSpan.FromHours(1));
        Assert.True(Assert.Single(await store.TryWriteAsync([new VersionedProfile(Profile("cust-1"), 1)], Now)));

        foreach (var key in new[] { store.Keys.Profile("cust-1"), store.Keys.Bookkeeping("cust-1"), store.Keys.Version("cust-1") })
        {
            var left = await db.KeyTimeToLiveAsync(key);
            Assert.True(left > twoDays - TimeSpan.FromMinutes(1) && left <= twoDays, $"{key}: {left}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Load_UnknownCustomer_IsEmptyAtVersionZero(string backend)
    {
        var (store, _) = Store(backend);

        var loaded = Assert.Single(await store.LoadAsync(["cust-unknown"], Now));

        Assert.Equal(0, loaded.Version);
        Assert.Empty(loaded.Profile.Cart);
        Assert.Null(await store.GetAsync("cust-unknown", Now));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TryWrite_StaleVersion_IsRefusedAndKeepsNewerState(string backend)
    {
        var (store, _) = Store(backend);
        await store.TryWriteAsync([new VersionedProfile(Profile("cust-2"), 0)], Now);
        var current = Assert.Single(await store.LoadAsync(["cust-2"], Now));
        current.Profile.OrderCount = 7;
        Assert.True(Assert.Single(await store.TryWriteAsync([current], Now)));

        // A writer that read version 0 (for example a consumer that lost its partitions) comes late.
        var stale = Profile("cust-2");
        stale.OrderCount = 1;
        var refused = await store.TryWriteAsync([new VersionedProfile(stale, 0)], Now);

        Assert.False(Assert.Single(refused));
        Assert.Equal(7, (await store.GetAsync("cust-2", Now))!.OrderCount);
        Assert.Equal(2, Assert.Single(await store.LoadAsync(["cust-2"], Now)).Version);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Write_UsesAHashTaggedKeyPerCustomer(string backend)
    {
        var (store, connection) = Store(backend);

        await store.TryWriteAsync([new VersionedProfile(Profile("cust-3"), 0)], Now);

        var key = store.Keys.Profile("cust-3");
        Assert.EndsWith(":{cust-3}:profile", key, StringComparison.Ordinal);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(key));
        Assert.True(await connection.GetDatabase().KeyExistsAsync(store.Keys.Version("cust-3")));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TemporaryData_IsVisibleUntilItExpires_AndCarriesARedisExpiry(string backend)
    {
        var (store, connection) = Store(backend);
        var profile = Profile("cust-4");
        profile.Temporary = new TemporaryData { Location = new LocationFix(52.37, 4.89, Now, Now.AddMinutes(10)) };

        await store.TryWriteAsync([new VersionedProfile(profile, 0)], Now);

        Assert.NotNull((await store.GetAsync("cust-4", Now.AddMinutes(9)))!.Temporary.Location);
        Assert.Null((await store.GetAsync("cust-4", Now.AddMinutes(11)))!.Temporary.Location);
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(store.Keys.Temporary("cust-4"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10.5));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TemporaryData_AlreadyExpiredWhenWritten_LeavesNoKey(string backend)
    {
        var (store, connection) = Store(backend);
        var profile = Profile("cust-5");
        profile.Temporary = new TemporaryData { Location = new LocationFix(52.37, 4.89, Now.AddHours(-2), Now.AddHours(-1)) };

        await store.TryWriteAsync([new VersionedProfile(profile, 0)], Now);

        Assert.False(await connection.GetDatabase().KeyExistsAsync(store.Keys.Temporary("cust-5")));
        Assert.Null((await store.GetAsync("cust-5", Now))!.Temporary.Location);
    }
}
