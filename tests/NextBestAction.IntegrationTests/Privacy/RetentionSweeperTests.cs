using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;
using StackExchange.Redis;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>
/// The retention sweep on a real redis-server: a release 1 profile that was never written again gets an expiry, and the
/// product-index memberships of a customer whose profile expired go, while those of customers with a profile stay.
/// </summary>
public sealed class RetentionSweeperTests(RedisServerFixture redis)
{
    private readonly string prefix = $"sweep{Guid.NewGuid():N}"[..16];

    private RetentionSweeper Sweeper() => new(
        redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = prefix }),
        Options.Create(new ProfileRules()),
        Options.Create(new PrivacyOptions { RetentionRecheckSeconds = 0, ScanPageSize = 10 }),
        TimeProvider.System,
        NullLogger<RetentionSweeper>.Instance);

    [Fact]
    public async Task Sweep_GivesLastingProfilesAnExpiry_AndRemovesIndexMembersWithoutAProfile()
    {
        var db = redis.Connection.GetDatabase();
        var keys = new ProfileKeys(prefix);
        await db.StringSetAsync(keys.Profile("release1"), """{"customerId":"release1"}""");
        await db.StringSetAsync(keys.Version("release1"), 3);
        await db.StringSetAsync(keys.Profile("current"), "x", TimeSpan.FromDays(10));
        var wishlist = $"{prefix}:{{p-1#03}}:wishlist";
        var buyers = $"{prefix}:{{p-2#01}}:buyers";
        await db.SetAddAsync(wishlist, ["release1", "current", "expired-1"]);
        await db.SetAddAsync(buyers, [.. Enumerable.Range(0, 25).Select(i => (RedisValue)$"expired-{i}"), "current"]);

        var result = await Sweeper().SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.ProfilesGivenExpiry);
        Assert.Equal(26, result.IndexMembershipsRemoved);
        var retention = TimeSpan.FromDays(new ProfileRules().InactiveRetentionDays);
        Assert.InRange((await db.KeyTimeToLiveAsync(keys.Profile("release1")))!.Value, retention - TimeSpan.FromMinutes(1), retention);
        Assert.NotNull(await db.KeyTimeToLiveAsync(keys.Version("release1")));
        Assert.InRange((await db.KeyTimeToLiveAsync(keys.Profile("current")))!.Value, TimeSpan.FromDays(9), TimeSpan.FromDays(10));
        Assert.Equal(["current", "release1"], (await db.SetMembersAsync(wishlist)).Select(m => (string)m!).Order(StringComparer.Ordinal));
        Assert.Equal(["current"], (await db.SetMembersAsync(buyers)).Select(m => (string)m!));

        Assert.Equal(new SweepResult(0, 0), await Sweeper().SweepAsync(CancellationToken.None));
    }
}
