using Microsoft.Extensions.Options;
using NextBestAction.Decisioning.DecisionLog;
using NextBestAction.IntegrationTests.Fixtures;
using NextBestAction.Profiles;
using NextBestAction.Profiles.Privacy;

namespace NextBestAction.IntegrationTests.Privacy;

/// <summary>
/// The publisher's sealing keys on a real redis-server: a key is made once and then reused, a decision served before its
/// customer's erasure gets no key, and a returning customer's next decision gets a new one, never the erased key.
/// </summary>
public sealed class SealingKeysTests(RedisServerFixture redis)
{
    private readonly string prefix = $"seal{Guid.NewGuid():N}"[..16];

    private (SealingKeys Keys, ErasureList Erasures, SubjectHasher Hasher) Create()
    {
        var redisOptions = Options.Create(new RedisOptions { KeyPrefix = prefix });
        var privacy = Options.Create(new PrivacyOptions());
        var hasher = new SubjectHasher(redis.Connection, privacy, redisOptions);
        var erasures = new ErasureList(redis.Connection, redisOptions);
        return (new SealingKeys(redis.Connection, hasher, erasures, new DecisionLogKeys(redis.Connection, redisOptions, privacy), TimeProvider.System),
            erasures, hasher);
    }

    [Fact]
    public async Task Key_IsMadeOnce_ReusedWithoutRedis_WithheldBeforeAnErasure_AndNewAfterIt()
    {
        var (keys, erasures, hasher) = Create();
        using var sealing = keys;
        var customer = "cust-sealed";
        var subject = await hasher.HashAsync(customer);
        var db = redis.Connection.GetDatabase();
        var t0 = DateTimeOffset.UtcNow;

        var first = (await sealing.ForBatchAsync([(customer, t0)]))[customer];
        Assert.Equal(subject, first.Subject);
        Assert.Equal(first.Key, (byte[]?)await db.StringGetAsync(DecisionLogKeys.KeyName(prefix, subject)));

        // Reused: even with the stored key gone (without an erasure), the kept one serves the next batch.
        await db.KeyDeleteAsync(DecisionLogKeys.KeyName(prefix, subject));
        Assert.Equal(first.Key, (await sealing.ForBatchAsync([(customer, t0.AddSeconds(1))]))[customer].Key);

        var erasedAt = DateTimeOffset.FromUnixTimeMilliseconds(t0.AddSeconds(2).ToUnixTimeMilliseconds());
        await erasures.MarkAsync(subject, erasedAt);
        var before = (await sealing.ForBatchAsync([(customer, t0.AddSeconds(1))]))[customer];
        Assert.Null(before.Key);
        Assert.Equal(erasedAt, before.ErasedAt);

        var returning = (await sealing.ForBatchAsync([(customer, erasedAt.AddSeconds(1))]))[customer];
        Assert.NotNull(returning.Key);
        Assert.NotEqual(first.Key, returning.Key);
        Assert.Equal(returning.Key, (byte[]?)await db.StringGetAsync(DecisionLogKeys.KeyName(prefix, subject)));
    }
}
