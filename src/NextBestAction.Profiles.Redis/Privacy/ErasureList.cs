using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NextBestAction.Profiles.Privacy;

/// <summary>
/// Who was erased and when, by <see cref="SubjectHasher">subject hash</see> only: one Redis hash
/// (<c>{prefix}:privacy:erased</c>, field = subject hash, value = erasure time in Unix milliseconds). Kafka records
/// cannot be deleted, so ingestion drops every event of an erased customer whose event time is not after the
/// erasure: a replay of the input topics does not bring them back, while a later event starts a new profile.
/// </summary>
public sealed class ErasureList(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
{
    private readonly RedisKey key = KeyName(options.Value.KeyPrefix);

    /// <summary>The Redis key of the list.</summary>
    public static string KeyName(string prefix) => $"{prefix}:privacy:erased";

    /// <summary>Records an erasure at <paramref name="at"/>; returns the customer's previous erasure time, if any.</summary>
    public async Task<DateTimeOffset?> MarkAsync(string subjectHash, DateTimeOffset at)
    {
        var db = redis.GetDatabase();
        var previous = await db.HashGetAsync(key, subjectHash);
        await db.HashSetAsync(key, subjectHash, at.ToUnixTimeMilliseconds());
        return previous.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)previous);
    }

    /// <summary>Queues the lookup of many subjects on <paramref name="db"/> (a batch, to share a round trip); null where never erased.</summary>
    public async Task<DateTimeOffset?[]> LookUpAsync(IDatabaseAsync db, string[] subjectHashes)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(subjectHashes);
        if (subjectHashes.Length == 0)
        {
            return [];
        }

        var values = await db.HashGetAsync(key, [.. subjectHashes.Select(h => (RedisValue)h)]);
        return [.. values.Select(v => v.IsNull ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds((long)v))];
    }
}
